"""Stage 1: read a YAML file into plain data plus the position of every key and value.

PyYAML's composer gives nodes with marks; we build the data ourselves so that
duplicate keys are errors (PyYAML silently keeps the last) and every path into
the document maps back to ``LINE:COL`` for error messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codegen.errors import Collector, InputError, Problem

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """A loaded YAML file: its data and where each path starts (1-based line, col)."""

    file: str
    data: Any
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_, *, value: bool = False) -> tuple[int, int]:
        """Where ``path``'s key (or value) starts, else its nearest located ancestor."""
        marks = self.values if value else self.keys
        while path:
            if path in marks:
                return marks[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (0, 0))


def load_yaml(path: Path, display: str, reuse: Reuse | None = None) -> Document:
    """Read ``path``; raise InputError (naming ``display``) for unreadable or malformed YAML.

    ``reuse`` is shown where each synapse's entry is in the text and names the synapses the
    caller already has a spec for: those are read as ``{}`` (an empty synapse, on the same
    lines; the names stay, so checks across names still run).
    """
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError([Problem(display, 0, 0, "is a directory, not a schema file")]) from None
    except FileNotFoundError:
        raise InputError([Problem(display, 0, 0, "no such file")]) from None
    except OSError as exc:
        raise InputError([Problem(display, 0, 0, f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [Problem(display, line, col, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]
        ) from None
    return parse_yaml(text, display, reuse)


def parse_yaml(text: str, display: str, reuse: Reuse | None = None) -> Document:
    """Parse YAML text into a Document; every malformation is an InputError with a position."""
    doc = Document(display, None)
    errors = Collector(display)
    loader: Any = None
    try:
        texts = synapse_texts(text) if reuse is not None else None
        skip = list(reuse(texts)) if reuse is not None and texts is not None else []
        loader, node = _compose(texts.with_stubs(skip) if texts is not None and skip else text)
        if node is None:
            raise InputError([Problem(display, 1, 1, "the file is empty; a schema needs at least `subnet:` and `synapses:`")])
        doc.data = _Builder(doc, errors, loader).build(node, (), ())
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        message = f"control character {char} is not allowed in YAML; remove it, or write it as an escape in a double-quoted string"
        raise InputError([Problem(display, line, col, message)]) from None
    except _TooBig as exc:
        raise InputError([Problem(display, *exc.args)]) from None
    except RecursionError:
        raise InputError([Problem(display, 0, 0, "YAML nested too deeply to read")]) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError([_yaml_problem(exc, display)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(display, 0, 0, f"YAML error: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    errors.raise_if_any()
    if not isinstance(doc.data, dict):
        line, col = _mark(node)
        raise InputError([Problem(display, line, col, f"the top level must be a mapping with `subnet:` and `synapses:` keys, not {_kind(doc.data)}")])
    return doc


@dataclass(frozen=True)
class Entry:
    """One synapse's entry as written: its key to the end of its value."""

    column: int
    key: str  # the key as written (quoted or not)
    text: str

    def stub(self) -> str:
        """The entry read as ``{}``, on as many lines, so everything after it keeps its position."""
        last = self.text[self.text.rfind("\n") + 1 :]
        return f"{self.key}: {{}}" + "\n" * self.text.count("\n") + ("" if last.strip() else last)


@dataclass(frozen=True)
class SynapseTexts:
    """A document as its synapses' entries and the text around them (``pieces[i]`` comes
    before entry ``i``; the last piece after them all)."""

    entries: dict[str, Entry]
    pieces: list[str]

    @property
    def rest(self) -> str:
        """Everything outside the entries, NUL-separated (YAML text can't contain NUL)."""
        return "\0".join(self.pieces)

    def with_stubs(self, names: Iterable[str]) -> str:
        """The document with these synapses' entries read as ``{}``."""
        stubbed = set(names)
        parts = [self.pieces[0]]
        for (name, entry), piece in zip(self.entries.items(), self.pieces[1:]):
            parts += [entry.stub() if name in stubbed else entry.text, piece]
        return "".join(parts)


Reuse = Callable[[SynapseTexts], Iterable[str]]
_BETWEEN = re.compile(r"[ \t]*:(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*")  # key to value: the colon, blanks, comments


def synapse_texts(text: str) -> SynapseTexts | None:
    """Where each synapse's entry is, from libyaml's events (a fraction of composing the
    document). None when an entry's meaning could depend on text outside it (YAML anchors
    and aliases), when libyaml is missing or refuses the text, or the shape is unusual:
    the caller then reads the whole document."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return None
    parser = fast(text)
    try:
        found = _synapse_spans(parser)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    if found is None:
        return None
    entries: dict[str, Entry] = {}
    pieces: list[str] = []
    end = 0
    for name, (key_start, key_end, value_start, value_end) in found.items():
        before = text[text.rfind("\n", 0, key_start) + 1 : key_start].rstrip(" \t")
        if (before and before[-1] not in "{,") or not _BETWEEN.fullmatch(text, key_end, value_start):
            return None  # an explicit `? key`, a tag or anchor between: not an entry we can stand in for
        pieces.append(text[end:key_start])
        entries[name] = Entry(key_start - text.rfind("\n", 0, key_start) - 1, text[key_start:key_end], text[key_start:value_end])
        end = value_end
    pieces.append(text[end:])
    return SynapseTexts(entries, pieces)


def _synapse_spans(parser: Any) -> dict[str, tuple[int, int, int, int]] | None:
    """name -> (key start, key end, value start, value end) in the root's `synapses` mapping.

    Only the first two levels matter; deeper events are only counted in and out (this loop
    sees every event of the document, so it does as little as it can per event)."""
    stack: list[list[Any]] = []  # per open collection: [is a mapping, nodes in it so far, is `synapses`]
    spans: dict[str, tuple[int, int, int, int]] = {}
    documents = found = 0
    root_key: str | None = None  # the root key whose value comes next
    key: Any = None  # the synapse whose value comes next
    value_start = -1
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    get_event = parser.get_event
    while parser.check_event():
        event: Any = get_event()
        kind = event.__class__
        if kind is scalar_event or kind is mapping_start or kind is sequence_start:
            if event.anchor is not None:
                return None
            depth = len(stack)
            if depth > 2:  # deep inside a synapse: nothing to record
                if kind is not scalar_event:
                    stack.append(_DEEP)
                continue
            scalar = kind is scalar_event
            parent = stack[-1] if stack else None
            if parent is not None and parent[2]:
                if parent[1] % 2 == 0:  # a synapse's name
                    if not scalar or event.value in spans:
                        return None
                    key = event
                else:
                    value_start = _index(event.start_mark)
            is_synapses = False
            if depth == 1 and parent is not None and parent[0]:
                if parent[1] % 2 == 0:
                    root_key = event.value if scalar else None
                elif root_key == "synapses":
                    found += 1
                    is_synapses = kind is mapping_start
                    if not is_synapses:
                        return None
            if not scalar:
                stack.append([kind is mapping_start, 0, is_synapses])
                continue
            end = _index(event.end_mark)
        elif kind in ends:
            stack.pop()
            if len(stack) > 2:
                continue
            end = _index(event.end_mark)
        elif kind is yaml.AliasEvent:
            return None
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                return None
            continue
        else:
            continue
        if stack:  # a node at depth <= 2 ended: count it in its parent
            parent = stack[-1]
            if parent[2] and parent[1] % 2 == 1:
                spans[key.value] = (_index(key.start_mark), _index(key.end_mark), value_start, end)
            parent[1] += 1
    return spans if found == 1 else None


_DEEP: list[Any] = [False, 0, False]  # stands for every collection below the second level (never read)


def _index(mark: Any) -> int:
    return int(mark.index) if mark is not None else -1


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    """The document's node tree, and the loader that holds it (to construct scalars with).

    libyaml composes several times faster than the pure-Python parser; where it finds a
    problem, the pure-Python parser reads the text again, so that errors keep its wording
    and positions (and anything libyaml alone refuses is still read).
    """
    yaml.reader.Reader(text)  # control characters: the pure reader's check and message
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        loader = fast(text)
        try:
            return loader, loader.get_single_node()
        except yaml.YAMLError:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    return loader, loader.get_single_node()


def _yaml_problem(exc: yaml.MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError):
        return Problem(display, line, col, f"unsupported YAML value: {problem}; use plain text, numbers, lists and mappings (and !!binary for bytes)")
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.problem:
        where = exc.context_mark
        started = f" started at line {where.line + 1}" if where and where.line + 1 != line else ""
        message = f"YAML syntax error: {exc.problem} ({exc.context}{started})"
    if "\t" in problem or "'\\t'" in problem:
        message += "; YAML indents with spaces, not tabs"
    elif hint := _flow_type_hint(exc):
        message += hint
    return Problem(display, line, col, message)


_BRACKETED_TYPE = re.compile(r"([A-Za-z_][\w.]*)\s*$")


def _flow_type_hint(exc: yaml.MarkedYAMLError) -> str:
    """A type spelled with brackets (`literal['a','b']`, `list[str]`) inside `{...}` or `[...]`:
    YAML reads its `[`, `,` and `]` as the flow collection's own. Quoting the type fixes it."""
    mark = exc.problem_mark
    if not (exc.context or "").startswith("while parsing a flow") or mark is None or not isinstance(mark.buffer, str):
        return ""
    start = mark.buffer.rfind("\n", 0, mark.pointer) + 1
    before = mark.buffer[start:mark.pointer]
    word = _BRACKETED_TYPE.search(before.rstrip("[ "))
    if "[" not in mark.buffer[start:mark.pointer + 1] or word is None:
        return ""
    line = mark.buffer[start:].split("\n", 1)[0]
    spelled, depth = line[word.start():], 0
    for i, char in enumerate(spelled):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "]" and depth == 0:
            spelled = spelled[: i + 1]
            break
    return f"; inside {{...}} or [...] a type with brackets must be quoted: {json.dumps(spelled)}"


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"a single value ({value!r})"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_VALUES = 100_000
"""A schema is small; more values than this means an alias bomb, not a subnet."""


_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _TooBig(Exception):
    """(line, col, message) of a document that expands beyond reason."""


class _Builder:
    """Builds plain data from YAML nodes, recording positions; rejects duplicate keys and alias loops."""

    def __init__(self, doc: Document, errors: Collector, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self.doc, self.errors, self.loader = doc, errors, loader
        self.count = 0

    def build(self, node: yaml.Node, path: Path_, parents: tuple[yaml.Node, ...]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig(*_mark(node), f"the document expands to more than {MAX_VALUES} values (nested YAML aliases?); write the schema out plainly")
        if any(node is p for p in parents):
            self.errors.add("a YAML alias refers to a value that contains it; a schema can't be recursive", *_mark(node))
            return None
        self.doc.values[path] = _mark(node)
        inner = parents + (node,)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
            self.errors.add(f"unsupported YAML tag {node.tag!r}; use plain lists and mappings", *_mark(node))
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node)
                if key is None:
                    continue
                if key in out:
                    first = self.doc.keys[path + (key,)]
                    self.errors.add(f"duplicate key {key!r} (first defined at line {first[0]}); each key may appear once", *_mark(key_node))
                    continue
                self.doc.keys[path + (key,)] = _mark(key_node)
                out[key] = self.build(value_node, path + (key,), inner)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), inner) for i, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, str) and _SURROGATE.search(value):
            char = _SURROGATE.search(value).group()  # type: ignore[union-attr]
            self.errors.add(f"text contains U+{ord(char):04X}, half of a surrogate pair, which can't be written as UTF-8; write the whole character", *_mark(node))
        return value

    def key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.errors.add("mapping keys must be names, not lists or mappings", *_mark(node))
            return None
        key = self.loader.construct_object(node)
        if not isinstance(key, (str, int)) or isinstance(key, bool) or (isinstance(key, str) and _SURROGATE.search(key)):
            self.errors.add(f"mapping keys must be names, not {key!r}; quote it if it is a name", *_mark(node))
            return None
        return str(key)
