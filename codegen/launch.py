"""The `subnet-apigen` entry point: hand the run to a resident server if one is up, else run here.

Starting Python and importing pydantic, Jinja, PyYAML and click costs more than regenerating
one edited synapse. `subnet-apigen serve` pays for that once; every later run finds its
socket, passes over its arguments, directory, environment, umask and stdin/stdout/stderr,
and a fork of the server runs the command exactly as this process would have (see
`codegen.server`). So this module imports nothing heavy: only what finding the socket needs.
With no server, or `SUBNET_APIGEN_SERVER=off` (or 0, no, false), the command runs in this process.
"""

from __future__ import annotations

import os
import sys
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import signal
    import socket

OFF_ENV = "SUBNET_APIGEN_SERVER"  # "off": never use a server (the test suite's self-checks, debugging)
OFF = ("off", "0", "no", "false")


def server_key() -> str:
    """What a server must share with this process to run its commands identically.

    The interpreter and its environment (not the name it was started by: `python` and
    `python3` are one interpreter), where the generator is, the import path (PYTHONPATH included; the first
    entry is the script's own folder and differs between `python -m` and the console script),
    what the interpreter settles at start-up (flags, -W and -X options, the hash seed, the
    encodings from the locale). A server started with any of them different has another socket.
    """
    env = os.environ.get
    parts = [
        sys.prefix, sys.version, os.path.dirname(os.path.abspath(__file__)), *sys.path[1:],
        repr(sys.flags), repr(sys.warnoptions), repr(sys._xoptions),
        *(env(name, "") for name in ("PYTHONHASHSEED", "PYTHONIOENCODING", "LC_ALL", "LC_CTYPE", "LANG")),
    ]
    return f"{zlib.crc32(chr(0).join(parts).encode('utf-8', 'surrogateescape')):08x}"


def socket_dir() -> str:
    """A folder only this user can use: $XDG_RUNTIME_DIR, or /tmp/subnet-apigen-UID (short paths:
    a Unix socket's path must fit in 107 bytes)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "subnet-apigen")
    return os.path.join("/tmp", f"subnet-apigen-{os.getuid()}")


def socket_path() -> str:
    return os.path.join(socket_dir(), f"{server_key()}.sock")


def program_name(argv0: str) -> str:
    """The name usage lines show, as Click would work it out."""
    return "python -m codegen" if os.path.basename(argv0) == "__main__.py" else os.path.basename(argv0)


def main() -> None:
    if os.environ.get(OFF_ENV, "").lower() not in OFF and (len(sys.argv) < 2 or sys.argv[1] != "serve"):
        code = _via_server()
        if code is not None:
            sys.exit(code)
    from codegen.cli import main as cli_main

    cli_main(prog_name=program_name(sys.argv[0]))


def _via_server() -> int | None:
    """The exit status of the command as run by the server, or None if no server took it on."""
    if not hasattr(os, "fork") or not hasattr(os, "getuid"):
        return None
    path = socket_path()
    try:
        st = os.stat(os.path.dirname(path))
    except OSError:
        return None
    if st.st_uid != os.getuid() or st.st_mode & 0o077 or not os.path.exists(path):
        return None  # no server, or a folder someone else could have put a socket in
    import marshal
    import signal
    import socket

    umask = os.umask(0o022)
    os.umask(umask)
    # Signals this process ignores (nohup, a script's background job): the worker ignores them too.
    relayed = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    ignored = [int(signum) for signum in relayed if signal.getsignal(signum) == signal.SIG_IGN]
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        request = marshal.dumps((sys.argv[1:], program_name(sys.argv[0]), os.getcwd(), dict(os.environ), sys.path, umask, ignored))
        conn.connect(path)
        socket.send_fds(conn, [len(request).to_bytes(4, "big") + request], [0, 1, 2])
        started = receive_exactly(conn, 5)
    except OSError:
        started = b""
    if started[:1] != b"P":
        conn.close()
        return None  # the server declined (it is out of date) or is gone: nothing ran
    return _wait(conn, int.from_bytes(started[1:], "big"), [signum for signum in relayed if signum not in ignored])


def _wait(conn: socket.socket, worker: int, signals: list[signal.Signals]) -> int:
    """Relay Ctrl-C and termination to the worker; its exit status when it ends.

    Each kind of signal is passed on once: a process on its own takes two Ctrl-C in quick
    succession as one, and a second one relayed later could cut the worker's `Aborted!` short."""
    import signal

    relayed: list[int] = []

    def relay(signum: int, frame: object) -> None:
        if signum in relayed:
            return
        relayed.append(signum)
        try:
            os.kill(worker, signum)
        except OSError:
            pass

    for signum in signals:
        signal.signal(signum, relay)
    try:
        ended = receive_exactly(conn, 5)
    except OSError:
        ended = b""
    finally:
        conn.close()
    if ended[:1] == b"X":
        return int.from_bytes(ended[1:], "big", signed=True)
    if relayed:  # the worker died of the signal we passed on: so do we, as a one-shot run would have
        signal.signal(relayed[-1], signal.SIG_DFL)
        os.kill(os.getpid(), relayed[-1])
    print("subnet-apigen: the server's worker ended without an exit status", file=sys.stderr)
    return 1


def receive_exactly(conn: socket.socket, size: int) -> bytes:
    """`size` bytes, or fewer if the other end closes first."""
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data
