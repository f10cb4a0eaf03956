"""Know that a run would change nothing, without doing it.

When a run finds its output already up to date (nothing to write or remove), it keeps
a stamp in the cache directory (``$XDG_CACHE_HOME/subnet-apigen/stamps``), one per
set of schemas, options and output directory: a digest of everything the output
depends on -- each schema file's bytes and name, the options, the generator's own
code and templates, Black's version -- the digest of every file in the packages it
made (generated files and yours) and of every manifest in the output directory, and
what it reported. The next identical run recomputes that digest and re-reads those files;
if all match, it can only reach the same result, so it reports it without loading,
rendering or formatting anything. A changed schema, option, generator or Black, a
hand-edited, added or deleted file, or a missing stamp: the full run decides.

Only YAML schemas get stamps: a Python schema's output depends on whatever it imports.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.errors import display_path
from codegen.load.cache import black_version, cache_home, generator_digest

if TYPE_CHECKING:
    from codegen.output.writer import Plan

MANIFEST_GLOB = "*/.subnet-apigen.json"


@dataclass
class Fresh:
    """What the full run reported when it last found this output up to date."""

    packages: list[str]
    unchanged: int
    warnings: list[str]


def fresh(schemas: list[str], out: Path, options: dict[str, Any]) -> Fresh | None:
    """The last report if nothing this run depends on has changed since, else None."""
    stamp = _read(_stamp_path(schemas, out, options))
    if stamp is None or stamp.get("inputs") != input_digest(schemas, options):
        return None
    files = stamp.get("files")
    packages = stamp.get("packages")
    if not isinstance(files, dict) or not isinstance(packages, list):
        return None
    if sorted(files) != _listing(out, [str(p) for p in packages]):
        return None  # a file was added or removed
    for rel, digest in files.items():
        if file_digest(out / rel) != digest:
            return None
    try:
        return Fresh([str(p) for p in stamp["packages"]], int(stamp["unchanged"]), [str(w) for w in stamp["warnings"]])
    except (KeyError, TypeError, ValueError):
        return None


def record(schemas: list[str], out: Path, options: dict[str, Any], packages: list[str], plan: Plan, warnings: list[str]) -> None:
    """Remember an up-to-date run: what it depended on and what it reported."""
    if plan.changed:
        return
    inputs = input_digest(schemas, options)
    if inputs is None:
        return
    stamp = {
        "inputs": inputs,
        "files": {rel: file_digest(out / rel) for rel in _listing(out, packages)},
        "packages": packages,
        "unchanged": len(plan.unchanged),
        "warnings": warnings,
    }
    path = _stamp_path(schemas, out, options)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(stamp), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # no stamp: the next run just does the work


def input_digest(schemas: list[str], options: dict[str, Any]) -> str | None:
    """A digest of everything the output depends on; None unless every schema is a YAML file."""

    h = hashlib.sha256()
    for part in (generator_digest(), black_version(), json.dumps(options, sort_keys=True)):
        h.update(part.encode("utf-8") + b"\0")
    for schema in schemas:
        if not schema.endswith((".yaml", ".yml")):
            return None
        try:
            data = Path(schema).read_bytes()
        except OSError:
            return None
        h.update(display_path(schema).encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(out: Path, packages: list[str]) -> list[str]:
    """Every file of `packages` under `out` (bytecode caches aside) and every manifest there."""
    if not out.is_dir():
        return []
    found = {p.relative_to(out).as_posix() for p in out.glob(MANIFEST_GLOB)}
    for package in packages:
        for root, dirs, names in os.walk(out / package):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            found.update((Path(root) / name).relative_to(out).as_posix() for name in names)
    return sorted(found)


def _stamp_path(schemas: list[str], out: Path, options: dict[str, Any]) -> Path:
    key = json.dumps([[str(Path(s).resolve()) for s in schemas], str(out.resolve()), options], sort_keys=True)
    return cache_home() / "stamps" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
