"""Recognise rendered code that is already in Black's form, so that Black need not run on it.

The templates are written in Black's style, and user values reach the code only as
identifiers, annotations and ``repr()``s. What Black would still change in such text
is the quotes of those reprs (fixed here by Black's documented rule: double quotes
unless they need more backslashes), or a decision that depends on line length:
splitting a line that is too long, or joining a split that would fit. So a unit is
accepted only when every code line fits and every split is one Black keeps whatever
the lengths: a "magic" trailing comma, or a comment after the opening bracket.
Anything else (long lines, docstrings Black would re-indent, tabs, backslashes,
``fmt:`` pragmas, comprehensions split over lines...) is refused, and the caller
runs Black on that unit instead. Refusing is always safe.

Accepting is checked against Black itself by the test suite, which sets
``SUBNET_APIGEN_VERIFY_FORMAT=1`` so that every accepted unit is compared with
Black's output (see ``codegen.format.files``). Line splits and blank lines are checked
in ``blackform_layout``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codegen.format.blackform_layout import (
    LINE_LENGTH,
    Line,
    Refused,
    check_layout,
    follows_name,
    split_tail,
)

# One string literal (without its prefix: see _prefix_length) or one comment. The loops are
# "unrolled" and the pattern starts with a quote or '#', so the scan runs at C speed.
_TOKEN = re.compile(
    r'''(?P<string>"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'''
    r"""|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"""
    r'''|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'''
    r"""|'[^'\\\n]*(?:\\.[^'\\\n]*)*')"""
    r"|(?P<comment>#[^\n]*)"
)
_PREFIX_CHARS = frozenset("rRbBuUfF")


def _prefix_length(text: str, start: int) -> int:
    """How many letters before the quote at `start` are a string prefix (`b`, `rb`, `f`...)."""
    n = 0
    while n < 2 and start - n > 0 and text[start - n - 1] in _PREFIX_CHARS:
        n += 1
    if n and start - n > 0 and (text[start - n - 1].isalnum() or text[start - n - 1] == "_"):
        return 0  # the letters end a name or keyword (`if"x"`): no prefix
    return n


def _tokens(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_comment) of every string literal (prefix included) and comment."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "comment":
            yield m.start(), m.end(), True
        else:
            yield m.start() - _prefix_length(text, m.start()), m.end(), False
# Characters Black or str.splitlines() treat as whitespace or line breaks in ways we don't model.
_ODD_CHARS = re.compile("[\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|\\\\\n| \n")
# An escape whose hex digits Black would lower-case, or a \N{...} it would upper-case.
_ESCAPE_TO_NORMALIZE = re.compile(r"\\(?:x[0-9a-fA-F]?[A-F]|u[0-9a-fA-F]{0,3}[A-F]|U[0-9a-fA-F]{0,7}[A-F]|N\{)")
# Number literals Black may respell (`1e+16` -> `1e16`, `0XFF` -> `0xFF`, `1J` -> `1j`, `1.` ->
# `1.0`): any with an exponent, a base prefix, a suffix or a bare point is left to Black.
# Numbers are found first (strings are masked by then), then judged: one cheap pass per unit.
_NUMBER = re.compile(r"(?<![\w.])\.?\d[\w.]*")
_RESPELLED = re.compile(r"[eEjJlLxXoObB]|^\.|\.$")


def why_refused(unit: str) -> str | None:
    """The reason `formatted(unit)` is None, for diagnostics."""
    try:
        _check(unit)
    except Refused as exc:
        return str(exc) or "refused"
    return None


def formatted(unit: str) -> str | None:
    """`unit` exactly as Black would format it, or None when that can't be shown cheaply.

    `unit` is one or more complete top-level statements ending in a newline.
    """
    try:
        return _check(unit)
    except Refused:
        return None


def _check(unit: str) -> str:
    if not unit.endswith("\n") or unit.endswith("\n\n") or unit.startswith("\n") or "\n\n\n\n" in unit:
        raise Refused("blank lines at the ends, or more than two in a row")
    if "fmt:" in unit or "yapf:" in unit:
        raise Refused("formatter pragmas")
    if _ODD_CHARS.search(unit):
        raise Refused("tabs, trailing spaces, backslash continuations or unusual line breaks")
    text, lines = _normalize_strings(unit)
    _check_numbers(lines)
    check_layout(lines)
    return text


def _check_numbers(lines: list[Line]) -> None:
    for number in _NUMBER.findall("\n".join(ln.code for ln in lines)):
        if _RESPELLED.search(number):
            raise Refused("a number literal Black would respell")


def masked(text: str) -> str:
    """`text` with every string literal's characters as "_" (newlines kept) and every comment
    as "#" and spaces: brackets, commas and the rest of the code stay where they were."""

    out = []
    pos = 0
    for start, end, comment in _tokens(text):
        out.append(text[pos:start])
        token = text[start:end]
        if comment:
            out.append("#" + " " * (len(token) - 1))
        else:
            out.append("_" * len(token) if "\n" not in token else re.sub("[^\n]", "_", token))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def multiline_strings(text: str) -> Iterator[tuple[int, int]]:
    """The string literals of `text` that span lines (comments and one-line strings skipped)."""
    return ((start, end) for start, end, comment in _tokens(text) if not comment and "\n" in text[start:end])


# ---- strings and comments ----------------------------------------------------


def _normalize_strings(unit: str) -> tuple[str, list[Line]]:
    out: list[str] = []
    mask: list[str] = []
    docstring_lines: dict[int, str] = {}
    comment_lines: set[int] = set()
    line = 0
    pos = 0
    for start, end, comment in _tokens(unit):
        code = unit[pos:start]
        out.append(code)
        mask.append(code)
        line += code.count("\n")
        token = unit[start:end]
        if comment:
            _check_comment(unit, start, token)
            out.append(token)
            mask.append(" " * len(token))
            comment_lines.add(line)
        else:
            literal = _string(unit, start, token)
            out.append(literal)
            mask.append("_" * len(literal) if "\n" not in literal else re.sub("[^\n]", "_", literal))
            newlines = token.count("\n")
            if newlines:
                docstring_lines[line] = "first"
                docstring_lines.update((n, "inside") for n in range(line + 1, line + newlines))
                docstring_lines[line + newlines] = "last"
            line += newlines
        pos = end
    out.append(unit[pos:])
    mask.append(unit[pos:])
    text = "".join(out)
    masked = "".join(mask)
    if any(c in masked for c in "\\;'\""):
        raise Refused("a continuation, several statements on a line, or a string we can't read")
    lines = [
        Line(t, m.rstrip(" "), i in comment_lines, docstring_lines.get(i, ""))
        for i, (t, m) in enumerate(zip(text.split("\n")[:-1], masked.split("\n")[:-1]))
    ]
    return text, lines


def _check_comment(unit: str, start: int, token: str) -> None:
    if not (token == "#" or token.startswith("# ") or (token.startswith("#!") and start == 0)):
        raise Refused("Black puts a space after '#'")
    before = unit[unit.rfind("\n", 0, start) + 1 : start]
    if before.strip() and (not before.endswith("  ") or before.endswith("   ")):
        raise Refused("an inline comment gets exactly two spaces before it")


def _string(unit: str, start: int, token: str) -> str:
    """The literal as Black writes it; refuses what Black would change in other ways."""
    literal = token.lstrip("rRbBuUfF")
    prefix = token[: len(token) - len(literal)]
    if prefix not in ("", "b", "f", "r", "rb", "rf") or "\\" in literal and _ESCAPE_TO_NORMALIZE.search(literal):
        raise Refused("string prefixes or escapes Black would normalise")
    if literal.startswith(("'''", '"""')):
        if literal.startswith("'''") or prefix:
            raise Refused("only plain triple double quotes")
        line_start = unit.rfind("\n", 0, start) + 1
        end = start + len(token)
        if unit[line_start:start].strip(" ") or unit[end : end + 1] != "\n":
            raise Refused("triple quotes only for docstring-like statements")
        _check_docstring(literal[3:-3], start - line_start)
        return token
    if "f" in prefix:
        if literal[0] != '"' or black_quotes(literal) != literal:
            raise Refused("Black's f-string rules have more cases; leave them to Black")
        return token
    if "r" in prefix:
        if literal[0] == "'" and '"' not in literal:
            return prefix + '"' + literal[1:-1] + '"'
        return token
    return prefix + black_quotes(literal)


def _check_docstring(body: str, indent: int) -> None:
    """A docstring Black leaves as it is: trimmed, continuation lines at the code's indentation."""
    if not body or body[0] in ' "' or body.rstrip(" \n")[-1:] in ('"', "\\"):
        raise Refused("a docstring Black would pad or trim")
    lines = body.split("\n")
    if len(lines) == 1:
        if body != body.strip(" "):
            raise Refused("a docstring Black would trim")
        return
    last = lines[-1]
    if lines[0] != lines[0].strip(" ") or last != last.rstrip(" ") and last.strip(" "):
        raise Refused("a docstring Black would trim")
    content = [ln for ln in lines[1:-1] if ln]
    if last.strip(" "):
        content.append(last)
    elif last != " " * indent:
        raise Refused("closing quotes on their own line, at the docstring's indentation")
    if not content or min(len(ln) - len(ln.lstrip(" ")) for ln in content) != indent:
        raise Refused("Black re-indents continuation lines (and drops a bare closing line)")


def black_quotes(literal: str) -> str:
    """A one-line, non-raw string literal (no prefix) with the quotes Black prefers:
    double quotes, unless they need more backslashes than single quotes."""
    quote = literal[0]
    body = literal[1:-1]
    if "\\" not in body:  # the common case: no escapes to weigh
        return '"' + body + '"' if quote == "'" and '"' not in body else literal
    other = '"' if quote == "'" else "'"
    kept = _unescape(body, other)  # a backslash before the other quote is never needed
    flipped = _escape(_unescape(kept, quote), other)
    extra = flipped.count("\\") - kept.count("\\")
    if extra > 0 or (extra == 0 and quote == '"'):
        return quote + kept + quote
    return other + flipped + other


def _unescape(body: str, quote: str) -> str:
    """Drop the backslash of each escaped `quote` (escaped backslashes stay)."""
    return re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) == quote else m.group(), body, flags=re.S)


def _escape(body: str, quote: str) -> str:
    """Backslash each unescaped `quote`."""
    return re.sub(r"\\.|.", lambda m: "\\" + quote if m.group() == quote else m.group(), body, flags=re.S)


__all__ = ["LINE_LENGTH", "Refused", "follows_name", "formatted", "masked", "multiline_strings", "split_tail", "why_refused"]
