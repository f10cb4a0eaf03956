"""Reuse the last run's rendering of each synapse's files and parts of modules.

Each synapse's files and blocks of modules (see ``render.files``) are kept in the cache
directory (``render/``) under a digest of everything their templates read: the synapse's
spec (its digest from ``parser.memo``, or the pickled spec for Python input), the subnet's
own fields and properties, the synapse names and the target.

``SUBNET_APIGEN_VERIFY_CACHE=1`` (set by the test suite) also renders every module whole
and fails on any difference (see ``pipeline``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
from collections.abc import Callable

from codegen.load.cache import UnitCache, cache_home, generator_digest
from codegen.parser.memo import VERIFY_ENV
from codegen.parser.spec import SubnetSpec, SynapseSpec

__all__ = ["VERIFY_ENV", "RenderMemo"]


class RenderMemo:
    """The last run's rendering of each synapse's files and parts of modules in one package,
    by a digest of everything the template reads: the synapse's spec, the subnet's own
    fields and properties, the synapse names, the target and the generator (see render)."""

    def __init__(self, spec: SubnetSpec, target: str) -> None:
        props = {
            name: getattr(spec, name)
            for name, value in vars(SubnetSpec).items() if isinstance(value, (property, functools.cached_property))
        }
        subnet = (dataclasses.replace(spec, synapses=[], synapse_keys={}), [s.name for s in spec.synapses], props, target)
        self.common = hashlib.sha256(pickle.dumps(subnet, protocol=pickle.HIGHEST_PROTOCOL))
        self.known = spec.synapse_keys  # a synapse's key determines its spec: no need to pickle it
        self.cache = UnitCache(f"{spec.source}\0{spec.name}\0{target}", generator_digest(), cache_home() / "render").load()
        self.synapses: dict[str, hashlib._Hash] = {}  # name -> digest so far of the subnet and the synapse
        self.results: dict[str, str] = {}  # key -> text, this run
        self.hits = 0

    def __call__(self, path: str, synapse: SynapseSpec, make: Callable[[], str]) -> str:
        key = self.key(path, synapse)
        text = self.cache.get(key)
        if text is None:
            text = make()
        else:
            self.hits += 1
        self.results[key] = text
        return text

    def key(self, path: str, synapse: SynapseSpec) -> str:
        if synapse.name not in self.synapses:
            h = self.common.copy()
            known = self.known.get(synapse.name)
            h.update(b"key\0" + known.encode() if known else b"spec\0" + pickle.dumps(synapse, protocol=pickle.HIGHEST_PROTOCOL))
            self.synapses[synapse.name] = h
        h = self.synapses[synapse.name].copy()
        h.update(path.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def save(self) -> None:
        self.cache.save(self.results)
