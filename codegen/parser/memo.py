"""Reuse the last run's spec of every synapse whose YAML entry did not change.

A synapse's spec is a function of its own entry's text (and the column it starts
at), the rest of the document, the names of the other synapses (the checks across names
read them), the --subnet option and the generator's own code. After each run the specs
are kept in the cache directory (``specs/``, one file per schema) under a digest of
exactly those. The next run reads every entry whose digest is found there as ``{}``, on
as many lines (load_yaml), so every check across names runs as before, and takes its spec
from the cache: only the changed entries are validated and built. Errors are always a
full read's: if the partial read finds any problem, the document is read again from
scratch and that read's problems are reported. Where an entry's meaning could depend on
other text (YAML anchors and aliases, ...), nothing is reused.

``SUBNET_APIGEN_VERIFY_CACHE=1`` (set by the test suite) also builds every reused spec
from scratch, and fails on any difference.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from codegen.errors import InputError
from codegen.load.cache import UnitCache, cache_home, generator_digest
from codegen.load.yaml_source import SynapseTexts, load_yaml
from codegen.parser.build import with_synapses
from codegen.parser.from_yaml import spec_from_document
from codegen.parser.spec import SubnetSpec, SynapseSpec

VERIFY_ENV = "SUBNET_APIGEN_VERIFY_CACHE"


def load_yaml_spec(path: Path, display: str, subnet: str | None) -> SubnetSpec:
    """The spec of a YAML schema, reusing the last run's spec of every unchanged synapse."""
    memo = SpecMemo(path, display, subnet)
    try:
        spec = memo.load()
    except InputError:
        if not memo.reused:
            raise
        spec = spec_from_document(load_yaml(path, display), subnet)  # the full read words the problems
        memo.reused = {}
    if memo.reused and os.environ.get(VERIFY_ENV):
        fresh = spec_from_document(load_yaml(path, display), subnet)
        if repr(fresh) != repr(spec):
            raise AssertionError(f"{display}: a spec reused from the cache differs from a fresh build")
    memo.save(spec)
    if all(s.name in memo.keys for s in spec.synapses):
        spec.synapse_keys = dict(memo.keys)
    return spec


class SpecMemo:
    """The last runs' synapse specs of one schema, by the digest of what each was built from."""

    def __init__(self, path: Path, display: str, subnet: str | None) -> None:
        self.path, self.display, self.subnet = path, display, subnet
        name = f"{path.resolve()}\0{display}\0{subnet or ''}"
        self.cache = UnitCache(name, generator_digest(), cache_home() / "specs").load()
        self.keys: dict[str, str] = {}  # synapse name -> digest of what its spec is built from
        self.reused: dict[str, SynapseSpec] = {}

    def load(self) -> SubnetSpec:
        spec = spec_from_document(load_yaml(self.path, self.display, self._reuse), self.subnet)
        if not self.reused:
            return spec
        return with_synapses(spec, [self.reused.get(s.name, s) for s in spec.synapses])

    def save(self, spec: SubnetSpec) -> None:
        """Keep this run's specs for the next run (only new ones are written)."""
        if self.keys:
            self.cache.save({
                self.keys[s.name]: self.cache.get(self.keys[s.name]) if s.name in self.reused else pickle.dumps(s, pickle.HIGHEST_PROTOCOL)
                for s in spec.synapses if s.name in self.keys
            })

    def _reuse(self, texts: SynapseTexts) -> Iterable[str]:
        common = hashlib.sha256()
        for part in (generator_digest(), self.display, self.subnet or "", texts.rest, *texts.entries):
            common.update(part.encode("utf-8", "surrogatepass") + b"\0")
        for name, entry in texts.entries.items():
            h = common.copy()
            h.update(f"{entry.column}\0{entry.text}".encode("utf-8", "surrogatepass"))
            self.keys[name] = h.hexdigest()
        for name, key in self.keys.items():
            data = self.cache.get(key)
            if isinstance(data, bytes):
                try:
                    self.reused[name] = _SpecUnpickler(io.BytesIO(data)).load()
                except Exception:  # a spec the cache can't give back is built again
                    pass
        return self.reused


class _SpecUnpickler(pickle.Unpickler):
    """Reads back only the spec model's own classes: a cache file can name no other code."""

    def find_class(self, module: str, name: str) -> Any:
        if module in ("codegen.parser.spec", "codegen.parser.types") or module.startswith("codegen.parser.types."):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a spec")
