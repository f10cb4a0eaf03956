"""Stage 6: the only code that touches the output tree.

Everything is rendered and formatted in memory first; then new content is
staged in a temporary directory inside the output and moved into place, with
every replaced file kept aside until the run succeeds, so a failure at any
point (even Ctrl-C) leaves the previous tree exactly as it was.
Unchanged files are not rewritten (they keep their mtime). A manifest in each
package records the files the generator owns: only those are ever replaced or
removed; user-owned files (hooks) are created once and never touched again.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from codegen.render import RenderedFile

MANIFEST = ".subnet-apigen.json"


@dataclass
class Plan:
    """What a run would change under ``out``."""

    out: Path
    write: dict[str, str] = field(default_factory=dict)  # rel path -> new text (new or stale)
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)  # owned files no longer generated
    manifests: dict[str, str] = field(default_factory=dict)  # rel path -> manifest text
    old_text: dict[str, str] = field(default_factory=dict)  # for --diff

    @property
    def changed(self) -> bool:
        return bool(self.write or self.remove)

    def summary(self) -> str:
        return f"{len(self.write)} written, {len(self.unchanged)} unchanged, {len(self.remove)} removed"

    def stale_report(self) -> list[str]:
        lines = []
        for rel in sorted(self.write):
            state = "stale" if rel in self.old_text else "missing"
            lines.append(f"{state}: {self.out.joinpath(rel).as_posix()}")
        lines += [f"extra: {self.out.joinpath(rel).as_posix()}" for rel in sorted(self.remove)]
        return lines

    def diff(self) -> str:
        chunks = []
        for rel in sorted(self.write):
            old = self.old_text.get(rel, "")
            name = self.out.joinpath(rel).as_posix()
            chunks += difflib.unified_diff(
                old.splitlines(keepends=True), self.write[rel].splitlines(keepends=True),
                fromfile=f"a/{name}" if rel in self.old_text else "/dev/null", tofile=f"b/{name}",
            )
        for rel in sorted(self.remove):
            name = self.out.joinpath(rel).as_posix()
            chunks += difflib.unified_diff(
                self.old_text.get(rel, "").splitlines(keepends=True), [], fromfile=f"a/{name}", tofile="/dev/null"
            )
        return "".join(chunks)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(out: Path, packages: dict[str, list[RenderedFile]]) -> Plan:
    """Compare rendered packages (name -> files) with what is on disk."""
    p = Plan(out)
    for pkg, files in sorted(packages.items()):
        manifest_rel = f"{pkg}/{MANIFEST}"
        previous = _owned_files(out / manifest_rel)
        owned: dict[str, str] = {}
        for f in files:
            current = _read(out / f.path)
            if f.user_owned:
                if current is None and not (out / f.path).exists():
                    p.write[f.path] = f.text
                continue
            owned[f.path] = _digest(f.text)
            if current == f.text:
                p.unchanged.append(f.path)
            else:
                p.write[f.path] = f.text
                if current is not None:
                    p.old_text[f.path] = current
        for rel in sorted(set(previous) - set(owned)):
            on_disk = _read(out / rel)
            if on_disk is not None and _digest(on_disk) == previous[rel]:
                p.remove.append(rel)  # ours and unedited: safe to delete
                p.old_text[rel] = on_disk
        manifest = json.dumps({"generator": "subnet-apigen", "files": owned}, indent=2, sort_keys=True) + "\n"
        if _read(out / manifest_rel) != manifest:
            p.manifests[manifest_rel] = manifest
    return p


def _owned_files(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def apply(p: Plan) -> None:
    """Write the plan all-or-nothing: stage new files, swap them in, and undo every step on failure.

    Each file a run replaces or removes is first moved aside into the staging
    directory (a rename, so contents and mtimes are kept); if anything fails or is
    interrupted (even Ctrl-C), the moves are undone in reverse and the directories
    this run created are removed, leaving the previous tree exactly as it was.
    """
    todo = {**p.write, **p.manifests}
    if not todo and not p.remove:
        return
    created: list[Path] = []  # directories this run made, outermost first
    moves: list[tuple[Path, Path, bool]] = []  # (target, where its old version went, it existed)
    staging = p.out / ".subnet-apigen-not-yet-made"
    try:
        _make_dirs(p.out, created)
        staging = Path(tempfile.mkdtemp(prefix=".subnet-apigen-", dir=p.out))
        for rel, text in todo.items():
            tmp = staging / "new" / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8", newline="\n")
        for rel in todo:
            target = p.out / rel
            _make_dirs(target.parent, created)
            _move_aside(target, staging / "old" / rel, moves)
            os.replace(staging / "new" / rel, target)
        for rel in p.remove:
            _move_aside(p.out / rel, staging / "old" / rel, moves)
    except BaseException as exc:
        with _uninterrupted():
            kept = _undo(moves)
            if not kept:
                shutil.rmtree(staging, ignore_errors=True)
            for directory in reversed(created):
                _remove_if_empty(directory)
        if kept:
            message = f"could not restore {len(kept)} file(s); their previous versions are in {staging}/old"
            raise OSError(errno.EIO, message, str(kept[0])) from exc
        raise
    shutil.rmtree(staging, ignore_errors=True)  # the old versions: the run succeeded
    for rel in p.remove:
        _prune_empty(p.out / rel, p.out)


def _make_dirs(path: Path, created: list[Path]) -> None:
    """mkdir -p, recording each directory it makes (so a failed run can remove them)."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir()
        created.append(directory)


def _move_aside(target: Path, backup: Path, moves: list[tuple[Path, Path, bool]]) -> None:
    existed = target.exists() or target.is_symlink()
    moves.append((target, backup, existed))  # recorded first: an interruption after this is undone
    if existed:
        backup.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, backup)


def _undo(moves: list[tuple[Path, Path, bool]]) -> list[Path]:
    """Put every moved-aside file back (newest first); the targets that could not be restored."""
    failed = []
    for target, backup, existed in reversed(moves):
        try:
            if backup.exists() or backup.is_symlink():
                os.replace(backup, target)
            elif not existed:
                target.unlink(missing_ok=True)  # a new file this run added
        except OSError:
            failed.append(target)
    return failed


def _remove_if_empty(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:
        pass


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold off Ctrl-C while undoing a failed run (only the main thread can set signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


def _prune_empty(path: Path, root: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir():
        leftovers = [c for c in parent.iterdir() if c.name != "__pycache__"]
        if leftovers:
            return
        shutil.rmtree(parent, ignore_errors=True)
        parent = parent.parent
