"""The formatter's shortcuts give exactly Black's output: the unit cache, the layout stage,
and the recognition of units already in Black's form."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import black
import pytest

from codegen import pipeline
from codegen.format import blackform
from codegen.format import files as fmt
from codegen.load.cache import UnitCache, cache_home
from codegen.format.layout import lay_out
from codegen.render.files import RenderedFile, render
from tests.conftest import SCHEMAS, TEST_SCHEMAS

MODE = black.Mode(target_versions={black.TargetVersion.PY311})


def rendered(schema: Path, target: str = "10") -> list[RenderedFile]:
    (spec,) = pipeline.load_all([str(schema)], None)
    return render(spec, target)


def black_of(files: list[RenderedFile]) -> dict[str, str]:
    """What Black makes of each laid-out file, whole: the reference for every shortcut."""
    return {f.path: black.format_str(lay_out(f.text), mode=MODE) for f in files if f.path.endswith(".py")}


def formatted(files: list[RenderedFile], source: str = "s.yaml") -> dict[str, str]:
    return {f.path: f.text for f in fmt.format_files(files, source) if f.path.endswith(".py")}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SUBNET_APIGEN_VERIFY_FORMAT")  # these tests compare with Black themselves
    return tmp_path / "xdg"


@pytest.fixture
def no_formatting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every unit laid out, recognised or given to Black (cache misses)."""
    seen: list[str] = []

    def spy(text: str) -> str:
        seen.append(text)
        return lay_out(text)

    monkeypatch.setattr(fmt, "lay_out", spy)
    return seen


# ---- the unit cache ------------------------------------------------------


def test_a_cached_result_equals_blacks_output(cache_dir: Path, no_formatting: list[str]) -> None:
    files = rendered(SCHEMAS / "storage.yaml")
    first = formatted(files)
    assert no_formatting, "the first run formats"
    assert list((cache_home() / "units").iterdir()), "and caches"
    no_formatting.clear()
    second = formatted(files)
    assert not no_formatting, "the second run is served from the cache"
    assert second == first == black_of(files)


def test_a_changed_input_misses_the_cache(cache_dir: Path, no_formatting: list[str]) -> None:
    files = rendered(SCHEMAS / "storage.yaml")
    formatted(files)
    no_formatting.clear()
    api = next(f for f in files if f.path.endswith("/api.py"))
    edited = api.text.replace("Store encrypted data", "Keep encrypted data", 1).replace("Fetch a chunk", "Get a chunk", 1)
    assert edited != api.text
    changed = [RenderedFile(f.path, edited, f.user_owned) if f is api else f for f in files]
    result = formatted(changed)
    assert result == black_of(changed)
    assert no_formatting and all(("Keep encrypted" in u or "Get a chunk" in u) for u in no_formatting), (
        "only the changed units are formatted again"
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn write
        lambda data: data[:-10] + b"0123456789",  # flipped bytes at the end
        lambda data: b"not a cache at all",
        lambda data: data.replace(b"subnet-apigen units", b"subnet-apigen xxxxx", 1),
    ],
    ids=["truncated", "flipped", "garbage", "bad-magic"],
)
def test_a_corrupt_cache_entry_is_ignored(cache_dir: Path, no_formatting: list[str], damage) -> None:  # type: ignore[no-untyped-def]
    files = rendered(SCHEMAS / "dummy.yaml")
    formatted(files)
    (entry,) = (cache_home() / "units").iterdir()
    entry.write_bytes(damage(entry.read_bytes()))
    no_formatting.clear()
    assert formatted(files) == black_of(files)
    assert no_formatting, "a damaged cache is not trusted"
    no_formatting.clear()
    formatted(files)
    assert not no_formatting, "and is written again whole"


def test_a_cache_made_by_another_formatter_is_stale(cache_dir: Path) -> None:
    UnitCache("pkg", "salt-a").save({"x = 1\n": "x = 1\n"})
    assert UnitCache("pkg", "salt-a").load().get("x = 1\n") == "x = 1\n"
    assert UnitCache("pkg", "salt-b").load().get("x = 1\n") is None
    assert UnitCache("pkg", "salt-a").load().get("x = 2\n") is None


def test_an_unverified_black_formats_every_unit(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recogniser imitates the Black releases it was verified against; with any other, Black
    formats every unit on its own, and those units, joined, are what Black makes of each file."""
    from codegen.load import cache

    verified = min(fmt.VERIFIED_BLACK)
    for release, trusted in [(verified, True), (f"{verified}.post1", False), ("27.1.0", False), ("24.1.0", False)]:
        monkeypatch.setattr(cache, "black_version", lambda: release)
        assert fmt.fast_path_enabled() is trusted, release
    monkeypatch.setenv(fmt.TRY_ENV, "1")  # how a new release gets verified: the suite, with it on
    assert fmt.fast_path_enabled()
    monkeypatch.delenv(fmt.TRY_ENV)
    files = rendered(TEST_SCHEMAS / "every_type.yaml")
    recognised: list[str] = []
    monkeypatch.setattr(blackform, "formatted", lambda unit: recognised.append(unit))
    monkeypatch.setattr(cache, "black_version", lambda: "27.1.0")  # (a fresh unit cache too: the salt)
    assert formatted(files) == black_of(files)
    assert not recognised


# ---- recognising Black's form ----------------------------------------------


def units_of(*schemas: Path) -> list[str]:
    out = []
    for schema in schemas:
        for target in ("10", "11"):
            out += [u for f in rendered(schema, target) if f.path.endswith(".py") for u in fmt.split_units(lay_out(f.text))]
    return out


def mutate(unit: str, rnd: random.Random) -> str:
    """A small edit of the kind that can take code out of Black's form."""
    lines = unit.split("\n")
    i = rnd.randrange(max(1, len(lines) - 1))
    kind = rnd.randrange(8)
    if kind == 0 and not lines[i]:
        del lines[i]
    elif kind == 1:
        lines.insert(i, "")
    elif kind == 2:
        lines[i] = lines[i].replace('"', "'") if '"' in lines[i] else lines[i].replace("'", '"')
    elif kind == 3 and i + 1 < len(lines):
        lines[i : i + 2] = [lines[i] + " " + lines[i + 1].strip()]
    elif kind == 4:
        lines[i] = lines[i].replace(")", ",)", 1)
    elif kind == 5 and lines[i].endswith(","):
        lines[i] = lines[i][:-1]
    elif kind == 6:
        lines[i] = lines[i].replace(" = ", " = " + "x" * rnd.randrange(20, 80) + " or ", 1)
    else:
        lines[i] = "    " + lines[i]
    return "\n".join(lines)


def test_accepted_units_are_exactly_blacks_output() -> None:
    """Every unit the shortcut accepts -- as generated, and after random edits -- is a unit
    Black leaves exactly as the shortcut returns it."""
    rnd = random.Random(6)
    pool = units_of(SCHEMAS / "storage.yaml", TEST_SCHEMAS / "every_type.yaml")
    checked = 0
    for _ in range(1500):
        unit = rnd.choice(pool)
        for _ in range(rnd.randrange(0, 3)):
            unit = mutate(unit, rnd)
        try:
            compile(unit, "unit", "exec")
        except SyntaxError:
            continue
        result = blackform.formatted(unit)
        if result is not None:
            checked += 1
            assert result == black.format_str(unit, mode=MODE), unit
    assert checked > 300


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("x = f(" + ", ".join(f"argument_{i}" for i in range(12)) + ")\n", "longer than"),
        ("x = f(\n    a, b\n)\n", "join or re-split"),
        ("x = a if b else [\n    c,\n]\n", "elsewhere"),
        # found by the property tests: an element that is a ternary ending in a split display
        ("f(\n    a=a if a is not None else {\n        1: 2,\n    },\n)\n", "ternary"),
        ("f(\n    a + g(\n        1,\n    ),\n)\n", "ternary"),
        # found by the property tests: repr(1e16) is `1e+16`, which Black spells `1e16`
        ("x = Field(default=1e+16)\n", "number literal"),
        ("x = [0XFF, 1J]\n", "number literal"),
        ("x = [1., .5]\n", "number literal"),
        ('def f():\n    """Text. """\n', "docstring"),
        ("def f():\n    x = 1\n  # comment\n    return x\n", "grid"),
        ("x = [1, 2,]\n", "magic trailing comma"),
        ("import os\nx = 1\n", "blank lines"),
        ("if x: y = 1\n", "body"),
    ],
)
def test_refuses_what_black_would_change(unit: str, reason: str) -> None:
    assert black.format_str(unit, mode=MODE) != unit
    why = blackform.why_refused(unit)
    assert why is not None and reason in why, why


def test_refuses_formatter_pragmas() -> None:
    """`# fmt: off` and friends change what Black does to the rest of the file: Black decides."""
    for unit in ("x = 1  # fmt: skip\n", "# fmt: off\nx = 1\n# fmt: on\n"):
        assert "pragmas" in (blackform.why_refused(unit) or "")


@pytest.mark.parametrize(
    "value",
    ["plain", "it's", 'say "hi"', "both ' and \"", "'\"'", "back\\slash", "\x00\n\t\u2028", "\"\"\"", b"by'tes", b'b"q'],
)
def test_quotes_are_blacks(value: object) -> None:
    literal = repr(value)
    prefix = "b" if isinstance(value, bytes) else ""
    ours = blackform.formatted(f"x = {literal}\n")
    assert ours == black.format_str(f"x = {literal}\n", mode=MODE)
    assert ours is not None and ours.startswith(f"x = {prefix}")


# ---- the layout stage --------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "x = f(" + ", ".join(f"a{i}" for i in range(30)) + ")\n",
        "t = (" + ", ".join(f"a{i}" for i in range(30)) + ")\n",  # a tuple: its parentheses get no comma
        "v = d[" + ", ".join(f"a{i}" for i in range(30)) + "]\n",  # a subscript: a comma would make a tuple
        "v = {'k': 1, 'l': 2, 'm': 3, 'n': 4, 'o': 5, 'p': 6, 'q': 7, 'r': 8, 's': 9, 't': 10, 'u': 11}[key]\n",
        "y = g(" + "x for x in range(1000000000000000000000000000000000000000000000000000000000000000000000)" + ")\n",
        "z = h(lambda a, b: a + b, " + ", ".join(f"a{i}" for i in range(20)) + ")\n",
        "from package.module import " + ", ".join(f"Name{i}" for i in range(20)) + "\n",
        "def f(" + ", ".join(f"a{i}: int = {i}" for i in range(12)) + ") -> dict[str, list[int]]:\n    return {}\n",
        "w = call(\n    first, second\n)\n",
        'm = (\n    "a"\n    "b"\n)\n',
    ],
)
def test_layout_never_changes_meaning(source: str) -> None:
    assert ast.dump(ast.parse(lay_out(source))) == ast.dump(ast.parse(source))


def test_layout_keeps_the_meaning_of_every_generated_file() -> None:
    for schema in (SCHEMAS / "storage.yaml", TEST_SCHEMAS / "every_type.yaml"):
        for target in ("10", "11"):
            for f in rendered(schema, target):
                if f.path.endswith(".py"):
                    assert ast.dump(ast.parse(lay_out(f.text))) == ast.dump(ast.parse(f.text)), f.path
