"""What `subnet-apigen breaking` compares, and its report: the rules themselves are in ``breaking``.

A side is a schema file or module (loaded like `generate` loads it), or a
YAML file as committed at a git ref (``REF:path``, read with ``git show``).
YAML sides keep their Document so that changes point at ``FILE:LINE:COL``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from codegen.cli import breaking

from codegen.errors import InputError, Problem
from codegen.load.yaml_source import Document, load_yaml, parse_yaml
from codegen.parser.spec import SubnetSpec
from codegen.pipeline import display_path, load_spec


@dataclass
class Side:
    label: str  # how messages name it: a path, or REF:path
    spec: SubnetSpec
    doc: Document | None  # None where positions are unknown (Python input)

    def position(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self.doc.position(path) if self.doc else (0, 0)


def load(arg: str) -> Side:
    """A schema given on the command line: a path or module, or ``REF:path`` for a file at a git ref."""
    if not Path(arg).exists() and ":" in arg:
        ref, _, path = arg.partition(":")
        if path.endswith((".yaml", ".yml")):
            side = at_ref(ref, path)
            if side is None:
                raise InputError([Problem(arg, 0, 0, f"no such file at git ref {ref!r}")])
            return side
    if arg.endswith((".yaml", ".yml")):
        from codegen.parser.from_yaml import spec_from_document

        doc = load_yaml(Path(arg), display_path(arg))
        return Side(doc.file, spec_from_document(doc), doc)
    spec = load_spec(arg, None)
    return Side(spec.source, spec, None)


def at_ref(ref: str, path: str) -> Side | None:
    """``path`` (relative to the working directory) as committed at git ``ref``; None if it wasn't there."""
    from codegen.parser.from_yaml import spec_from_document

    label = f"{ref}:{display_path(path)}"
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], label, f"unknown git ref {ref!r}")
    spec_path = f"{ref}:./{Path(os.path.relpath(path)).as_posix()}"  # ./ : relative to the working directory
    if subprocess.run(["git", "cat-file", "-e", spec_path], capture_output=True).returncode != 0:
        return None
    text = _git(["show", spec_path], label, "cannot read it from git")
    doc = parse_yaml(text, label)
    return Side(label, spec_from_document(doc), doc)


def _git(args: list[str], label: str, message: str) -> str:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(label, 0, 0, "git is not installed; compare two files instead")]) from None
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        raise InputError([Problem(label, 0, 0, message + (f" ({detail})" if detail else ""))])
    return proc.stdout


def pairs(schemas: list[str], against: str | None) -> tuple[list[tuple[Side, Side]], list[str]]:
    """(old, new) sides to compare, and notes on schemas with nothing to compare against.

    Without ``against``, ``schemas`` is OLD NEW; with it, each schema is compared with itself at that ref.
    """
    if against is None:
        return [(load(schemas[0]), load(schemas[1]))], []
    found, skipped = [], []
    for arg in schemas:
        new = load(arg)
        old = at_ref(against, arg)
        if old is None:
            skipped.append(f"{new.label}: not in {against}; nothing to compare")
        else:
            found.append((old, new))
    return found, skipped


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # FILE:LINE:COL: LEVEL [rule]: message
    counts: dict[str, int] = field(default_factory=lambda: {"breaking": 0, "api": 0, "note": 0})

    def summary(self) -> str:
        parts = [f"{n} {level}" for level, n in self.counts.items() if n]
        return ", ".join(parts) if parts else "no changes that matter to mixed versions"


def report(sides: list[tuple[Side, Side]]) -> Report:
    """Every change of every pair, located in the file it points into, new file first, in line order."""
    out = Report()
    for old, new in sides:
        located = []
        for change in breaking.compare(old.spec, new.spec):
            side = new if change.side == "new" else old
            located.append((change.side != "new", side.position(change.path), side.label, change))
        for _, (line, col), label, change in sorted(located, key=lambda item: item[:3]):
            where = f"{label}:{line}:{col}" if line else label
            out.lines.append(f"{where}: {change.level} [{change.rule}]: {change.message}")
            out.counts[change.level] += 1
    return out
