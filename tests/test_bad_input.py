"""The bad-input corpus (tests/bad/): each case fails with exactly the problems it declares.

A case is a file ``tests/bad/NAME.yaml`` (or ``NAME.py``, Python input) whose header lines
``# expect: LINE:COL: MESSAGE`` list every problem the generator must report, in order (``-``
for a problem with no position, ``*`` for a line or column not pinned down yet). Cases that can't hold a comment (an empty file, a directory, a missing file)
keep the same lines, without ``# expect:``, in a sidecar ``NAME.yaml.expected``.
Every case must exit 2, print exactly those ``FILE:LINE:COL: message`` lines on stderr
(MESSAGE is matched as a fragment), print no traceback, and leave a previous output
tree byte-for-byte and mtime-for-mtime as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.pipeline import display_path
from tests.conftest import ROOT, run_cli

BAD = Path(__file__).resolve().parent / "bad"
EXPECT = re.compile(r"^(?:(\d+|\*):(\d+|\*)|-): (.+)$")
ANY = -1  # a `*` line or column


def cases() -> list[Path]:
    found = {p for p in BAD.glob("*.yaml")} | {p for p in BAD.glob("*.py")}
    found |= {p.with_suffix("") for p in BAD.glob("*.yaml.expected")}  # incl. inputs that don't exist
    return sorted(found)


def expectations(case: Path) -> list[tuple[int, int, str]]:
    sidecar = case.with_name(case.name + ".expected")
    if sidecar.exists():
        lines = sidecar.read_text(encoding="utf-8").splitlines()
    else:
        text = case.read_bytes().decode("utf-8", errors="replace")
        lines = [line.removeprefix("# expect: ") for line in text.splitlines() if line.startswith("# expect: ")]
    out = []
    for line in lines:
        m = EXPECT.match(line)
        assert m, f"{case.name}: malformed expectation {line!r}"
        out.append((_number(m[1]), _number(m[2]), m[3]))
    assert out, f"{case.name} declares no expected problem"
    return out


def _number(text: str | None) -> int:
    return ANY if text == "*" else int(text or 0)


def same_place(got: tuple[int, int], want: tuple[int, int]) -> bool:
    return all(w in (g, ANY) for g, w in zip(got, want))


POSITION = re.compile(r"^(?::(\d+):(\d+))?: (.*)$")


def reported(stderr: str, display: str) -> list[tuple[int, int, str]]:
    """Parse ``FILE:LINE:COL: message`` (or ``FILE: message``) lines, all naming ``display``."""
    out = []
    for line in stderr.splitlines():
        assert line.startswith(display + ":"), f"not a {display}:LINE:COL line: {line!r}"
        m = POSITION.match(line[len(display):])
        assert m, line
        out.append((int(m[1] or 0), int(m[2] or 0), m[3]))
    return out


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file (content, mtime) and directory under root."""
    out: dict[str, tuple[bytes, int] | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
    return out


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output directory holding an earlier generated package (and a stray user file)."""
    out = tmp_path / "out"
    shutil.copytree(ROOT / "generated" / "dummy", out / "dummy")
    (out / "notes.txt").write_text("mine\n")
    return out


def test_the_corpus_is_big_enough() -> None:
    assert len(cases()) >= 30


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.stem)
def test_bad_input(case: Path, previous: Path) -> None:
    expected = expectations(case)
    before = snapshot(previous)
    extra = ["--subnet", "bad"] if case.suffix == ".py" else []  # Python input names its package
    result = run_cli(case, "--out", previous, *extra)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    got = reported(result.stderr, display_path(str(case)))
    assert len(got) == len(expected), result.stderr
    for (line, col, message), (want_line, want_col, fragment) in zip(got, expected):
        assert same_place((line, col), (want_line, want_col)), result.stderr
        assert fragment in message, f"{case.name}:{line}:{col}: expected {fragment!r} in {message!r}"
    assert snapshot(previous) == before


def test_the_whole_corpus_at_once_through_the_real_command(previous: Path) -> None:
    """One run over every case: all problems of all files, exit 2, no traceback, nothing written."""
    before = snapshot(previous)
    args = [os.path.relpath(c, ROOT) for c in cases() if c.suffix == ".yaml"]
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", *args, "--out", str(previous)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    want = sum(len(expectations(c)) for c in cases() if c.suffix == ".yaml")
    assert len(proc.stderr.splitlines()) == want
    assert snapshot(previous) == before
