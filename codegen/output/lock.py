"""One run at a time per output directory.

A run holds an advisory lock (``flock``) on the output directory itself: shared while it only
reads the tree (the up-to-date check, ``--check``, ``--diff``), exclusive from planning through
writing to recording the stamp, so a plan made from one state of the tree is never applied to
another. The lock is on the directory, not on a file in it: nothing appears in the tree, in
``--check``'s report, in a manifest or in ``git status``, and a run that dies releases it.

While the output directory does not exist yet, its nearest existing ancestor is locked
instead; a writing run creates the directory under that lock (and removes it again, if it is
still empty when the run ends), then locks the directory itself. A run that finds the lock
taken waits up to ``SUBNET_APIGEN_LOCK_WAIT`` seconds (default 60), then gives up naming the
holder. Where ``flock`` is missing or refused (some network file systems), runs are not locked.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

WAIT_ENV = "SUBNET_APIGEN_LOCK_WAIT"
DEFAULT_WAIT = 60.0


class Busy(Exception):
    """Another process held the output directory's lock for longer than the wait."""

    def __init__(self, path: Path, holder: str, waited: float) -> None:
        self.path, self.holder, self.waited = path, holder, waited
        super().__init__(
            f"{path.as_posix()}: locked by another run ({holder}); waited {waited:g}s for it: "
            f"run again when it has finished (or set {WAIT_ENV} to wait longer)"
        )


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


@contextmanager
def locked(out: Path, *, write: bool) -> Iterator[None]:
    """Hold ``out``'s lock (exclusive if ``write``) for the body; raises Busy after the wait."""
    if fcntl is None:
        yield
        return
    deadline = time.monotonic() + wait_seconds()
    created: list[Path] = []  # directories made for ``out``, outermost first
    held: list[int] = []  # descriptors of locked directories: ``out``'s, or its ancestor's
    try:
        while True:
            here = out if out.is_dir() else _nearest_dir(out)
            fd = _hold(here, exclusive=write or here != out, deadline=deadline, name=out)
            if fd is None:
                break  # locking is refused here: go on unlocked
            held.append(fd)
            if here != out:
                if out.is_dir():
                    pass  # made meanwhile: lock it instead
                elif not write or not _make_dirs(out, created):
                    break  # reading a missing tree (or it can't be made): the ancestor's lock covers it
                continue  # made under the ancestor's lock: lock it before letting the ancestor go
            if _same_dir(fd, out):
                break
            _release(held)  # removed or replaced meanwhile: start again
        ancestors = held[:-1]  # once ``out`` is held, its ancestor's lock is not needed
        del held[:-1]
        _release(ancestors)
        yield
    finally:
        for directory in reversed(created):
            try:
                directory.rmdir()  # only when the run left it empty
            except OSError:
                break
        _release(held)


def _release(fds: list[int]) -> None:
    for fd in fds:
        os.close(fd)
    fds.clear()


def _hold(path: Path, *, exclusive: bool, deadline: float, name: Path) -> int | None:
    """Lock the directory ``path`` (for the output ``name``): its descriptor (closing it releases
    the lock), or None if locks are unavailable there."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None  # unreadable: can't be locked (the run itself reports what it can't do)
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    pause = 0.01
    try:
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return fd
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    return None
            now = time.monotonic()
            if now >= deadline:
                raise Busy(name, holder(fd), wait_seconds())
            time.sleep(min(pause, deadline - now))
            pause = min(pause * 2, 0.1)
    except BaseException:
        os.close(fd)
        raise


def _same_dir(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the directory locked through ``fd``."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _nearest_dir(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.is_dir():
            return parent
    return Path(path.absolute().anchor)


def _make_dirs(path: Path, created: list[Path]) -> bool:
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    try:
        for directory in reversed(missing):
            directory.mkdir()
            created.append(directory)
    except OSError:
        return False
    return True


def holder(fd: int) -> str:
    """Who holds the lock on ``fd``'s file: "pid N: COMMAND" where the system says (Linux's
    /proc/locks), else a general description."""
    st = os.fstat(fd)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[5] != key:
            continue  # a waiter, or another file
        pid = fields[4]
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except OSError:
            argv = []
        command = " ".join(argv)
        if len(command) > 200:
            command = command[:197] + "..."
        return f"pid {pid}: {command}" if command else f"pid {pid}"
    return "another process"
