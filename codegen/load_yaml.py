"""Stage 1: read a YAML file into plain data plus the position of every key and value.

PyYAML's composer gives nodes with marks; we build the data ourselves so that
duplicate keys are errors (PyYAML silently keeps the last) and every path into
the document maps back to ``LINE:COL`` for error messages.
"""

from __future__ import annotations

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


def load_yaml(path: Path, display: str) -> Document:
    """Read ``path``; raise InputError (naming ``display``) for unreadable or malformed YAML."""
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
            [Problem(display, line, col, "file is not UTF-8 text; save it as UTF-8")]
        ) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> Document:
    """Parse YAML text into a Document."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = exc.problem or exc.context or "invalid YAML"
        if "\t" in message or "'\\t'" in message or "tab" in message.lower():
            message += " (YAML indents with spaces, not tabs)"
        raise InputError([Problem(display, line, col, f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(display, 0, 0, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError([Problem(display, 1, 1, "the file is empty; a schema needs at least `subnet:` and `synapses:`")])
    doc = Document(display, None)
    errors = Collector(display)
    doc.data = _build(node, (), doc, errors, loader)
    errors.raise_if_any()
    if not isinstance(doc.data, dict):
        line, col = _mark(node)
        raise InputError([Problem(display, line, col, "the top level must be a mapping with `subnet:` and `synapses:` keys")])
    return doc


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: yaml.Node, path: Path_, doc: Document, errors: Collector, loader: yaml.SafeLoader) -> Any:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                errors.add(f"mapping keys must be names, not {key!r}", *_mark(key_node))
                continue
            key = str(key)
            if key in out:
                first = doc.keys[path + (key,)]
                errors.add(f"duplicate key {key!r} (first defined at line {first[0]})", *_mark(key_node))
                continue
            doc.keys[path + (key,)] = _mark(key_node)
            out[key] = _build(value_node, path + (key,), doc, errors, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, errors, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
