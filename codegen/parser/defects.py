"""Protocol defects: synapses that bittensor 10 itself can't carry as written.

Each rule here was confirmed by a real query through a bt.Axon and bt.Dendrite on 127.0.0.1
(tests/test_partial.py keeps one such round trip per rule):

- `required_hash_fields` as a class variable naming something that is not a field: the
  dendrite's `body_hash` looks every name up in the dumped synapse, and the query raises
  `KeyError` before it is sent.
- a field annotated without None but defaulting to None (`done: bool = None`): a synapse
  left at that default makes the axon answer 500 (pydantic rejects the None it rebuilds).

(A base class re-declaring `dendrite`/`axon`, and a frozen required field, answer 200: they are
not defects.)
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from codegen.load.python_source import Where, attribute_position, class_position
from codegen.parser.py_annotations import show


def find(cls: type, own_fields: list[str]) -> list[tuple[Where | None, str]]:
    """Why ``cls`` can't be queried on bittensor 10, with where the cause is written; [] if it can."""
    out: list[tuple[Where | None, str]] = []
    fields: dict[str, Any] = getattr(cls, "model_fields", {})
    hashed = cls.__dict__.get("required_hash_fields", None) if "required_hash_fields" not in fields else None
    for owner in cls.__mro__:
        if "required_hash_fields" in owner.__dict__ and "required_hash_fields" not in fields:
            hashed = owner.__dict__["required_hash_fields"]
            break
    if isinstance(hashed, (list, tuple)):
        missing = [str(n) for n in hashed if n not in fields]
        if missing:
            out.append((attribute_position(cls, "required_hash_fields") or class_position(cls), f"`required_hash_fields` names {', '.join(f'`{m}`' for m in missing)}, which {'is' if len(missing) == 1 else 'are'} not a field: the dendrite's body hash raises KeyError before sending; list only fields"))
    for name in own_fields:
        info = fields[name]
        if info.default is None and info.default_factory is None and not _allows_none(info.annotation):
            out.append((attribute_position(cls, name), f"field `{name}`: annotated `{show(info.annotation)}` but defaults to None, which the axon rejects when it rebuilds the synapse (every query left at the default answers 500); annotate it `Optional[{show(info.annotation)}] = None`"))
    return out


def _allows_none(tp: Any) -> bool:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if tp is None or tp is type(None) or tp is Any or tp is object:
        return True
    if get_origin(tp) in (typing.Union, types.UnionType):
        return any(_allows_none(a) for a in get_args(tp))
    if get_origin(tp) is typing.Literal:
        return None in get_args(tp)
    return False
