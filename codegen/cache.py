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
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

_MAGIC = b"subnet-apigen units 1\n"


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
    """Formatted units of one package from its last run.

    One file per package (named by `name`), rewritten after every run with exactly that
    run's units, so it never outgrows the package. The file starts with a magic line,
    the `salt` it was made with (the formatter's identity: a different Black or
    generator makes it stale) and a sha256 of the rest; a file that doesn't match all
    three is ignored.
    """

    def __init__(self, name: str, salt: str, root: Path | None = None) -> None:
        self.path = (root or cache_home() / "units") / digest(name)[:32]
        self.salt = salt
        self.entries: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # text -> its digest, computed once per run

    def load(self) -> UnitCache:
        try:
            data = self.path.read_bytes()
        except OSError:
            return self
        if not data.startswith(_MAGIC):
            return self
        header, _, payload = data[len(_MAGIC) :].partition(b"\n")
        salt, _, checksum = header.decode("ascii", "replace").rpartition(" ")
        if salt != self.salt or hashlib.sha256(payload).hexdigest() != checksum:
            return self
        try:
            entries = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return self
        if isinstance(entries, dict):
            self.entries = entries
        return self

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = digest(text)
        return key

    def get(self, unit: str) -> str | None:
        return self.entries.get(self._key(unit))

    def save(self, results: dict[str, str]) -> None:
        """Keep exactly `results` (unit -> formatted text) for the next run."""
        entries = {self._key(unit): text for unit, text in results.items()}
        if entries == self.entries:
            return  # nothing new since the last run
        payload = marshal.dumps(entries)
        data = _MAGIC + f"{self.salt} {hashlib.sha256(payload).hexdigest()}\n".encode("ascii") + payload
        import tempfile

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # read-only or full disk: the next run is just uncached


def code_salt(*modules: str) -> str:
    """An identity for cached output: the Python and Black versions and the source of the
    generator modules that produce it (so an edited generator never reuses stale results)."""
    h = hashlib.sha256(f"{sys.version_info[:2]} {marshal.version} black {black_version()}".encode())
    here = Path(__file__).parent
    for module in modules:
        h.update((here / f"{module}.py").read_bytes())
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
