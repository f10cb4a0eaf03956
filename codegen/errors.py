"""Errors that point at the user's input: ``FILE:LINE:COL: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in an input file, at a 1-based line and column (0 = unknown)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad input: carries every problem found, so all are reported at once (exit 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(set(problems))


class InternalError(InputError):
    """A generator bug caught before anything is written (generated code that isn't valid
    Python): reported like bad input, but with exit status 3 and a request to report it."""


class Collector:
    """Accumulates problems for one file; ``raise_if_any`` ends a stage."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, line: int = 0, col: int = 0) -> None:
        self.problems.append(Problem(self.file, line, col, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def display_path(arg: str) -> str:
    """How a schema is named in errors and headers: relative to the working directory, '/'-separated."""
    path = Path(arg)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        return path.relative_to(Path.cwd()).as_posix()
    return path.as_posix()
