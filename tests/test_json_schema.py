"""The JSON Schema of the YAML format: generated from the input models, committed fresh,
and accepting exactly the shapes the loader accepts (shorthand fields, defaults of any type)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from codegen.cli.json_schema import FILENAME, json_schema, json_schema_text
from tests.conftest import ROOT, SCHEMAS, TEST_SCHEMAS, run_cli

EXAMPLES = sorted(SCHEMAS.glob("*.yaml")) + sorted(TEST_SCHEMAS.glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_copy_is_fresh() -> None:
    committed = (ROOT / FILENAME).read_text(encoding="utf-8")
    assert committed == json_schema_text(), f"run `subnet-apigen json-schema -o {FILENAME}`"


def test_command_prints_and_writes_it(tmp_path: Path) -> None:
    result = run_cli("json-schema")
    assert result.exit_code == 0 and result.stdout == json_schema_text()
    target = tmp_path / "schema.json"
    assert run_cli("json-schema", "-o", target).exit_code == 0
    assert json.loads(target.read_text()) == json_schema()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate_and_point_at_it(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    text = path.read_text(encoding="utf-8")
    validator.validate(yaml.safe_load(text))
    if path.parent == SCHEMAS:
        assert text.startswith(f"# yaml-language-server: $schema=../{FILENAME}\n")


def field_doc(entry: Any) -> dict[str, Any]:
    return {"subnet": "x", "synapses": {"A": {"request": {"a": entry}}}}


@pytest.mark.parametrize(
    "entry",
    [
        "int",
        "list[dict[str, int | None]]",
        {"type": "int", "default": 3},
        {"type": "float", "default": 0.5, "ge": 0, "le": 1.5},
        {"type": "str", "default": "hi", "example": "abc", "pattern": "^a"},
        {"type": "bool", "default": False},
        {"type": "int | None", "default": None},
        {"type": "list[str]", "default": ["a", "b"], "min_length": 0},
        {"type": "dict[str, any]", "default": {"k": [1, "two", None]}},
        {"type": "any", "example": {"nested": {"deep": True}}, "description": "anything", "hash": True},
    ],
)
def test_shorthand_and_defaults_of_any_type_validate(entry: Any, validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(field_doc(entry))


@pytest.mark.parametrize(
    "doc",
    [
        {"subnet": "x"},
        {"subnet": "x", "synapses": {}},
        {"subnet": "x", "synapses": {"A": {"respnse": {}}}},
        {"subnet": "x", "synapses": {"A": {"aggregate": "sum"}}},
        {"subnet": "x", "synapses": {"A": {"timeout": 0}}},
        field_doc({"default": 3}),
        field_doc({"type": "int", "hash": "yes"}),
        field_doc({"type": "str", "max_length": -1}),
        field_doc(3),
    ],
)
def test_what_the_loader_rejects_for_shape_does_not_validate(doc: dict[str, Any], validator: jsonschema.Draft202012Validator) -> None:
    assert not validator.is_valid(doc)


def synapse_doc(name: str = "Ask", request: str = "a", response: str = "b", subnet: str = "x") -> dict[str, Any]:
    return {"subnet": subnet, "synapses": {name: {"request": {request: "int"}, "response": {response: "int"}}}}


REFUSED_NAMES = [
    synapse_doc(subnet="my-subnet"),
    synapse_doc(subnet="class"),
    synapse_doc(subnet="bittensor"),
    synapse_doc(name="ask"),
    synapse_doc(name="None"),
    synapse_doc(name="Synapse"),
    synapse_doc(name="List"),
    synapse_doc(name="Exception"),
    synapse_doc(request="lambda"),
    synapse_doc(request="name"),
    synapse_doc(response="timeout"),
    synapse_doc(response="dendrite"),
    synapse_doc(request="wallet_name"),
    synapse_doc(request="_private"),
    synapse_doc(request="model_id"),
    synapse_doc(request="axons"),
    {"subnet": "x", "models": {"m": {"fields": {"a": "int"}}}, "synapses": {"A": {}}},
    {"subnet": "x", "models": {"M": {"fields": {"json": "int"}}}, "synapses": {"A": {}}},
    {"subnet": "x", "enums": {"match": ["a"]}, "synapses": {"A": {}}},
]


@pytest.mark.parametrize("doc", REFUSED_NAMES, ids=lambda d: json.dumps(d)[:60])
def test_names_the_generator_refuses_do_not_validate(doc: dict[str, Any], validator: jsonschema.Draft202012Validator, tmp_path: Path) -> None:
    """The editor schema's naming rules are the generator's own (codegen.parser.names)."""
    assert not validator.is_valid(doc)
    schema = tmp_path / "s.yaml"
    schema.write_text(yaml.safe_dump(doc))
    assert run_cli(schema, "--out", tmp_path / "out", "--check").exit_code == 2


def test_names_the_generator_accepts_validate(validator: jsonschema.Draft202012Validator) -> None:
    for doc in [synapse_doc(subnet="my_subnet2", name="AskMe", request="type", response="name_value"), synapse_doc(name="Synapses")]:
        validator.validate(doc)
