"""The command line: exit codes, FILE:LINE:COL errors, nothing written on bad input, --check/--diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SCHEMAS, run_cli


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subnet: x\nsynapses:\n  A:\n    request: {a: strr}\n", ":4:18: unknown type `strr`; did you mean `str`?"),
        ("subnet: x\nsynapses:\n  A:\n    respnse: {b: int}\n", ":4:5: unknown key `respnse`; did you mean `response`?"),
        ("subnet: x\nsubnet: y\nsynapses: {A: {}}\n", ":2:1: duplicate key 'subnet'"),
        ("subnet: x\nsynapses:\n\tA: {}\n", ":3:1: YAML syntax error"),
        ("synapses: {A: {}}\n", ":1:1: missing required key `subnet`"),
        ("subnet: x\nsynapses:\n  A:\n    request: {name: int}\n", ":4:15: field 'name' shadows bittensor.Synapse.name"),
        ("subnet: ../x\nsynapses: {A: {}}\n", ":1:9: subnet '../x' is not a valid package name"),
    ],
)
def test_bad_input_exits_2_with_position_and_writes_nothing(tmp_path: Path, text: str, expected: str) -> None:
    schema = write(tmp_path, text)
    out = tmp_path / "out"
    result = run_cli(schema, "--out", out)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "My-Pkg", "class", "os", "x\n"])
def test_a_bad_subnet_option_is_reported_against_the_option(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = run_cli(SCHEMAS / "dummy.yaml", "--subnet", name, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith("schemas/dummy.yaml: --subnet ") or "dummy.yaml: --subnet " in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_one_bad_schema_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    bad = write(tmp_path, "subnet: bad\nsynapses:\n  A:\n    request: {a: strr}\n")
    out = tmp_path / "out"
    result = run_cli(SCHEMAS / "dummy.yaml", bad, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()


def test_check_and_diff(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli(SCHEMAS / "dummy.yaml", "--out", out, "--check").exit_code == 1
    assert not out.exists()
    assert run_cli(SCHEMAS / "dummy.yaml", "--out", out).exit_code == 0
    assert run_cli(SCHEMAS / "dummy.yaml", "--out", out, "--check").exit_code == 0
    api = out / "dummy" / "api.py"
    api.write_text(api.read_text() + "# edited\n")
    check = run_cli(SCHEMAS / "dummy.yaml", "--out", out, "--check")
    assert check.exit_code == 1 and "stale: " in check.stdout and "api.py" in check.stdout
    diff = run_cli(SCHEMAS / "dummy.yaml", "--out", out, "--diff")
    assert diff.exit_code == 1 and "-# edited" in diff.stdout
    assert api.read_text().endswith("# edited\n")  # --diff wrote nothing


def test_user_owned_hooks_survive_regeneration(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(SCHEMAS / "dummy.yaml", "--out", out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    hook.write_text(hook.read_text() + "\n# my edit\n")
    api = out / "dummy" / "api.py"
    api.unlink()
    assert run_cli(SCHEMAS / "dummy.yaml", "--out", out).exit_code == 0
    assert hook.read_text().endswith("# my edit\n")
    assert api.exists()


def test_help_teaches() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for word in ("SCHEMA", "--out", "--check", "--diff", "--subnet", "Examples"):
        assert word in result.stdout


def test_any_may_default_to_null(tmp_path: Path) -> None:
    schema = write(tmp_path, "subnet: x\nsynapses:\n  A:\n    request: {extra: {type: any, default: null}}\n    response: {b: int}\n")
    result = run_cli(schema, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("typo", "command"), [("genrate", "generate"), ("brekaing", "breaking"), ("improt", "import")])
def test_a_mistyped_command_is_named_not_read_as_a_schema(typo: str, command: str) -> None:
    result = run_cli(typo, "x.yaml")
    assert result.exit_code == 2
    assert f"no such command '{typo}'; did you mean '{command}'?" in result.stderr


def test_a_module_name_is_still_a_schema() -> None:
    """A dotted module is Python input, however close to a command it looks."""
    result = run_cli("generate.protocol")
    assert result.exit_code == 2 and "no such command" not in result.stderr


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    from codegen import __version__

    result = run_cli(flag)
    assert result.exit_code == 0 and result.stdout == f"subnet-apigen, version {__version__}\n"


@pytest.mark.parametrize("args", [["-X"], ["--bogus", "x.yaml"], ["x.yaml", "--out"]])
def test_errors_without_a_command_never_name_generate(args: list[str]) -> None:
    """`generate` is implied when no command is named: its usage and errors don't mention it."""
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "generate" not in result.stderr and "Error: " in result.stderr, result.stderr


def test_errors_of_the_named_command_name_it() -> None:
    result = run_cli("generate", "--bogus")
    assert result.exit_code == 2 and "Try 'main generate --help'" in result.stderr


def test_diff_opens_with_the_change_not_the_manifest(tmp_path: Path) -> None:
    schema = write(tmp_path, (SCHEMAS / "dummy.yaml").read_text())
    out = tmp_path / "out"
    assert run_cli(schema, "--out", out).exit_code == 0
    schema.write_text(schema.read_text().replace("The number to double.", "The number to double!"))
    diff = run_cli(schema, "--out", out, "--diff")
    assert diff.exit_code == 1
    files = [line.split("/out/", 1)[1] for line in diff.stdout.splitlines() if line.startswith("+++ ")]
    assert files[0] != "dummy/.subnet-apigen.json" and files[-1] == "dummy/.subnet-apigen.json", files
    first = diff.stdout.split("\n+++ ", 2)[1]
    assert "The number to double!" in first, first
