"""openapi.json (bittensor 11) lists the components the miner app's own document lists: an enum
or model no route uses is left out, as FastAPI leaves it out (found by the bittensor 11 sample
of tests/test_properties.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import generate

SCHEMA = """\
subnet: unused
enums: {Used: [a, b], Spare: [x]}
models:
  Inner: {fields: {role: Used}}
  Outer: {fields: {inner: Inner}}
  Lonely: {fields: {v: int}}
synapses:
  Ask: {request: {outer: Outer}, response: {ok: bool}}
"""


def test_openapi_lists_only_what_routes_use(tmp_path: Path) -> None:
    schema = tmp_path / "unused.yaml"
    schema.write_text(SCHEMA)
    out = generate(schema, tmp_path / "out", "--bittensor", "11")
    document = json.loads((out / "unused" / "openapi.json").read_text())
    assert sorted(document["components"]["schemas"]) == ["AskRequest", "AskResponse", "Inner", "Outer", "Used"]
