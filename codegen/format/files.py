"""Stage 5: format rendered Python exactly as Black would, doing as little of Black's work as possible.

A file is cut into top-level units -- each class or function with its decorators,
and the statements before the first one -- because Black formats a module as its
units joined by two blank lines. Each distinct unit is then, cheapest first:

1. found in the unit cache (``codegen.load.cache``) if the package's last run rendered it too;
2. laid out (``codegen.format.layout``: long statements one item per line, a layout Black keeps)
   and recognised as already in Black's form (``codegen.format.blackform``) -- most units, and
   then Black is not even imported; only with a Black release this was verified against
   (``VERIFIED_BLACK``), any other formats every unit;
3. formatted by Black (``black.format_str``; no AST safety check at run time -- the test
   suite checks every file against Black instead), in two processes when there is
   enough of it to pay for starting them.

``SUBNET_APIGEN_VERIFY_FORMAT=1`` (set by the test suite) also formats every whole file
with Black and fails if the result differs in any byte.
"""

from __future__ import annotations

import bisect
import os
import re
from typing import TYPE_CHECKING

from codegen.format import blackform
from codegen.errors import InternalError, Problem
from codegen.format.layout import lay_out
from codegen.render.files import RenderedFile

if TYPE_CHECKING:
    import black

VERIFY_ENV = "SUBNET_APIGEN_VERIFY_FORMAT"
# The Black releases that ``blackform`` and ``layout`` were verified against: the whole test
# suite passed with that release installed (it compares every file with Black's own output).
# Black's stable style changes every January, and any release may fix how something is
# formatted, so with any other release Black formats every unit: slower, never different.
# To verify a release: install it, run the test suite with SUBNET_APIGEN_TRY_BLACKFORM=1 (the
# recogniser then runs whatever the release), and add the release here if it passes.
VERIFIED_BLACK = frozenset({"26.10.1"})
TRY_ENV = "SUBNET_APIGEN_TRY_BLACKFORM"
PARALLEL_MIN_LINES = 6000  # below this, a second process costs more than it saves

# Where a new top-level unit may start: a blank line, then `def`/`class`/a decorator at column 0.
_UNIT_START = re.compile(r"\n\n+(?=(?:async def |def |class |@))")


def black_mode() -> "black.Mode":
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311})


def fast_path_enabled() -> bool:
    """Recognising Black's form is only trusted for the Black releases it was verified against."""
    from codegen.load.cache import black_version  # looked up per call: a test can pretend another

    return black_version() in VERIFIED_BLACK or os.environ.get(TRY_ENV) == "1"


def split_units(text: str) -> list[str]:
    """Top-level units of a module, each ending in one newline; joined by two blank lines
    they are what Black makes of the whole file."""
    strings = list(blackform.multiline_strings(text))  # in order, never overlapping
    starts = [a for a, _ in strings]
    units: list[str] = []
    start = 0
    for m in _UNIT_START.finditer(text):
        cut = m.start()
        i = bisect.bisect_left(starts, cut) - 1  # the last string starting before the cut
        if i >= 0 and cut < strings[i][1]:
            continue  # inside a multi-line string
        if not _may_cut_after(text[text.rfind("\n", 0, cut) + 1 : cut]):
            continue
        units.append(text[start : cut + 1])
        start = m.end()
    units.append(text[start:])
    return units


def format_files(files: list[RenderedFile], source: str) -> list[RenderedFile]:
    """Lay out and Black-format every .py file of one package (`source` names the schema, for
    errors and the cache); a file Black rejects is a generator bug, reported clearly.

    The cache keeps whole files (or, for a file rendered piece by piece, runs of its
    pieces) and their units: an unchanged one costs one lookup, and in a changed one only
    the changed units are laid out and checked again."""
    from codegen.load.cache import UnitCache, code_salt

    package = files[0].path.split("/", 1)[0] if files else ""
    cache = UnitCache(f"{source}\0{package}", code_salt("format/files", "format/layout", "format/blackform", "format/blackform_layout")).load()
    done: dict[str, str] = {}  # rendered file, group of pieces or unit -> formatted text
    groups = {f.path: unit_groups(f.pieces) if f.pieces else [f.text] for f in files if f.path.endswith(".py")}
    units: dict[str, list[str]] = {}  # group not in the cache -> its units
    for group in dict.fromkeys(g for gs in groups.values() for g in gs):
        hit = cache.get(group)
        if hit is None:
            units[group] = split_units(group)
        else:
            done[group] = hit
    for_black: dict[str, list[str]] = {}  # laid-out unit -> the rendered units it came from
    fast = fast_path_enabled()
    fresh: set[str] = set()  # units formatted in this run (not found in the cache)
    for unit in dict.fromkeys(u for us in units.values() for u in us):
        hit = cache.get(unit)
        if hit is not None:
            done[unit] = hit
            continue
        laid = lay_out(unit)
        result = blackform.formatted(laid) if fast else None
        fresh.add(unit)
        if result is None:
            for_black.setdefault(laid, []).append(unit)
        else:
            done[unit] = result
    if for_black:
        for laid, result in zip(for_black, _run_black(list(for_black))):
            if result is not None:
                done.update(dict.fromkeys(for_black[laid], result))
    # Every unit formatted now (not found in the cache) must compile; a cached one did when it
    # was formatted. One that doesn't compile on its own is judged with its whole file below.
    whole: set[str] = set()  # files to compile whole
    for group, pieces in units.items():
        if any(u in fresh and u in done and not _compiles(done[u]) for u in pieces):
            whole.update(path for path, gs in groups.items() if group in gs)
    for group, pieces in units.items():
        if all(u in done for u in pieces):
            done[group] = "\n\n".join(done[u] for u in pieces)
    out = []
    for f in files:
        if f.path in groups:
            if all(g in done for g in groups[f.path]):
                text = "\n\n".join(done[g] for g in groups[f.path])
            else:  # a unit Black couldn't parse on its own: give Black the whole file
                text = _black_file(RenderedFile(f.path, lay_out(f.text)), source)
                whole.add(f.path)
            if f.path in whole:
                _compile_file(f.path, text, source)
            f = RenderedFile(f.path, text, f.user_owned)
        out.append(f)
    cache.save(done)
    if os.environ.get(VERIFY_ENV) == "1":
        _verify(files, out, source)
    return out


def unit_groups(pieces: tuple[str, ...]) -> list[str]:
    """A module's pieces as runs that split_units can cut on their own: joined by two blank
    lines, their units are the whole module's. A piece that doesn't start a new unit of the
    whole text joins the run before it."""
    runs: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if runs and _starts_unit(runs[-1], piece):
            runs.append(piece.lstrip("\n"))
        elif runs:
            runs[-1] += piece
        else:
            runs.append(piece)
    return runs


def _starts_unit(before: str, piece: str) -> bool:
    """Whether split_units cuts the whole text exactly where `piece` follows `before`."""
    last_line = before[before.rfind("\n", 0, len(before) - 1) + 1 :]
    return before.endswith("\n") and _may_cut_after(last_line) and _UNIT_START.match("\n" + piece) is not None


def _may_cut_after(line: str) -> bool:
    """A unit may end with this line: not blank, and not a decorator or comment (those belong
    to what follows them)."""
    return bool(line.strip()) and not line.startswith(("@", "#"))


def _run_black(units: list[str]) -> list[str | None]:
    lines = sum(u.count("\n") for u in units)
    if lines >= PARALLEL_MIN_LINES and (os.cpu_count() or 1) > 1 and _can_fork():
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        import black  # noqa: F401  (imported once here, inherited by the forked workers)

        halves = _balanced_halves(units)
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_format_units, halves))
        by_unit = {u: r for half, part in zip(halves, parts) for u, r in zip(half, part)}
        return [by_unit[u] for u in units]
    return _format_units(units)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _balanced_halves(units: list[str]) -> list[list[str]]:
    halves: list[list[str]] = [[], []]
    sizes = [0, 0]
    for unit in sorted(units, key=len, reverse=True):
        i = 0 if sizes[0] <= sizes[1] else 1
        halves[i].append(unit)
        sizes[i] += len(unit)
    return halves


def _format_units(units: list[str]) -> list[str | None]:
    import black

    mode = black_mode()
    out: list[str | None] = []
    for unit in units:
        try:
            out.append(black.format_str(unit, mode=mode))
        except black.InvalidInput:
            out.append(None)
    return out


def _compiles(unit: str) -> bool:
    try:
        compile(unit, "<unit>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _compile_file(path: str, text: str, source: str) -> None:
    """Compile a generated module in memory (nothing is run or written): a generator bug that
    emits invalid Python is caught here, before the run can report success."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        col = getattr(exc, "offset", 0) or 0
        where = f"{path}:{line}:{col}" if line else path
        message = getattr(exc, "msg", str(exc))
        raise InternalError(
            [Problem(source, 0, 0, f"internal error: generated {where} is not valid Python ({message}); nothing was written")]
        ) from None


def _black_file(f: RenderedFile, source: str) -> str:
    import black

    try:
        return black.format_str(f.text, mode=black_mode())
    except black.InvalidInput as exc:
        raise InternalError(
            [Problem(source, 0, 0, f"internal error: generated {f.path} is not valid Python ({exc}); nothing was written")]
        ) from None


def _verify(rendered: list[RenderedFile], formatted: list[RenderedFile], source: str) -> None:
    """Fail unless each file is byte for byte what Black makes of the laid-out rendering."""
    for before, after in zip(rendered, formatted):
        if before.path.endswith(".py"):
            expected = _black_file(RenderedFile(before.path, lay_out(before.text)), source)
            if after.text != expected:
                import difflib

                diff = "".join(
                    difflib.unified_diff(
                        expected.splitlines(keepends=True), after.text.splitlines(keepends=True), "black", "subnet-apigen"
                    )
                )
                raise AssertionError(f"{before.path}: output differs from Black's:\n{diff}")
