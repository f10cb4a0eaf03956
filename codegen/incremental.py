"""Stages 1-2 for a YAML schema, at the cost of what changed since the last run.

A synapse's spec is a function of its own entry's text (and the column it starts at),
the rest of the document, the names of the other synapses (the checks across names
read them), the --subnet option and the generator's own code. After each run the specs
are kept in the cache directory (``specs/``, one file per schema) under a digest of
exactly those. The next run reads every entry whose digest is found there as ``{}``:
its key and position stay, so every check across names runs as before, and its spec
is taken from the cache. Only the changed entries are validated and built.

Errors are always a full read's: if the partial read finds any problem, the document
is read again from scratch and that run's problems are reported. Entries whose meaning
could depend on other text (YAML anchors and aliases) turn reuse off for the document.
``SUBNET_APIGEN_VERIFY_CACHE=1`` (set by the test suite) also builds every reused spec
from scratch and fails on any difference.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

from codegen.cache import UnitCache, cache_home
from codegen.errors import InputError
from codegen.load_yaml import SynapseTexts, load_yaml
from codegen.parser.build import with_synapses
from codegen.parser.from_yaml import spec_from_document
from codegen.parser.spec import SubnetSpec, SynapseSpec
from codegen.render import RenderedFile
from codegen.stamp import generator_digest

VERIFY_ENV = "SUBNET_APIGEN_VERIFY_CACHE"
_FORMAT = b"subnet-apigen specs 1\n"


def load_yaml_spec(path: Path, display: str, subnet: str | None) -> SubnetSpec:
    """The spec of a YAML schema, reusing the last run's spec of every unchanged synapse."""
    memo = SpecMemo(path, display, subnet)
    try:
        spec = memo.load()
    except InputError:
        if not memo.reused:
            raise
        spec = spec_from_document(load_yaml(path, display), subnet)  # the full read words the problems
        memo.reused = set()
    if memo.reused and os.environ.get(VERIFY_ENV):
        fresh = spec_from_document(load_yaml(path, display), subnet)
        if repr(fresh) != repr(spec):
            raise AssertionError(f"{display}: a spec reused from the cache differs from a fresh build")
    memo.save(spec)
    return spec


class SpecMemo:
    """The last run's synapse specs of one schema, by the digest of what each was built from."""

    def __init__(self, path: Path, display: str, subnet: str | None) -> None:
        self.path, self.display, self.subnet = path, display, subnet
        self.file = cache_home() / "specs" / f"{_digest(str(path.resolve()), display, subnet or '')[:32]}.pickle"
        self.cached = self._read()
        self.keys: dict[str, str] = {}  # synapse name -> digest of what its spec is built from
        self.reused: set[str] = set()

    def load(self) -> SubnetSpec:
        spec = spec_from_document(load_yaml(self.path, self.display, self._reuse), self.subnet)
        if not self.reused:
            return spec
        return with_synapses(spec, [self.cached[self.keys[s.name]] if s.name in self.reused else s for s in spec.synapses])

    def save(self, spec: SubnetSpec) -> None:
        """Keep this run's specs (only these) for the next run; a cache that can't be written is skipped."""
        if not self.keys or (self.reused == set(self.keys) and len(self.cached) == len(self.keys)):
            return  # nothing new to keep
        keep = {self.keys[s.name]: s for s in spec.synapses if s.name in self.keys}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}")
            tmp.write_bytes(_FORMAT + generator_digest().encode() + b"\n" + pickle.dumps(keep, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, self.file)
        except OSError:
            pass

    def _reuse(self, texts: SynapseTexts) -> Iterable[str]:
        common = hashlib.sha256(_digest(generator_digest(), self.display, self.subnet or "", texts.rest, *texts.entries).encode())
        for name, (column, text) in texts.entries.items():
            h = common.copy()
            h.update(f"{column}\0{text}".encode("utf-8", "surrogatepass"))
            self.keys[name] = h.hexdigest()
        self.reused = {name for name, key in self.keys.items() if key in self.cached}
        return self.reused

    def _read(self) -> dict[str, SynapseSpec]:
        """The cached specs; none if the file is missing, torn, or from other generator code."""
        try:
            data = self.file.read_bytes()
        except OSError:
            return {}
        head = _FORMAT + generator_digest().encode() + b"\n"
        if not data.startswith(head):
            return {}
        try:
            specs = pickle.loads(data[len(head):])
        except Exception:  # a torn or corrupted file: rebuild
            return {}
        return specs if isinstance(specs, dict) else {}


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


class RenderMemo:
    """The last run's rendering of each per-synapse file of one package (its test module,
    hooks and handlers), by a digest of everything the template reads: the synapse's spec,
    the subnet's own fields and properties, the synapse names, the target and the generator."""

    def __init__(self, spec: SubnetSpec, target: str) -> None:
        props = {name: getattr(spec, name) for name, value in vars(SubnetSpec).items() if isinstance(value, property)}
        subnet = (dataclasses.replace(spec, synapses=[]), [s.name for s in spec.synapses], props, target)
        self.common = hashlib.sha256(pickle.dumps(subnet, protocol=pickle.HIGHEST_PROTOCOL))
        self.cache = UnitCache(f"render\0{spec.source}\0{spec.name}\0{target}", generator_digest()).load()
        self.keys: dict[str, str] = {}  # path -> its key this run
        self.synapses: dict[str, hashlib._Hash] = {}  # name -> digest so far of the subnet and the synapse
        self.hits = 0

    def get(self, path: str, synapse: SynapseSpec) -> str | None:
        if synapse.name not in self.synapses:
            h = self.common.copy()
            h.update(pickle.dumps(synapse, protocol=pickle.HIGHEST_PROTOCOL))
            self.synapses[synapse.name] = h
        h = self.synapses[synapse.name].copy()
        h.update(path.encode("utf-8", "surrogatepass"))
        self.keys[path] = key = h.hexdigest()
        text = self.cache.get(key)
        self.hits += text is not None
        return text

    def save(self, files: list[RenderedFile]) -> None:
        self.cache.save({self.keys[f.path]: f.text for f in files if f.path in self.keys})
