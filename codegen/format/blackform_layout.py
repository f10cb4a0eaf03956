"""Black's form, part two: where lines split and blank lines go (see ``blackform``).

A unit's physical lines, already checked for strings and comments, are accepted only when
every code line fits in ``LINE_LENGTH`` and every split is one Black keeps whatever the
lengths (a magic trailing comma, or a comment after the opening bracket), with the blank
lines Black would leave. Anything else raises ``Refused``.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import cached_property

LINE_LENGTH = 88

# An item Black can't split however long: a string, as a keyword argument or a dict value.
LONE_STRING = re.compile(r"^(?:[A-Za-z_]\w*=|_+: )?_+,?$")
OPEN = "([{"
CLOSE = ")]}"
MATCHING = {")": "(", "]": "[", "}": "{"}


class Refused(Exception):
    """The unit is not provably in Black's form."""


@dataclass
class Line:
    text: str  # with Black's quotes
    code: str = ""  # the line with string contents as "_" and comments removed, right-stripped
    comment: bool = False  # has a comment
    docstring: str = ""  # "first" | "inside" | "last" for lines of a multi-line docstring



@dataclass
class _Region:
    """A bracket left open at the end of a line."""

    indent: int
    bracket: str
    forced: bool  # a comment after the bracket: Black can't join the lines
    call: bool  # brackets right after a name or another bracket: a call or subscript
    elements: int = 0
    crowded: bool = False  # some line holds more than one element
    uncommaed: int = 0  # elements not followed by a comma (only the last may be, and only unforced)
    last: str = ""  # code of the region's last line before the closing bracket
    tail: re.Pattern[str] | None = None  # what may follow the closing bracket of a statement


def _width(text: str) -> int:
    """An upper bound of Black's width (wide characters count two)."""
    return len(text) if text.isascii() else 2 * len(text)


@dataclass
class _Logical:
    """A statement line as Black sees it (one or more physical lines)."""

    depth: int
    first: str  # code of its first physical line, without indentation
    blank_before: int
    last: str = ""  # code of its last physical line
    string: bool = False  # a string on its own (a docstring, or an attribute's)

    @cached_property
    def kind(self) -> str:
        first = self.first
        if self.string:
            return "docstring"
        if not first:
            return "comment"
        if first.startswith("@"):
            return "decorator"
        if first.startswith(("def ", "async def ")):
            return "def"
        if first.startswith("class "):
            return "class"
        if first.startswith("import ") or (first.startswith("from ") and " import " in first):
            return "import"
        return "other"

    @property
    def opens_block(self) -> bool:
        return self.last.endswith(":")


def check_layout(lines: list[Line]) -> None:
    """Every code line fits; brackets close on their line or are split the way Black keeps
    them; blank lines are the ones Black would leave."""
    stack: list[_Region] = []
    logical: list[_Logical] = []
    blank = 0
    for ln in lines:
        if ln.docstring == "inside":
            continue
        if ln.docstring == "last":
            if _width(ln.text) > LINE_LENGTH:
                raise Refused("Black would move the closing quotes to a line of their own")
            continue
        if not ln.text:
            if stack:
                raise Refused("blank lines inside brackets")
            blank += 1
            continue
        indent = len(ln.code) - len(ln.code.lstrip(" "))
        body = ln.code[indent:]
        if not body:  # a comment on its own line
            if stack:
                raise Refused("a comment on its own line inside brackets")
            indent = len(ln.text) - len(ln.text.lstrip(" "))
            if indent % 4:
                raise Refused("a comment indented off the four-space grid")
            logical.append(_Logical(indent // 4, "", blank))
            blank = 0
            continue
        string_statement = body.strip("_") == ""
        if _width(ln.text) > LINE_LENGTH and not string_statement and not (stack and LONE_STRING.match(body)):
            raise Refused("a line longer than Black's limit")
        if indent % 4 or "  " in body or (" (" in body or " [" in body) and _spaced_call(body):
            raise Refused("four-space indents, single spaces between tokens")
        if stack and body[0] in CLOSE:
            _close(stack, body, indent)
        elif stack:
            if ln.docstring:
                raise Refused("multi-line strings inside brackets")
            region = stack[-1]
            if indent != region.indent + 4:
                raise Refused("an element not indented one level inside its bracket")
            region.elements += 1
            region.last = body
            if _opens(body):
                _inline_commas(body)
                if not _ELEMENT_HEAD.match(body[:-1]):
                    raise Refused("an element Black might wrap in parentheses (operators or a ternary)")
                stack.append(_region(body, indent, ln))
            else:
                _balanced(body)
                if _top_level_commas(body.removesuffix(",")):
                    region.crowded = True
                if not body.endswith(","):
                    region.uncommaed += 1
        else:
            logical.append(_Logical(indent // 4, body, blank, string=string_statement))
            blank = 0
            if _opens(body):
                _inline_commas(body)
                stack.append(_statement_region(body, indent, ln))
            else:
                _balanced(body)
        if logical:
            logical[-1].last = body
    if stack:
        raise Refused("a bracket left open")
    _check_blank_lines(logical)


def _check_blank_lines(lines: list[_Logical]) -> None:
    """The blank lines before each statement are the ones Black's EmptyLineTracker would emit.

    Covers the non-stub, non-pyi rules; cases outside them (a comment right above a
    def, one-line defs...) are refused.
    """
    for i, line in enumerate(lines):
        if line.kind == "comment":
            following = next((ln for ln in lines[i + 1 :] if ln.kind != "comment"), None)
            if line.depth != (following.depth if following else 0):
                raise Refused("Black indents a comment like the statement after it")
    code = [ln for ln in lines if ln.kind != "comment"]
    for previous, line in zip([None, *code], code):
        if previous is None or previous.opens_block:
            expected = 0 if previous is None else previous.depth + 1
            if line.depth != expected:
                raise Refused("Black indents each block by exactly four spaces")
        elif line.depth > previous.depth:
            raise Refused("an indent without a block")
        if line.first == "...":
            raise Refused("Black puts a dummy body on the line of its `def` or `class`")
        if line.kind != "docstring" and _compound_on_one_line(line.first):
            raise Refused("Black puts a block's body on lines of its own")
    previous = None
    previous_after = 0
    open_defs: list[_Logical] = []
    only_comments_so_far = True
    module_docstring: _Logical | None = None
    for line in lines:
        depth = line.depth
        kind = line.kind
        if line.blank_before > (2 if depth == 0 else 1):
            raise Refused("more blank lines than Black keeps")
        if kind == "def" and not line.opens_block:
            raise Refused("one-line (stub) definitions have rules of their own")
        before = line.blank_before
        had_blank = before > 0
        ended_def = None
        while open_defs and open_defs[-1].depth >= depth:
            ended_def = open_defs.pop()
        if kind in ("def", "class"):
            open_defs.append(line)
        after = 0
        if previous is None:
            want = 0
        elif kind == "docstring" and previous.kind == "class" and previous.depth < depth:
            want, after = 0, 1
        elif kind == "docstring" and previous.kind == "def" and previous.opens_block and previous.depth < depth:
            want = 0
        else:
            if ended_def is not None:
                if depth:
                    before = 1
                elif ended_def.depth and line.opens_block and line.first.split(" ")[0].rstrip(":") not in (
                    "with", "try", "for", "while", "if", "match"
                ):
                    before = 1
                else:
                    before = 2
            if kind in ("decorator", "def", "class"):
                if previous.kind == "decorator":
                    want = 0
                elif previous.depth < depth and previous.kind in ("class", "def"):
                    want = 1 if had_blank else 0
                elif previous.kind == "comment" and previous.depth == depth and before == 0:
                    raise Refused("a comment right above a def or class")
                else:
                    want = 1 if depth else 2
            elif previous.kind == "import" and previous.depth == 0 and depth == 0 and kind != "import":
                want = 1
            elif previous.kind == "import" and kind != "import" and depth == previous.depth:
                want = before or 1
            else:
                want = before
        want = max(0, want - previous_after)
        if previous is module_docstring and previous is not None and kind not in ("class", "def"):
            want = 1
        if previous_after + want != line.blank_before:
            raise Refused("blank lines Black would change")
        if only_comments_so_far and kind == "docstring" and depth == 0 and previous_after == 0:
            module_docstring = line
        only_comments_so_far = only_comments_so_far and kind == "comment"
        previous, previous_after = line, after


_SPACE_BEFORE_BRACKET = re.compile(r"(\w+) [(\[]")


def _spaced_call(body: str) -> bool:
    """`f (x)` or `x [0]`: Black removes the space (after a keyword it stays)."""
    return any(not keyword.iskeyword(m.group(1)) for m in _SPACE_BEFORE_BRACKET.finditer(body))


_COMPOUND = frozenset("if elif else for while try except finally with def class async match case".split())


def _compound_on_one_line(first: str) -> bool:
    """`if x: y` and the like: a block opener with its body after the colon."""
    if first.split(" ", 1)[0].rstrip(":") not in _COMPOUND:
        return False
    depth = 0
    for i, c in enumerate(first):
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth -= 1
        elif c == ":" and depth == 0 and i != len(first) - 1:
            return True
    return False


def _region(body: str, indent: int, ln: Line) -> _Region:
    return _Region(indent, body[-1], forced=ln.comment, call=follows_name(body[:-1]))


_NAME = r"[A-Za-z_]\w*"
_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
# Statements whose last bracket Black splits at, whatever the lengths: a def's or class's
# parameters; a plain (dotted) callee or a display as the whole right-hand side. Anything
# else (operators, ternaries, chained calls) may make Black wrap the expression in
# parentheses instead.
_SPLIT_HERE = re.compile(
    rf"^(?:(?P<block>(?:async )?def {_NAME}|class {_NAME})"
    rf"|(?P<raise>raise {_DOTTED})"
    r"|from [.\w]+ import "
    rf"|(?:(?:return|yield) )?(?:{_DOTTED}(?:: [^=]+)? = )?(?:await )?(?:{_DOTTED})?)$"
)
# An element of an exploded bracket that itself ends in an open bracket: Black splits it
# there only if nothing but a keyword, a dict key or a (dotted) callee comes before it;
# `a if b else {`, `x + f(` and the like get wrapped in parentheses instead.
_ELEMENT_HEAD = re.compile(rf"^(?:\*\*?)?(?:{_NAME}=|(?:_+|{_DOTTED}|-?\d+): )?(?:await )?(?:{_DOTTED})?$")
_BLOCK_TAIL = re.compile(r"^(?: -> .+)?:$")
_RAISE_TAIL = re.compile(rf"^(?: from {_DOTTED})?$")
_NO_TAIL = re.compile("^$")


def split_tail(code_before: str) -> re.Pattern[str] | None:
    """For a statement whose last bracket starts after `code_before`: the pattern of what may
    follow its closing bracket if Black, splitting the statement, splits it at that bracket
    whatever the lengths; None if Black might split it elsewhere."""
    found = _SPLIT_HERE.match(code_before)
    if not found:
        return None
    return _BLOCK_TAIL if found.group("block") else _RAISE_TAIL if found.group("raise") else _NO_TAIL


def _statement_region(body: str, indent: int, ln: Line) -> _Region:
    """A statement's bracket left open: only where Black would split it too."""
    tail = split_tail(body[:-1])
    if tail is None:
        raise Refused("a split Black might make elsewhere (operators or calls around the bracket)")
    region = _region(body, indent, ln)
    region.tail = tail
    return region


def follows_name(before: str) -> bool:
    """Whether a bracket after `before` is a call or subscript (not a tuple, list or group)."""
    before = before.rstrip(" ")
    if not before or not (before[-1].isalnum() or before[-1] in "_)]}"):
        return False
    word = re.search(r"\w+$", before)
    return not (word and keyword.iskeyword(word.group()))


def _opens(body: str) -> bool:
    """Whether the line ends with a bracket left open (and opens nothing else)."""
    if body[-1] not in OPEN:
        return False
    if _depth_change(body) != 1:
        raise Refused("several brackets opened on one line")
    return True


def _close(stack: list[_Region], body: str, indent: int) -> None:
    region = stack.pop()
    if indent != region.indent or MATCHING[body[0]] != region.bracket or not region.elements:
        raise Refused("a closing bracket that doesn't match its line")
    magic = region.last.endswith(",")
    if magic:
        if region.crowded or region.uncommaed:
            raise Refused("Black puts each element of an exploded bracket on its own line")
        if region.elements == 1 and (
            (region.bracket == "(" and not region.call) or (region.bracket == "[" and region.call)
        ):
            raise Refused("a one-tuple's or one-item subscript's comma isn't magic")
    elif not (region.forced and region.elements == 1):
        raise Refused("a split Black would join or re-split depending on length")
    rest = body[1:]
    if stack:
        if rest not in ("", ","):
            raise Refused("code after a nested closing bracket")
        stack[-1].last = body
        if not rest:
            stack[-1].uncommaed += 1
        return
    if region.tail is None or not region.tail.match(rest):
        raise Refused("code after a statement's closing bracket that Black might split on")
    _balanced(rest)


def _depth_change(body: str) -> int:
    opened = body.count("(") + body.count("[") + body.count("{")
    return opened - body.count(")") - body.count("]") - body.count("}")


def _balanced(body: str) -> None:
    if _depth_change(body):
        raise Refused("unbalanced brackets on one line")
    _inline_commas(body)


def _top_level_commas(body: str) -> int:
    depth = 0
    count = 0
    for c in body:
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth -= 1
        elif c == "," and depth == 0:
            count += 1
    return count


def _inline_commas(body: str) -> None:
    """A trailing comma before a bracket closed on the same line is magic (Black explodes
    the brackets), except in a one-element tuple."""
    start = 0
    while True:
        j = body.find(",", start)
        if j < 0:
            return
        if body[j + 1 : j + 2] in (")", "]", "}") and not (body[j + 1] == ")" and _one_tuple(body, j)):
            raise Refused("a magic trailing comma on one line (Black explodes it)")
        start = j + 1


def _one_tuple(body: str, comma: int) -> bool:
    depth = 0
    for k in range(comma - 1, -1, -1):
        c = body[k]
        if c in CLOSE:
            depth += 1
        elif c in OPEN:
            if depth:
                depth -= 1
                continue
            return c == "(" and not follows_name(body[:k]) and not _top_level_commas(body[k + 1 : comma])
    return False
