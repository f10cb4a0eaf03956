"""Injection safety: a schema whose every text is a canary payload (tests/schemas/hostile.yaml)
generates a package that imports, passes its own tests, shows each text faithfully in
docstrings, Field descriptions and --help, and runs none of it.

A payload that ran would set APIGEN_CANARY or create a CANARY_* file in the working
directory; ``test_the_canaries_would_be_seen`` proves that detection works.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TEST_SCHEMAS, generate

SCHEMA = TEST_SCHEMAS / "hostile.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
ECHO = SPEC["synapses"]["Echo"]
OTHER = SPEC["synapses"]["Other"]

# Runs in a fresh interpreter inside the output directory; prints what the package shows.
PROBE = r'''
import contextlib, io, json, os, typing
import hostile
from hostile import api, client, protocol

def literal_values(annotation):
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for arg in typing.get_args(annotation) for v in literal_values(arg)]

def help_of(*argv):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
        client.build_parser().parse_args([*argv, "--help"])
    return buffer.getvalue()

echo, note = protocol.Echo(), protocol.Note()
print(json.dumps({
    "canary": os.environ.get("APIGEN_CANARY"),
    "docs": {
        "package": hostile.__doc__, "protocol": protocol.__doc__, "Note": protocol.Note.__doc__,
        "Echo": protocol.Echo.__doc__, "EchoAPI": api.EchoAPI.__doc__, "OtherAPI": api.OtherAPI.__doc__,
        "Echo.prepare_synapse": api.EchoAPI.prepare_synapse.__doc__,
        "Other.prepare_synapse": api.OtherAPI.prepare_synapse.__doc__,
    },
    "descriptions": {
        f"{cls.__name__}.{name}": info.description
        for cls in (protocol.Echo, protocol.Other, protocol.Note)
        for name, info in cls.model_fields.items() if name in cls.__annotations__
    },
    "enum": [member.value for member in protocol.Tricky],
    "literal": literal_values(protocol.Echo.model_fields["mode"].annotation),
    "defaults": {
        "defaulted": echo.defaulted.value, "quoted": echo.quoted, "anything": echo.anything,
        "words": echo.words, "Note.text": note.text,
    },
    "help": {"": help_of(), "echo": help_of("echo"), "other": help_of("other")},
}))
'''


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def shows(doc: str | None, text: str) -> bool:
    """``text`` appears in ``doc`` line for line (docstring indentation aside)."""
    want, have = lines(text), lines(doc or "")
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def words(text: str) -> str:
    return " ".join(text.split())


def canary_files(root: Path) -> list[Path]:
    return sorted(root.rglob("CANARY_*"))


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "APIGEN_CANARY"}
    return {**env, "COLUMNS": "100000", "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SCHEMA, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def shown(out: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=out, env=clean_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_the_canaries_would_be_seen(tmp_path: Path) -> None:
    """Executing a payload's code does trip both canaries, so their absence below means something."""
    code = SPEC["enums"]["Tricky"][0].removeprefix("-x ")
    proc = subprocess.run(
        [sys.executable, "-c", f"import os; {code}; print(os.environ['APIGEN_CANARY'])"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60,
    )
    assert proc.stdout.strip() == "enum"
    assert canary_files(tmp_path) == [tmp_path / "CANARY_enum"]


def test_nothing_ran_while_generating_or_importing(out: Path, shown: dict[str, Any]) -> None:
    assert shown["canary"] is None
    assert canary_files(out) == []
    assert "APIGEN_CANARY" not in os.environ


def test_docstrings_show_the_text(shown: dict[str, Any]) -> None:
    docs = shown["docs"]
    assert shows(docs["package"], SPEC["description"])
    assert shows(docs["protocol"], SPEC["description"])
    assert lines(docs["Note"]) == lines(SPEC["models"]["Note"]["description"])
    assert shows(docs["Echo"], ECHO["description"])
    assert shows(docs["EchoAPI"], ECHO["description"])
    assert shows(docs["OtherAPI"], OTHER["description"])
    for name in ("text", "mode", "tricky"):  # Google-style `Args:` entries
        assert shows(docs["Echo.prepare_synapse"], f"{name}: " + ECHO["request"][name]["description"]), name
    assert shows(docs["Other.prepare_synapse"], "q: " + OTHER["request"]["q"]["description"])


def test_field_descriptions_are_exact(shown: dict[str, Any]) -> None:
    described = {
        f"Echo.{name}": field["description"]
        for role in ("request", "response")
        for name, field in ECHO[role].items()
        if field.get("description")
    }
    described["Other.q"] = OTHER["request"]["q"]["description"]
    described["Note.text"] = SPEC["models"]["Note"]["fields"]["text"]["description"]
    for key, text in described.items():
        assert shown["descriptions"][key] == text, key


def test_values_are_exact(shown: dict[str, Any]) -> None:
    assert shown["enum"] == SPEC["enums"]["Tricky"]
    mode = ECHO["request"]["mode"]["type"]
    assert shown["literal"] == ast.literal_eval(mode.removeprefix("literal"))
    defaults = shown["defaults"]
    assert defaults["defaulted"] == ECHO["request"]["defaulted"]["default"]
    assert defaults["quoted"] == ECHO["request"]["quoted"]["default"]
    assert defaults["anything"] == ECHO["request"]["anything"]["default"]
    assert defaults["words"] == ECHO["request"]["words"]["default"]
    assert defaults["Note.text"] == SPEC["models"]["Note"]["fields"]["text"]["default"]


def test_help_shows_the_text(shown: dict[str, Any]) -> None:
    top, echo, other = (words(shown["help"][k]) for k in ("", "echo", "other"))
    assert words(SPEC["description"]) in top
    assert words(ECHO["description"]) in top
    assert words(OTHER["description"]) in top
    for name in ("text", "mode", "tricky"):
        assert words(ECHO["request"][name]["description"]) in echo, name
    assert words(OTHER["request"]["q"]["description"]) in other
    for value in SPEC["enums"]["Tricky"]:
        assert words(value) in echo, value


def test_the_generated_tests_pass_and_run_nothing(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "hostile/tests"],
        cwd=out, env=clean_env(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
    assert canary_files(out) == []


def test_the_generated_package_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "hostile"],
        cwd=out, env={**clean_env(), "MYPYPATH": ""}, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
