"""`[tool.subnet-apigen]` in ./pyproject.toml: the project's defaults for the command line.

Keys are `schemas` (schema paths, globs or modules; globs expand in sorted
order) and the long options of `subnet-apigen generate` (`out`, ...), spelled
with `-` or `_`. They become Click's default map, so an option given on the
command line always wins, and a bare `subnet-apigen` in the project root
regenerates everything. Only the working directory's pyproject.toml is read:
paths in it, like schema paths in generated headers, are relative to it.
"""

from __future__ import annotations

import difflib
import glob
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.errors import InputError, Problem

if TYPE_CHECKING:
    import click

PYPROJECT = "pyproject.toml"
TABLE = "tool.subnet-apigen"
NOT_CONFIGURABLE = frozenset({"check", "show_diff", "help"})
"""Options that say what kind of run this is, not how the project is set up."""


@dataclass
class Config:
    """The `[tool.subnet-apigen]` table, as written."""

    file: str
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # key -> line in the file, where found

    def problem(self, key: str, message: str) -> Problem:
        return Problem(self.file, self.lines.get(key, 0), 1 if key in self.lines else 0, f"[{TABLE}] {message}")


def load(directory: Path = Path(".")) -> Config | None:
    """The table from ``directory``/pyproject.toml, or None when there is none."""
    path = directory / PYPROJECT
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(PYPROJECT, 0, 0, f"cannot read: {exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(where[1]), int(where[2])) if where else (0, 0)
        raise InputError([Problem(PYPROJECT, line, col, f"invalid TOML: {str(exc).split(' (at line')[0]}")]) from None
    table = data.get("tool", {}).get("subnet-apigen")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise InputError([Problem(PYPROJECT, 0, 0, f"`{TABLE}` must be a table")])
    return Config(PYPROJECT, table, _key_lines(text, table))


def defaults(config: Config, command: click.Command) -> dict[str, Any]:
    """Click's default map for ``command`` from the table: checked keys, checked kinds, globs expanded."""
    import click

    params = configurable(command)
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in config.values.items():
        param = params.get(key.replace("-", "_"))
        if param is None:
            close = difflib.get_close_matches(key.replace("-", "_"), sorted(params), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(sorted(params))}"
            problems.append(config.problem(key, f"unknown key `{key}`{hint}"))
        elif param.name == "schemas":
            try:
                out[param.name] = expand_schemas(config, key, value)
            except InputError as exc:
                problems += exc.problems
        elif isinstance(param.type, click.Choice) and isinstance(value, int) and not isinstance(value, bool):
            out[param.name] = str(value)  # `bittensor = 11` reads as naturally as "11"
        elif not isinstance(value, _kind(param)) or (isinstance(value, bool) and not getattr(param, "is_flag", False)):
            problems.append(config.problem(key, f"`{key}` must be {_kind_name(param)}, not {value!r}"))
        else:
            out[param.name] = value
    if problems:
        raise InputError(problems)
    return out


def _kind(param: click.Parameter) -> type | tuple[type, ...]:
    import click

    if getattr(param, "is_flag", False):
        return bool
    if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
        return (int, float)
    return str


def _kind_name(param: click.Parameter) -> str:
    kind = _kind(param)
    return "true or false" if kind is bool else "a string" if kind is str else "a number"


def expand_schemas(config: Config, key: str, value: Any) -> tuple[str, ...]:
    """Schema entries in order, each glob replaced by its sorted matches (which must exist)."""
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
        raise InputError([config.problem(key, "`schemas` must be a non-empty list of paths, globs or modules")])
    found: list[str] = []
    problems = []
    for entry in entries:
        if glob.has_magic(entry):
            matches = sorted(Path(m).as_posix() for m in glob.glob(entry, recursive=True))
            if not matches:
                problems.append(config.problem(key, f"`schemas`: {entry!r} matches no file"))
            found += matches
        elif entry.endswith((".yaml", ".yml", ".py")) and not Path(entry).exists():
            problems.append(config.problem(key, f"`schemas`: {entry!r}: no such file"))
        else:
            found.append(entry)
    if problems:
        raise InputError(problems)
    return tuple(dict.fromkeys(found))


def _key_lines(text: str, table: dict[str, Any]) -> dict[str, int]:
    """The line of each key of the table (tomllib keeps no positions): a best-effort scan."""
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.fullmatch(r"\[\s*tool\s*\.\s*(\"subnet-apigen\"|subnet-apigen)\s*\]", stripped.split("#")[0].strip()) is not None
            continue
        match = re.match(r"\s*\"?([A-Za-z0-9_-]+)\"?\s*=", line) if inside else None
        if match and match[1] in table and match[1] not in lines:
            lines[match[1]] = number
    return lines


def configurable(command: click.Command) -> dict[str, click.Parameter]:
    """Config keys a command accepts (its arguments and long options, by name) -> the parameter."""
    import click

    keys: dict[str, click.Parameter] = {}
    for param in command.params:
        if param.name is None or param.name in NOT_CONFIGURABLE:
            continue
        if isinstance(param, click.Argument):
            keys[param.name] = param
            continue
        long = [o for o in param.opts if o.startswith("--")]
        if long:
            keys[long[0][2:].replace("-", "_")] = param
    return keys
