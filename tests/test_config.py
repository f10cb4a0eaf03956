"""[tool.subnet-apigen] in pyproject.toml: a bare `subnet-apigen` regenerates everything, options override it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCHEMAS, run_cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with two schemas and a config that generates both into clients/."""
    (tmp_path / "protocol").mkdir()
    for name in ("dummy", "storage"):
        shutil.copy(SCHEMAS / f"{name}.yaml", tmp_path / "protocol" / f"{name}.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "my-subnet"\n\n[tool.subnet-apigen]\nschemas = ["protocol/*.yaml"]\nout = "clients"\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bare_run_generates_every_configured_schema(project: Path) -> None:
    result = run_cli()
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("dummy, storage -> clients/:")
    assert (project / "clients" / "dummy" / "api.py").exists()
    assert (project / "clients" / "storage" / "api.py").exists()
    assert "from protocol/dummy.yaml" in (project / "clients" / "dummy" / "api.py").read_text()
    assert run_cli("--check").exit_code == 0


def test_command_line_overrides_config(project: Path) -> None:
    assert run_cli("--out", "elsewhere").exit_code == 0
    assert sorted(p.name for p in (project / "elsewhere").iterdir()) == ["dummy", "storage"]
    assert run_cli("protocol/dummy.yaml").exit_code == 0
    assert sorted(p.name for p in (project / "clients").iterdir()) == ["dummy"]


def test_schema_dropped_from_config_removes_its_package_but_not_user_files(project: Path) -> None:
    assert run_cli().exit_code == 0
    hook = project / "clients" / "storage" / "hooks" / "store.py"
    hook.write_text(hook.read_text() + "# mine\n")
    (project / "protocol" / "storage.yaml").rename(project / "storage.yaml.bak")
    check = run_cli("--check")
    assert check.exit_code == 1 and "extra: clients/storage/api.py" in check.stdout
    result = run_cli()
    assert result.exit_code == 0, result.stderr
    assert "removed" in result.stdout and not (project / "clients" / "storage" / "api.py").exists()
    assert hook.read_text().endswith("# mine\n")
    assert "clients/storage/hooks/store.py: warning: package 'storage' is no longer generated" in result.stderr
    assert run_cli("--check").exit_code == 0


def test_explicit_schemas_never_prune_other_packages(project: Path) -> None:
    assert run_cli().exit_code == 0
    assert run_cli("protocol/dummy.yaml").exit_code == 0
    assert (project / "clients" / "storage" / "api.py").exists()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('schemas = ["protocol/*.yaml"]\noutt = "x"\n', "pyproject.toml:6:1: [tool.subnet-apigen] unknown key `outt`; did you mean `out`?"),
        ('schemas = ["nothing/*.yaml"]\n', "pyproject.toml:5:1: [tool.subnet-apigen] `schemas`: 'nothing/*.yaml' matches no file"),
        ('schemas = "protocol/missing.yaml"\n', "`schemas`: 'protocol/missing.yaml': no such file"),
        ("schemas = [1]\n", "`schemas` must be a non-empty list"),
        ('schemas = ["protocol/*.yaml"]\nout = 5\n', "pyproject.toml:6:1: [tool.subnet-apigen] `out` must be a string, not 5"),
        ('schemas = ["protocol/*.yaml"] x\n', "pyproject.toml:5:31: invalid TOML: Expected newline"),
    ],
)
def test_bad_config_exits_2_with_its_line(project: Path, table: str, expected: str) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.subnet-apigen]\n' + table)
    result = run_cli()
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "clients").exists()
    assert run_cli("--help").exit_code == 0


def test_no_schema_and_no_config_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli()
    assert result.exit_code == 2 and "[tool.subnet-apigen]" in result.stderr


def test_this_repository_is_configured_and_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("--check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr.startswith("up to date:")


def test_pre_commit_hooks_run_the_configured_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"subnet-apigen-check", "subnet-apigen"}
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    monkeypatch.chdir(ROOT)
    for hook in hooks.values():
        command, *args = hook["entry"].split()
        assert command in scripts and hook["language"] == "python" and hook["pass_filenames"] is False
        assert run_cli(*args, "--check").exit_code == 0  # both leave this fresh repository as it is


def test_bittensor_target_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d.yaml").write_text((SCHEMAS / "dummy.yaml").read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.subnet-apigen]\nschemas = ["d.yaml"]\nout = "gen"\nbittensor = 11\n')
    monkeypatch.chdir(tmp_path)
    assert run_cli().exit_code == 0
    assert (tmp_path / "gen" / "dummy" / "miner.py").exists()
    assert "FastAPI" in (tmp_path / "gen" / "dummy" / "miner.py").read_text()
