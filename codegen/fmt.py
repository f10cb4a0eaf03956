"""Stage 5: format rendered Python with Black (the output must be exactly Black's)."""

from __future__ import annotations

from codegen.errors import InputError, Problem
from codegen.render import RenderedFile


def black_mode() -> "black.Mode":  # type: ignore[name-defined]  # noqa: F821
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311})


def format_files(files: list[RenderedFile], source: str) -> list[RenderedFile]:
    """Black-format every .py file; a file Black rejects is a generator bug, reported clearly."""
    import black

    mode = black_mode()
    out = []
    for f in files:
        if not f.path.endswith(".py"):
            out.append(f)
            continue
        try:
            text = black.format_str(f.text, mode=mode)
        except black.InvalidInput as exc:
            raise InputError(
                [Problem(source, 0, 0, f"internal error: generated {f.path} is not valid Python ({exc}); please report this")]
            ) from None
        out.append(RenderedFile(f.path, text, f.user_owned))
    return out
