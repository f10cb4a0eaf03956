"""Stage 6: the only code that touches the output tree.

Everything is rendered and formatted in memory first; then new content is
staged in a temporary directory beside the output and moved into place, so a
failure before the moves leaves the previous tree exactly as it was.
Unchanged files are not rewritten (they keep their mtime). A manifest in each
package records the files the generator owns: only those are ever replaced or
removed; user-owned files (hooks) are created once and never touched again.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
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
    """Stage every new file, then move them into place and remove orphans."""
    todo = {**p.write, **p.manifests}
    if not todo and not p.remove:
        return
    p.out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".subnet-apigen-", dir=p.out))
    try:
        for rel, text in todo.items():
            tmp = staging / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8", newline="\n")
        for rel in todo:
            target = p.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        for rel in p.remove:
            (p.out / rel).unlink(missing_ok=True)
            _prune_empty(p.out / rel, p.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune_empty(path: Path, root: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir():
        leftovers = [c for c in parent.iterdir() if c.name != "__pycache__"]
        if leftovers:
            return
        shutil.rmtree(parent, ignore_errors=True)
        parent = parent.parent


def write_file(path: Path, text: str) -> None:
    """Write one file whole or not at all (a temporary beside it, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
