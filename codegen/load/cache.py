"""The generator's caches, under ``$XDG_CACHE_HOME/subnet-apigen`` (``~/.cache`` when unset).

- ``UnitCache``: the formatted text of each top-level unit of one generated package,
  keyed by the sha256 of the unit as rendered, so that a re-run only lays out and
  formats the units that changed.
- ``template_cache``: compiled Jinja templates, kept like Python keeps ``.pyc`` files.

Caches are only ever shortcuts: anything unreadable, stale or corrupted is ignored,
any OS error leaves the run uncached, and deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

_MAGIC = b"subnet-apigen units 2\n"


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "subnet-apigen"


def black_version() -> str:
    """The installed Black's version, without importing Black (which takes a while)."""
    try:
        from _black_version import version  # type: ignore[import-untyped]  # written by Black's build

        return str(version)
    except ImportError:
        from importlib.metadata import version as dist_version

        return dist_version("black")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UnitCache:
    """Results (formatted units, rendered pieces, ...) of one package's last runs, by content.

    One file per package (named by `name`): a magic line, the `salt` it was made with (the
    producer's identity: a different Black or generator makes the file stale), then records,
    each a length, a CRC-32 and a marshalled dict of new entries. A run appends one record
    with what it produced that the file didn't have, so its cost follows what changed; when
    the entries no run needs any more outnumber the ones it does, the file is rewritten with
    exactly that run's. Reading stops at the first torn or corrupted record.
    """

    def __init__(self, name: str, salt: str, root: Path | None = None) -> None:
        self.path = (root or cache_home() / "units") / digest(name)[:32]
        self.header = _MAGIC + salt.encode("ascii") + b"\n"
        self.entries: dict[str, Any] = {}
        self.stored = 0  # entries in the file, counting ones later records replaced
        self.valid = False  # the file exists and was made with this salt
        self._keys: dict[str, str] = {}  # text -> its digest, computed once per run

    def load(self) -> UnitCache:
        try:
            data = self.path.read_bytes()
        except OSError:
            return self
        if not data.startswith(self.header):
            return self
        view = memoryview(data)
        pos = len(self.header)
        while pos + 8 <= len(data):
            size, crc = struct.unpack_from("<II", data, pos)
            record = view[pos + 8 : pos + 8 + size]
            if len(record) != size or zlib.crc32(record) != crc:
                return self  # torn or corrupted: keep what came before, rewrite on save
            try:
                entries = marshal.loads(record)
            except (EOFError, ValueError, TypeError):
                return self
            if not isinstance(entries, dict):
                return self
            self.entries.update(entries)
            self.stored += len(entries)
            pos += 8 + size
        self.valid = pos == len(data)
        return self

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = digest(text)
        return key

    def get(self, unit: str) -> Any:
        return self.entries.get(self._key(unit))

    def save(self, results: dict[str, Any]) -> None:
        """Keep `results` (unit -> result) for the next run: appended, or the file rewritten."""
        entries = {self._key(unit): value for unit, value in results.items()}
        new = {key: value for key, value in entries.items() if self.entries.get(key) != value}
        if not new:
            return  # nothing new since the last run
        rewrite = not self.valid or self.stored + len(new) > 2 * len(entries) + 64
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if rewrite:
                _replace(self.path, self.header + _record(entries))
            else:
                with open(self.path, "ab") as f:  # one write: appends don't interleave
                    f.write(_record(new))
        except OSError:
            pass  # read-only or full disk: the next run is just uncached


def _record(entries: dict[str, Any]) -> bytes:
    payload = marshal.dumps(entries)
    return struct.pack("<II", len(payload), zlib.crc32(payload)) + payload


def _replace(path: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def code_salt(*modules: str) -> str:
    """An identity for cached output: the Python and Black versions and the source of the
    generator modules that produce it (so an edited generator never reuses stale results).
    Modules are named by their path under codegen/, without ``.py`` (``format/layout``)."""
    h = hashlib.sha256(f"{sys.version_info[:2]} {marshal.version} black {black_version()}".encode())
    for module in modules:
        h.update((Path(ROOT) / f"{module}.py").read_bytes())
    return h.hexdigest()[:32]


def template_cache(templates: Path) -> "jinja2.BytecodeCache":
    """Compiled templates, kept like Python keeps .pyc files: in `templates`/__pycache__ when
    that is writable (and Python writes bytecode), else in the cache directory. They depend
    only on the generator's own templates (Jinja checks each against its source), never on
    a schema."""
    import jinja2

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: "jinja2.bccache.Bucket") -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass  # a cache that can't be written is only slower

    beside = [] if sys.dont_write_bytecode else [templates / "__pycache__"]
    for directory in (*beside, cache_home() / "templates"):
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(directory, os.W_OK):
            return QuietCache(str(directory))
    return QuietCache(str(cache_home() / "templates"))


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # codegen/


def generator_files() -> list[str]:
    """The generator's own code and templates, sorted: what its output depends on besides input."""
    found: list[str] = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.join(folder, name) for name in names if name.endswith((".py", ".jinja"))]
    return sorted(found)


@cache
def generator_digest() -> str:
    """The generator's own code and templates: any edit or upgrade makes old stamps stale."""
    h = hashlib.sha256()
    for path in generator_files():
        with open(path, "rb") as f:
            h.update(os.path.relpath(path, ROOT).replace(os.sep, "/").encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()
