"""Hypothesis strategies for valid schemas: every type kind and spelling, constraints that fit,
defaults that satisfy them, every aggregate, and arbitrary text wherever text is allowed.

A drawn schema is plain data (what ``yaml.safe_load`` gives); ``schemas()`` only draws what
the generator must accept, so a rejection is a bug on one side or the other.
"""

from __future__ import annotations

import keyword
import string
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from codegen.parser import names as naming
from codegen.parser.types import SCALARS

AGGREGATES = ["all", "first", "majority", "by_hotkey", "custom"]
# Patterns a sample can't be derived for, each with a matching example (quotes and backslashes too).
PATTERNS = {"^[a-z]+$": "abc", "^[0-9]{2,4}$": "2024", '^[^"]*"[^"]*$': 'say "x', r"^\\\d+\.\w$": "\\12.x"}
# Any character but surrogates (not UTF-8); text may hold quotes, backslashes, controls, emoji.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def _field_name_ok(name: str) -> bool:
    return not (
        keyword.iskeyword(name) or keyword.issoftkeyword(name)
        or name.startswith("model_") or name.endswith("_hooks")
        or name in naming.SYNAPSE_NAMES or name in naming.API_PARAMS or name in naming.CLASS_BODY_NAMES
        or name in naming.CLIENT_OPTIONS or hasattr(BaseModel, name)
    )


FIELD_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(_field_name_ok)
_TYPE_WORDS = {"list", "dict", "optional", "literal", "tensor", "union"}
TYPE_NAMES = st.from_regex(r"[A-Z][A-Za-z0-9]{0,9}", fullmatch=True).filter(
    lambda n: n not in SCALARS and n not in naming.GENERATED_NAMES and n not in naming.BUILTINS
    and n.lower() not in _TYPE_WORDS and not n.endswith("API") and not keyword.iskeyword(n)
    and not keyword.iskeyword(naming.snake_case(n)) and not keyword.issoftkeyword(naming.snake_case(n))
)


class Named:
    """The enums and models a type may refer to (models only to ones defined before it)."""

    def __init__(self, enums: dict[str, list[Any]], models: list[str]) -> None:
        self.enums, self.models = enums, models


# ---- types: (type expression, a python-level description used to draw values) ----

Kind = tuple[str, Any]  # ("int", None), ("list", Kind), ("enum", values), ("literal", values), ...


@st.composite
def literal_type(draw: st.DrawFn) -> tuple[str, Kind]:
    if draw(st.booleans()):
        values: list[Any] = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    else:
        values = draw(st.lists(st.integers(-1000, 1000), min_size=1, max_size=4, unique=True))
    head = draw(st.sampled_from(["literal", "Literal"]))
    return f"{head}[{', '.join(repr(v) for v in values)}]", ("literal", values)


def types(named: Named, depth: int = 2) -> st.SearchStrategy[tuple[str, Kind]]:
    leaves: list[st.SearchStrategy[tuple[str, Kind]]] = [
        st.sampled_from([("str", ("str", None)), ("int", ("int", None)), ("float", ("float", None)),
                         ("bool", ("bool", None)), ("bytes", ("bytes", None)), ("any", ("any", None)),
                         ("Any", ("any", None))]),
        literal_type(),
    ]
    if named.enums:
        leaves.append(st.sampled_from(sorted(named.enums)).map(lambda n: (n, ("enum", named.enums[n]))))
    if named.models:
        leaves.append(st.sampled_from(named.models).map(lambda n: (n, ("model", n))))
    leaf = st.one_of(*leaves)
    if depth == 0:
        return leaf
    inner = types(named, depth - 1).filter(lambda t: t[1][0] != "optional")
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from(["list", "List"]), inner).map(lambda p: (f"{p[0]}[{p[1][0]}]", ("list", p[1][1]))),
        st.tuples(st.sampled_from(["dict", "Dict"]), inner).map(lambda p: (f"{p[0]}[str, {p[1][0]}]", ("dict", p[1][1]))),
        st.tuples(st.sampled_from(["{} | None", "Optional[{}]", "optional[{}]", "None | {}"]), inner).map(
            lambda p: (p[0].format(p[1][0]), ("optional", p[1][1]))
        ),
    )


# ---- constraints and values honouring them ----


@st.composite
def constraints(draw: st.DrawFn, kind: Kind) -> dict[str, Any]:
    base = kind[1] if kind[0] == "optional" else kind
    out: dict[str, Any] = {}
    if base[0] in ("int", "float") and draw(st.booleans()):
        number = st.integers(-100, 100) if base[0] == "int" else st.floats(-100, 100, allow_nan=False).map(lambda f: round(f, 2))
        lo, hi = sorted([draw(number), draw(number)])
        hi = max(hi, lo + 2)  # room for a value strictly between
        if draw(st.booleans()):
            out[draw(st.sampled_from(["ge", "gt"]))] = lo
        if draw(st.booleans()):
            out[draw(st.sampled_from(["le", "lt"]))] = hi
    if base[0] == "str" and draw(st.integers(0, 3)) == 0:
        out["pattern"] = draw(st.sampled_from(sorted(PATTERNS)))  # with its example (see field)
        return out
    if base[0] in ("str", "bytes", "list", "dict") and draw(st.booleans()):
        lo = draw(st.integers(0, 3))
        if draw(st.booleans()):
            out["min_length"] = lo
        if draw(st.booleans()):
            out["max_length"] = lo + draw(st.integers(0, 5))
    return out


def values(kind: Kind, c: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid YAML values of ``kind`` under constraints ``c`` (no enums/models inside containers)."""
    name, arg = kind
    if name == "optional":
        return st.one_of(st.none(), values(arg, c))
    if name == "int":  # int bounds are drawn as integers, at least 1 apart
        return st.integers(c["gt"] + 1 if "gt" in c else c.get("ge", -1000), c["lt"] - 1 if "lt" in c else c.get("le", 1000))
    if name == "float":
        lo, hi = c.get("ge", c.get("gt", -1000.0)), c.get("le", c.get("lt", 1000.0))
        return st.floats(lo, hi, allow_nan=False, exclude_min="gt" in c, exclude_max="lt" in c).map(float)
    lo, hi = c.get("min_length", 0), c.get("max_length", 6)
    if name == "str" and "pattern" in c:
        return st.just(PATTERNS[c["pattern"]])
    if name == "str":
        return st.text(st.characters(blacklist_categories=("Cs",)), min_size=lo, max_size=max(lo, hi))
    if name == "bytes":
        return st.binary(min_size=lo, max_size=max(lo, hi))
    if name == "bool":
        return st.booleans()
    if name in ("enum", "literal"):
        return st.sampled_from(arg)
    if name == "any":
        return st.recursive(
            st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
            lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(string.ascii_letters, max_size=5), kids, max_size=3),
            max_leaves=6,
        )
    if name in ("list", "dict"):
        if _has_named(arg):
            return st.just([] if name == "list" else {}) if lo == 0 else st.nothing()
        item = values(arg, {})
        size = {"min_size": lo, "max_size": max(lo, min(hi, 3))}
        if name == "list":
            return st.lists(item, **size)
        return st.dictionaries(st.text(string.ascii_letters + string.digits + " _-", max_size=6), item, **size)
    return st.nothing()


def _can_default(kind: Kind, c: dict[str, Any]) -> bool:
    """A default exists: models only default to null, containers of enums/models only to empty."""
    base = kind[1] if kind[0] == "optional" else kind
    if base[0] == "model":
        return kind[0] == "optional"
    return not (base[0] in ("list", "dict") and _has_named(base[1]) and c.get("min_length", 0) > 0)


def _has_named(kind: Kind) -> bool:
    name, arg = kind
    if name in ("enum", "model"):
        return True
    return name in ("list", "dict", "optional") and _has_named(arg)


# ---- fields, models, synapses, schemas ----


@st.composite
def field(draw: st.DrawFn, named: Named, role: str) -> Any:
    expr, kind = draw(types(named))
    c = draw(constraints(kind))
    base = kind[1] if kind[0] == "optional" else kind
    if base[0] == "model" and not draw(st.booleans()):
        return expr  # shorthand
    entry: dict[str, Any] = {"type": expr, **c}
    if draw(st.booleans()):
        entry["description"] = draw(TEXT)
    if "pattern" in c:
        entry["example"] = PATTERNS[c["pattern"]]
    if role == "request" and draw(st.integers(0, 4)) == 0:
        entry["hash"] = True
    if draw(st.booleans()) and _can_default(kind, c):
        entry["default"] = draw(values(kind, c) if base[0] != "model" else st.none())
    if len(entry) == 1 and draw(st.booleans()):
        return expr
    return entry


@st.composite
def fields(draw: st.DrawFn, named: Named, role: str, min_size: int, taken: set[str]) -> dict[str, Any]:
    names = draw(st.lists(FIELD_NAMES.filter(lambda n: n not in taken), min_size=min_size, max_size=3, unique=True))
    taken.update(names)
    return {n: draw(field(named, role)) for n in names}


@st.composite
def schemas(draw: st.DrawFn, subnet: str = "prop") -> dict[str, Any]:
    type_names = draw(st.lists(TYPE_NAMES, min_size=1, max_size=5, unique_by=(str.lower, naming.snake_case)))
    # at most 2 enums, 2 models and 3 synapses: enough to combine every kind, small enough to run 500
    n_enums = draw(st.integers(0, min(2, len(type_names) - 1)))
    n_models = draw(st.integers(0, min(2, len(type_names) - 1 - n_enums)))
    enum_names = type_names[:n_enums]
    model_names = type_names[n_enums : n_enums + n_models]
    synapse_names = type_names[n_enums + n_models :][:3]
    enums: dict[str, list[Any]] = {}
    for name in enum_names:
        if draw(st.booleans()):
            enums[name] = draw(st.lists(st.integers(-50, 50), min_size=1, max_size=5, unique=True))
        else:
            enums[name] = draw(st.lists(TEXT.filter(lambda s: s and s == s.strip()), min_size=1, max_size=5, unique=True))
    named = Named(enums, [])
    models: dict[str, Any] = {}
    for name in model_names:
        model: dict[str, Any] = {"fields": draw(fields(named, "model", 1, set()))}
        if draw(st.booleans()):
            model["description"] = draw(TEXT)
        models[name] = model
        named.models.append(name)  # later models (and synapses) may use it
    synapses: dict[str, Any] = {}
    for name in synapse_names:
        taken: set[str] = set()
        synapse: dict[str, Any] = {}
        if draw(st.booleans()):
            synapse["description"] = draw(TEXT)
        request = draw(fields(named, "request", 0, taken))
        response = draw(fields(named, "response", 0, taken))
        if request or draw(st.booleans()):
            synapse["request"] = request
        if response or draw(st.booleans()):
            synapse["response"] = response
        if len(response) > 1 and draw(st.booleans()):
            synapse["deserialize"] = draw(st.sampled_from(sorted(response)))
        synapse["aggregate"] = draw(st.sampled_from(AGGREGATES))
        if draw(st.booleans()):
            synapse["timeout"] = draw(st.integers(1, 60) | st.floats(0.5, 60).map(lambda f: round(f, 3)))
        synapses[name] = synapse
    schema: dict[str, Any] = {"subnet": subnet}
    if draw(st.booleans()):
        schema["netuid"] = draw(st.integers(0, 65535))
    if draw(st.booleans()):
        schema["description"] = draw(TEXT)
    if enums:
        schema["enums"] = enums
    if models:
        schema["models"] = models
    schema["synapses"] = synapses
    return schema
