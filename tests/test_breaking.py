"""`subnet-apigen breaking`: one test per rule (breaking kinds fail, safe changes pass), and the command."""

from __future__ import annotations

import copy
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.cli.breaking import RULES, Change, compare
from codegen.load.yaml_source import parse_yaml
from codegen.parser.from_yaml import spec_from_document
from tests.conftest import run_cli

BASE: dict[str, Any] = {
    "subnet": "demo",
    "enums": {"Color": ["red", "green"]},
    "models": {"Point": {"fields": {"x": "int", "y": {"type": "int", "default": 0}}}},
    "synapses": {
        "Ask": {
            "description": "Ask a question.",
            "request": {
                "prompt": {"type": "str", "max_length": 100, "hash": True},
                "level": {"type": "int", "ge": 0, "le": 10},
                "mode": "literal['fast', 'slow']",
                "color": "Color",
                "at": "Point | None",
                "temperature": "float | None",
                "tags": {"type": "list[str]", "default": []},
                "code": {"type": "str", "pattern": "^[a-z]+$", "example": "abc"},
            },
            "response": {"answer": "str", "score": "float | None"},
            "deserialize": "answer",
            "aggregate": "all",
        },
        "Ping": {"response": {"ok": "bool"}},
    },
}

Edit = Callable[[dict[str, Any]], None]


def changes(edit: Edit) -> list[Change]:
    new = copy.deepcopy(BASE)
    edit(new)
    return compare(spec(BASE), spec(new))


def spec(data: dict[str, Any]) -> Any:
    return spec_from_document(parse_yaml(yaml.safe_dump(data, sort_keys=False), "s.yaml"))


def only(found: list[Change], rule: str, level: str) -> Change:
    """The one change ``found`` holds, checked to be of ``rule`` and ``level``."""
    assert len(found) == 1, found
    assert (found[0].rule, found[0].level) == (rule, level), found[0]
    return found[0]


def ask(d: dict[str, Any]) -> dict[str, Any]:
    return d["synapses"]["Ask"]  # type: ignore[no-any-return]


def test_every_rule_has_a_test() -> None:
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(RULES) <= tested


def test_no_change_no_report() -> None:
    assert changes(lambda d: None) == []


# ---- one test per rule ----------------------------------------------------------------


def test_synapse_removed() -> None:
    c = only(changes(lambda d: d["synapses"].pop("Ping")), "synapse-removed", "breaking")
    assert c.side == "old" and c.path == ("synapses", "Ping")
    renamed = only(changes(lambda d: d["synapses"].update(Pong=d["synapses"].pop("Ping"))), "synapse-removed", "breaking")
    assert "renamed to `Pong`" in renamed.message


def test_package_renamed() -> None:
    only(changes(lambda d: d.update(subnet="demo2")), "package-renamed", "api")


def test_hash_fields_changed() -> None:
    c = only(changes(lambda d: ask(d)["request"].update(level={"type": "int", "ge": 0, "le": 10, "hash": True})), "hash-fields-changed", "breaking")
    assert c.path == ("synapses", "Ask", "request", "level", "hash")
    only(changes(lambda d: ask(d)["request"]["prompt"].update(hash=False)), "hash-fields-changed", "breaking")


def test_hash_field_order_matters() -> None:
    def reorder(d: dict[str, Any]) -> None:
        ask(d)["request"]["level"]["hash"] = True
    base_two = copy.deepcopy(BASE)
    reorder(base_two)

    def swap(d: dict[str, Any]) -> None:
        request = ask(d)["request"]
        ask(d)["request"] = {"level": request.pop("level"), **request}

    new = copy.deepcopy(base_two)
    swap(new)
    found = compare(spec(base_two), spec(new))
    only(found, "hash-fields-changed", "breaking")


def test_deserialize_changed() -> None:
    def to_new_field(d: dict[str, Any]) -> None:
        ask(d)["response"]["verdict"] = "str"
        ask(d)["deserialize"] = "verdict"

    only(changes(to_new_field), "deserialize-changed", "breaking")
    c = only(changes(lambda d: ask(d).update(deserialize="score")), "deserialize-changed", "api")
    assert "list[str]" in c.message and "list[float]" in c.message


def test_aggregate_changed() -> None:
    only(changes(lambda d: ask(d).update(aggregate="first")), "aggregate-changed", "api")
    first = copy.deepcopy(BASE)
    ask(first)["aggregate"] = "first"
    majority = copy.deepcopy(first)
    ask(majority)["aggregate"] = "majority"
    only(compare(spec(first), spec(majority)), "aggregate-changed", "note")


def test_field_removed() -> None:
    c = only(changes(lambda d: ask(d)["request"].pop("temperature")), "field-removed", "breaking")
    assert c.side == "old" and c.path == ("synapses", "Ask", "request", "temperature")
    only(changes(lambda d: ask(d)["response"].pop("score")), "field-removed", "breaking")
    only(changes(lambda d: d["models"]["Point"]["fields"].pop("y")), "field-removed", "breaking")

    def rename(d: dict[str, Any]) -> None:
        ask(d)["response"]["rating"] = ask(d)["response"].pop("score")

    assert "renamed to `rating`" in only(changes(rename), "field-removed", "breaking").message


def test_required_field_added() -> None:
    c = only(changes(lambda d: ask(d)["request"].update(seed="int")), "required-field-added", "breaking")
    assert c.side == "new" and c.path == ("synapses", "Ask", "request", "seed")
    only(changes(lambda d: d["models"]["Point"]["fields"].update(z="int")), "required-field-added", "breaking")


def test_optional_additions_are_safe() -> None:
    assert changes(lambda d: ask(d)["request"].update(seed="int | None")) == []
    assert changes(lambda d: ask(d)["request"].update(seed={"type": "int", "default": 7})) == []
    assert changes(lambda d: ask(d)["response"].update(latency="float")) == []
    assert changes(lambda d: d["synapses"].update(Extra={"response": {"x": "int"}})) == []
    assert changes(lambda d: d["models"]["Point"]["fields"].update(z={"type": "int", "default": 0})) == []


def test_descriptions_and_timeouts_are_safe() -> None:
    def describe(d: dict[str, Any]) -> None:
        ask(d)["description"] = "Something else."
        ask(d)["timeout"] = 30
        ask(d)["request"]["level"]["description"] = "How hard."
        d["description"] = "A demo."

    assert changes(describe) == []


def test_field_made_required() -> None:
    only(changes(lambda d: ask(d)["request"].update(temperature="float")), "field-made-required", "breaking")
    assert changes(lambda d: ask(d)["response"].update(score="float")) == []  # response presence is the miner's


def test_field_made_optional() -> None:
    only(changes(lambda d: ask(d)["request"].update(mode="literal['fast', 'slow'] | None")), "field-made-optional", "note")
    assert changes(lambda d: ask(d)["request"].update(mode={"type": "literal['fast', 'slow']", "default": "fast"})) == []


def test_type_changed() -> None:
    only(changes(lambda d: ask(d)["response"].update(answer="int")), "type-changed", "breaking")
    only(changes(lambda d: ask(d)["request"].update(tags={"type": "list[int]", "default": []})), "type-changed", "breaking")
    only(changes(lambda d: ask(d)["request"].update(temperature="int | None")), "type-changed", "breaking")
    only(changes(lambda d: d["models"]["Point"]["fields"].update(x="int | None")), "field-made-optional", "note")
    only(changes(lambda d: d["models"]["Point"]["fields"].update(y={"type": "int", "default": 0}, x="float")), "type-changed", "note")
    only(changes(lambda d: ask(d)["response"].update(answer="any")), "type-changed", "note")
    only(changes(lambda d: ask(d)["request"].update(mode="str")), "type-changed", "note")


def test_type_changed_null_no_longer_accepted_inside_a_list() -> None:
    base = copy.deepcopy(BASE)
    ask(base)["request"]["tags"]["type"] = "list[str | None]"
    c = only(compare(spec(base), spec(BASE)), "type-changed", "breaking")
    assert "null is no longer accepted" in c.message


def test_type_changed_on_a_hash_field_breaks_even_when_wider() -> None:
    base = copy.deepcopy(BASE)
    ask(base)["request"]["level"]["hash"] = True
    new = copy.deepcopy(base)
    ask(new)["request"]["level"]["type"] = "float"
    c = only(compare(spec(base), spec(new)), "type-changed", "breaking")
    assert "body hash" in c.message


def test_null_rejected() -> None:
    c = only(changes(lambda d: ask(d)["request"].update(temperature={"type": "float", "default": 0.5})), "null-rejected", "breaking")
    assert c.path == ("synapses", "Ask", "request", "temperature")
    only(changes(lambda d: ask(d)["response"].update(score={"type": "float", "default": 0.0})), "null-rejected", "breaking")
    base = copy.deepcopy(BASE)
    base["models"]["Point"]["fields"]["y"] = {"type": "int | None", "default": 0}
    only(compare(spec(base), spec(BASE)), "null-rejected", "breaking")
    # Made required already says it (once).
    base["models"]["Point"]["fields"]["x"] = "int | None"
    new = copy.deepcopy(base)
    new["models"]["Point"]["fields"]["x"] = "int"
    only(compare(spec(base), spec(new)), "field-made-required", "breaking")


def test_type_changed_renamed_model_of_the_same_shape_is_fine() -> None:
    def rename(d: dict[str, Any]) -> None:
        d["models"]["Spot"] = d["models"].pop("Point")
        ask(d)["request"]["at"] = "Spot | None"

    assert changes(rename) == []


def test_literal_value_removed() -> None:
    c = only(changes(lambda d: ask(d)["request"].update(mode="literal['fast']")), "literal-value-removed", "breaking")
    assert "'slow'" in c.message
    only(changes(lambda d: ask(d)["request"].update(mode="literal['fast', 'slow', 'deep']")), "literal-value-removed", "note")


def test_enum_value_removed() -> None:
    c = only(changes(lambda d: d["enums"].update(Color=["red"])), "enum-value-removed", "breaking")
    assert c.path == ("enums", "Color") and "'green'" in c.message
    only(changes(lambda d: d["enums"].update(Color=["red", "green", "blue"])), "enum-value-removed", "note")


def test_constraint_tightened() -> None:
    only(changes(lambda d: ask(d)["request"]["prompt"].update(max_length=50)), "constraint-tightened", "breaking")
    only(changes(lambda d: ask(d)["request"]["level"].update(ge=1)), "constraint-tightened", "breaking")
    only(changes(lambda d: ask(d)["request"]["level"].update(le=9)), "constraint-tightened", "breaking")
    only(changes(lambda d: ask(d)["request"].update(temperature={"type": "float | None", "gt": 0})), "constraint-tightened", "breaking")
    only(changes(lambda d: ask(d)["request"]["code"].update(pattern="^[a-c]+$")), "constraint-tightened", "breaking")
    only(changes(lambda d: ask(d)["request"].update(tags={"type": "list[str]", "default": [], "min_length": 0, "max_length": 3})), "constraint-tightened", "breaking")


def test_constraint_loosened_is_a_note() -> None:
    only(changes(lambda d: ask(d)["request"]["prompt"].update(max_length=200)), "constraint-loosened", "note")
    only(changes(lambda d: ask(d)["request"]["level"].pop("le")), "constraint-loosened", "note")
    only(changes(lambda d: ask(d)["request"]["code"].pop("pattern")), "constraint-loosened", "note")
    loosened = only(changes(lambda d: ask(d)["request"]["level"].update(le=100)), "constraint-loosened", "note")
    assert "<= 10 -> <= 100" in loosened.message or "10 -> 100" in loosened.message, loosened.message


def test_constraint_same_bound_spelled_differently_is_no_change() -> None:
    assert changes(lambda d: ask(d)["request"]["level"].update(ge=None, gt=-1, le=None, lt=11)) == []
    strict = changes(lambda d: ask(d)["request"]["level"].update(ge=None, gt=0))
    assert only(strict, "constraint-tightened", "breaking").message.count(">= 1") == 1


# ---- the command ------------------------------------------------------------------------


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_command_reports_file_line_and_exits_1_on_breaking(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    new_data = copy.deepcopy(BASE)
    ask(new_data)["request"]["prompt"]["max_length"] = 50
    new = write(tmp_path / "new.yaml", new_data)
    line = next(i for i, text in enumerate(new.read_text().splitlines(), 1) if "max_length: 50" in text)
    result = run_cli("breaking", old, new)
    assert result.exit_code == 1
    assert f"new.yaml:{line}:" in result.stdout and "breaking [constraint-tightened]" in result.stdout
    assert "FAIL: 1 breaking" in result.stderr


def test_command_passes_safe_changes(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    new_data = copy.deepcopy(BASE)
    ask(new_data)["request"]["seed"] = "int | None"
    ask(new_data)["request"]["prompt"]["max_length"] = 200
    ask(new_data)["description"] = "New words."
    new = write(tmp_path / "new.yaml", new_data)
    result = run_cli("breaking", old, new)
    assert result.exit_code == 0, result.stdout
    assert "note [constraint-loosened]" in result.stdout
    assert result.stderr.startswith("ok: 1 note")


def test_command_api_changes_fail_only_with_api_flag(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    new_data = copy.deepcopy(BASE)
    ask(new_data)["aggregate"] = "by_hotkey"
    new = write(tmp_path / "new.yaml", new_data)
    assert run_cli("breaking", old, new).exit_code == 0
    assert run_cli("breaking", old, new, "--api").exit_code == 1


def test_command_bad_input_exits_2(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    bad = tmp_path / "bad.yaml"
    bad.write_text("subnet: x\nsynapses:\n  A:\n    request: {a: strr}\n")
    result = run_cli("breaking", old, bad)
    assert result.exit_code == 2 and "bad.yaml:4:18: unknown type" in result.stderr
    assert run_cli("breaking", old).exit_code == 2


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd, check=True, capture_output=True)


def test_command_against_a_git_ref(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "schemas").mkdir(parents=True)
    schema = write(repo / "schemas" / "demo.yaml", BASE)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "v1")
    new_data = copy.deepcopy(BASE)
    new_data["synapses"].pop("Ping")
    write(schema, new_data)
    monkeypatch.chdir(repo)
    result = run_cli("breaking", "schemas/demo.yaml", "--against", "HEAD")
    assert result.exit_code == 1
    assert "HEAD:schemas/demo.yaml:" in result.stdout and "[synapse-removed]" in result.stdout
    # The same through REF:path, and from a subdirectory.
    assert run_cli("breaking", "HEAD:schemas/demo.yaml", "schemas/demo.yaml").exit_code == 1
    monkeypatch.chdir(repo / "schemas")
    assert run_cli("breaking", "demo.yaml", "--against", "HEAD").exit_code == 1
    # A schema that is new since the ref has nothing to break.
    write(repo / "schemas" / "fresh.yaml", BASE)
    result = run_cli("breaking", "fresh.yaml", "--against", "HEAD")
    assert result.exit_code == 0 and "not in HEAD" in result.stderr
    assert run_cli("breaking", "demo.yaml", "--against", "no-such-ref").exit_code == 2


def test_command_against_uses_configured_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    write(repo / "demo.yaml", BASE)
    (repo / "pyproject.toml").write_text('[tool.subnet-apigen]\nschemas = ["*.yaml"]\n')
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "v1")
    monkeypatch.chdir(repo)
    assert run_cli("breaking", "--against", "HEAD").exit_code == 0
    new_data = copy.deepcopy(BASE)
    ask(new_data)["request"].pop("level")
    write(repo / "demo.yaml", new_data)
    assert run_cli("breaking", "--against", "HEAD").exit_code == 1
    assert run_cli("breaking").exit_code == 2  # configured schemas alone are not OLD NEW


def test_output_is_the_same_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    new = write(tmp_path / "new.yaml", {**BASE, "subnet": "demo2"})
    monkeypatch.chdir(tmp_path)
    here = run_cli("breaking", "old.yaml", "new.yaml").stdout
    assert here.startswith("new.yaml:") and os.sep not in here.split(":")[0]
    assert old.exists() and new.exists()
