"""Stage 4b: lay out statements too long for a line the way Black keeps them, whatever the lengths.

Templates write a statement on one line (or split it by hand), and a user's names and
descriptions decide how long it gets. Where Black would have to choose how to split a
long line, this stage chooses first, always the same way: the statement's last
bracket (a ``def``'s parameters, a long ``from ... import``'s names) holds one item
per line, with a trailing comma. Black keeps that layout at any length (the comma is
"magic"), so the formatter can recognise the result as already formatted instead of
running Black (``codegen.format.blackform``). A hand-split statement without that comma is
joined and laid out the same way; one with it gets one item per line.

Splits happen only inside the brackets of calls, definitions, lists, dicts and sets --
never a tuple's or a subscript's, where a trailing comma would change the meaning --
and anything else too long (a long string, a comprehension) is left as it is, for
Black to format as it would have anyway.
"""

from __future__ import annotations

import re

from codegen.format.blackform import LINE_LENGTH, follows_name, masked, split_tail

_OPEN = "([{"
_CLOSE = ")]}"
_OPEN_AT_END = re.compile(r"[(\[{] *(?:#[^\n]*)?\n")
_BRACKETS = re.compile(r"[()\[\]{}]")
_BRACKETS_AND_COMMAS = re.compile(r"[()\[\]{},]")
_FROM_IMPORT = re.compile(r"^( *from [\w.]+ import )([^()#]+)$")


def lay_out(text: str) -> str:
    """`text` (a Python module) with its long statements split one item per line."""
    lines = text.split("\n")
    if not _OPEN_AT_END.search(text) and all(_width(line) <= LINE_LENGTH for line in lines):
        return text  # nothing too long, nothing split: nothing to do
    masks = masked(text).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        depth = _depth(masks[i])
        if depth == 0:
            out += _split(lines[i], masks[i], statement=True)
            i += 1
            continue
        end = _statement_end(masks, i) if depth > 0 and masks[i].rstrip(" ")[-1:] in _OPEN else None
        if end is None:
            out.append(lines[i])
            i += 1
            continue
        out += _relayout(lines[i : end + 1], masks[i : end + 1])
        i = end + 1
    return "\n".join(out)


def _untouchable(mask: str) -> bool:
    """Comments, backslashes, or quotes the tokenizer couldn't pair: leave the line as it is."""
    return any(c in mask for c in "#\\\"'")


def _depth(mask: str) -> int:
    opened = mask.count("(") + mask.count("[") + mask.count("{")
    return opened - mask.count(")") - mask.count("]") - mask.count("}")


def _statement_end(masks: list[str], start: int) -> int | None:
    depth = 0
    for j in range(start, len(masks)):
        depth += _depth(masks[j])
        if depth <= 0:
            return j if depth == 0 else None
    return None


def _relayout(lines: list[str], masks: list[str], statement: bool = True) -> list[str]:
    """A statement (or an item) split over lines: one item per line if the split has a trailing
    comma (Black keeps it); else joined and laid out again."""
    if any(_untouchable(m) or '"""' in t or "'''" in t for t, m in zip(lines, masks)):
        return lines  # comments or multi-line strings inside: leave it to Black
    if any(m.strip(" ").strip("_") == "" for m in masks[1:-2]):
        return lines  # a string continued on the next line (implicit concatenation): Black's call
    if len(lines) > 2 and masks[-2].rstrip(" ").endswith(","):
        return _one_per_line(lines, masks)
    joined, joined_mask = lines[0].rstrip(" "), masks[0].rstrip(" ")
    for text, mask in zip(lines[1:], masks[1:]):
        text, mask = text.strip(" "), mask.strip(" ")
        glue = "" if joined_mask[-1:] in _OPEN or mask[:1] in _CLOSE else " "
        joined += glue + text
        joined_mask += glue + mask
    return _split(joined, joined_mask, statement=statement)


def _one_per_line(lines: list[str], masks: list[str]) -> list[str]:
    """A split with a trailing comma stays split; a line holding several items gets one each,
    and nested splits are laid out the same way."""
    out = [lines[0]]
    i = 1
    while i < len(lines) - 1:
        text, mask = lines[i], masks[i]
        if _depth(mask) > 0 and mask.rstrip(" ")[-1:] in _OPEN:
            end = _statement_end(masks, i)
            if end is None or end >= len(lines) - 1:
                return lines
            out += _relayout(lines[i : end + 1], masks[i : end + 1], statement=False)
            i = end + 1
            continue
        if _depth(mask) or not mask.rstrip(" ").endswith(","):
            return lines  # an item running over lines: leave it as it is
        indent = " " * (len(text) - len(text.lstrip(" ")))
        items = _items(text.strip(" "), mask.strip(" "))
        if not items:
            out.append(text)
        for item, item_mask in items:
            out += _split(f"{indent}{item},", f"{indent}{item_mask},")
        i += 1
    out.append(lines[-1])
    return out


def _split(line: str, mask: str, statement: bool = False) -> list[str]:
    """The line if it fits; else its last bracket exploded one item per line (items too long
    are split the same way in turn). A statement is split only where Black would split it."""
    if _width(line) <= LINE_LENGTH or _untouchable(mask):
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    found = _FROM_IMPORT.match(mask)
    if found:
        start = len(found.group(1))
        items = _items(line[start:], mask[start:])
        if len(items) < 2:
            return [line]
        pad = " " * (indent + 4)
        return [line[:start] + "("] + [f"{pad}{item}," for item, _ in items] + [" " * indent + ")"]
    bracket = _bracket_to_split(mask)
    if bracket is None:
        return [line]
    start, end = bracket
    if statement:
        tail = split_tail(mask[indent:start])
        if tail is None or not tail.match(mask[end + 1 :]):
            return [line]
    items = _items(line[start + 1 : end], mask[start + 1 : end])
    if not items:
        return [line]
    pad = " " * (indent + 4)
    out = [line[: start + 1]]
    for item, item_mask in items:
        out += _split(f"{pad}{item},", f"{pad}{item_mask},")
    out.append(" " * indent + line[end:])
    return out


def _bracket_to_split(mask: str) -> tuple[int, int] | None:
    """(open, close) of the bracket to explode: a def's parameters, else the last top-level
    bracket if it is a call's, a list's, a dict's or a set's."""
    groups: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _BRACKETS.finditer(mask):
        i, c = m.start(), m.group()
        if c in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                groups.append((start, i))
    if depth or not groups:
        return None
    is_def = mask.lstrip(" ").startswith(("def ", "async def "))
    open_, close = groups[0] if is_def else groups[-1]
    after_name = follows_name(mask[:open_])
    if (mask[open_] == "(" and after_name) or (mask[open_] in "[{" and not after_name):
        return open_, close
    return None


def _items(text: str, mask: str) -> list[tuple[str, str]]:
    """(text, mask) of each comma-separated item; [] when the items can't take a trailing comma."""
    items: list[tuple[str, str]] = []
    depth = 0
    last = 0
    for m in _BRACKETS_AND_COMMAS.finditer(mask + ","):
        i, c = m.start(), m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c == "," and depth == 0:
            piece, piece_mask = text[last:i], mask[last:i]
            lead = len(piece) - len(piece.lstrip(" "))
            items.append((piece.strip(" "), piece_mask[lead : lead + len(piece.strip(" "))]))
            last = i + 1
    if items and not items[-1][0]:
        items.pop()  # the trailing comma that was already there
    if not items or any(not item for item, _ in items):
        return []
    for item, item_mask in items:
        top = _top_level(item_mask)
        if re.search(r"\blambda\b[^:]*$", top) or re.search(r"\b(for|async)\b", top) or item in ("*", "/"):
            return []  # a lambda's parameters, a bare generator, a lone star
    return items


def _top_level(mask: str) -> str:
    """`mask` without what is inside brackets."""
    out = []
    depth = 0
    last = 0
    for m in _BRACKETS.finditer(mask):
        if m.group() in _OPEN:
            if depth == 0:
                out.append(mask[last : m.start()])
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                last = m.end()
    if depth == 0:
        out.append(mask[last:])
    return "".join(out)


def _width(line: str) -> int:
    """Columns the line takes, counting wide (East Asian) characters twice, as Black does."""
    if line.isascii():
        return len(line)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
