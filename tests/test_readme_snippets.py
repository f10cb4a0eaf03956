"""The README's pre-commit and CI snippets work as written on a fresh machine (issue 15, item 6).

One new virtualenv and one new project: the CI snippet's commands install subnet-apigen from
git (the README's URL pointing at this checkout) and check the project; the pre-commit
snippet then runs with that install on PATH, passing when the generated package is fresh and
failing when it is stale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, SCHEMAS

README = (ROOT / "README.md").read_text()
REPO_URL = "https://github.com/<owner>/subnet-apigen"


def snippet(after: str) -> str:
    """The first ```yaml block after the line containing `after`."""
    rest = README[README.index(after):]
    match = re.search(r"```yaml\n(.*?)```", rest, re.S)
    assert match, after
    return match.group(1)


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_ci_and_pre_commit_snippets_run_as_written(tmp_path: Path) -> None:
    ci_steps = yaml.safe_load(snippet("In CI ("))
    assert "pip install subnet-apigen" not in str(ci_steps)  # not published: that would fail
    pre_commit = snippet("`.pre-commit-config.yaml`:")
    assert "rev: v" not in pre_commit  # no release tags exist

    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    shutil.copy(SCHEMAS / "dummy.yaml", project / "schemas" / "dummy.yaml")
    (project / "pyproject.toml").write_text('[tool.subnet-apigen]\nschemas = ["schemas/*.yaml"]\nout = "generated"\n')
    (project / ".pre-commit-config.yaml").write_text(pre_commit)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("SUBNET_APIGEN_VERIFY_FORMAT", None)

    install, *checks = [step["run"] for step in ci_steps]
    assert install.startswith("pip install") and REPO_URL in install
    run = sh(install.replace(REPO_URL, f"file://{ROOT}"), project, env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert Path(shutil.which("subnet-apigen", path=env["PATH"]) or "").parent == venv / "bin"

    # The project as the snippets expect it: generated code committed, the base branch at origin/main.
    for command in ["git init -q -b main", "subnet-apigen", "git add -A", "git commit -qm init", "git update-ref refs/remotes/origin/main HEAD"]:
        run = sh(command, project, env)
        assert run.returncode == 0, (command, run.stdout, run.stderr)
    for command in checks:
        run = sh(command, project, env)
        assert run.returncode == 0, (command, run.stdout, run.stderr)

    hooks = f"{Path(sys.executable).parent / 'pre-commit'} run --all-files"
    run = sh(hooks, project, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout
    schema = project / "schemas" / "dummy.yaml"
    schema.write_text(schema.read_text().replace("description: The number to double.", "description: The number to double!"))
    run = sh(hooks, project, env)
    assert run.returncode != 0 and "stale:" in run.stdout, run.stdout + run.stderr
