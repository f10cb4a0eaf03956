"""The README's quickest demo, run as written: a miner process and a client process on loopback.

Also after regenerating over the committed generated/: the edited miner handler survives.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCHEMAS, generate
from tests.loopback import free_port


def readme_demo() -> str:
    """The shell block under the README's 'Quickest demo' heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickest demo", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no ```sh block in the README's demo section"
    return match.group(1)


@pytest.mark.parametrize("regenerate", [False, True], ids=["committed", "regenerated"])
def test_readme_demo_prints_6(tmp_path: Path, regenerate: bool) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated" / "dummy", out / "dummy", ignore=shutil.ignore_patterns("__pycache__"))
    handler = (out / "dummy" / "handlers" / "dummy.py").read_text(encoding="utf-8")
    if regenerate:
        generate(SCHEMAS / "dummy.yaml", out)
        assert (out / "dummy" / "handlers" / "dummy.py").read_text(encoding="utf-8") == handler
    port = str(free_port())
    script = (
        readme_demo()
        .replace("8091", port)
        .replace("/tmp/demo-wallets", str(tmp_path / "wallets"))
        .replace("/tmp/dummy-miner.out", str(tmp_path / "miner.out"))
    )
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    proc = subprocess.run(
        ["bash", "-c", "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[6]", proc.stdout + proc.stderr
    assert (tmp_path / "miner.out").read_text().startswith(f"127.0.0.1:{port}:")
