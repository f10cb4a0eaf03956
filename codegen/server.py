"""`subnet-apigen serve`: keep the generator imported, and run each command in a fork of it.

A one-field edit costs a one-shot run more in start-up (the interpreter, pydantic, Jinja and
its templates, PyYAML, click, Black) than in work. The server does all of that once. Each
`subnet-apigen` run that finds the socket (`codegen.launch`) sends its arguments, working
directory, environment, umask and import path with its stdin/stdout/stderr; the server forks,
and the fork runs the command's usual code with the caller's files as its own, so output,
colours, exit status and Ctrl-C behave as in a one-shot run. Nothing carries over from one
run to the next: every fork starts from the server as it was when it started.

The server serves only the interpreter, install and import path it was started with (the
socket's name says which), and steps down as soon as the generator's code, its templates or
the installed packages change: that run, and every later one, runs on its own again.
"""

from __future__ import annotations

import gc
import marshal
import os
import select
import shlex
import signal
import socket
import struct
import sys
import threading
import traceback

from codegen.launch import receive_exactly
from codegen.stamp import generator_files

MAX_REQUEST = 1 << 24
NO_REQUEST = 3  # a worker's exit status when no command came (`serve --stop` and `serve` check for a live server so)


STOP = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def serve(path: str, verbose: bool = False) -> int:
    """Serve until Ctrl-C, SIGTERM or SIGHUP, or until the generator changes; an exit status."""
    warm()
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    st = os.stat(folder)
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        print(f"subnet-apigen serve: {folder} must belong to you alone (mode 700)", file=sys.stderr)
        return 2
    listener = _listen(path)
    if listener is None:
        print(f"subnet-apigen serve: a server is already running on {path}", file=sys.stderr)
        return 2
    listener.setblocking(False)
    snapshot = code_snapshot()
    identity = os.stat(path).st_ino
    # Signals only wake the loop below (through the wakeup pipe): a handler that raised could
    # land anywhere, in the middle of a fork's own hooks included.
    wake, waker = os.pipe()
    os.set_blocking(wake, False)
    os.set_blocking(waker, False)
    signal.set_wakeup_fd(waker)
    for signum in (*STOP, signal.SIGCHLD):
        signal.signal(signum, _ignore)
    log(f"running commands from {path} (pid {os.getpid()}); Ctrl-C stops")
    try:
        while True:
            ready, _, _ = select.select([listener.fileno(), wake], [], [])
            if wake in ready:
                received = os.read(wake, 512)
                _reap(verbose)
                if any(signum in received for signum in STOP):
                    return 0
            if listener.fileno() not in ready:
                continue
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                continue  # the caller gave up before we got to it
            conn.setblocking(True)
            if not _same_user(conn):
                conn.close()
                continue
            if code_snapshot() != snapshot:
                conn.close()  # the caller runs the command itself
                log("the generator or its packages changed; stopping")
                return 0
            if os.fork() == 0:
                for fd in (listener.fileno(), wake, waker):
                    os.close(fd)
                _work(conn, verbose)  # never returns
            conn.close()
    finally:
        signal.set_wakeup_fd(-1)
        listener.close()
        try:
            if os.stat(path).st_ino == identity:
                os.unlink(path)
        except OSError:
            pass


def log(line: str) -> None:
    print(f"subnet-apigen serve: {line}", file=sys.stderr, flush=True)


def warm() -> None:
    """Import everything a command needs and compile every template, once, before forking."""
    import black  # noqa: F401

    from codegen import baseline, breaking, cli, config, fmt, gap, incremental, pipeline, render, stamp, writer  # noqa: F401

    env = render.environment()
    for name in env.list_templates(extensions=["jinja"]):
        env.get_template(name)
    stamp.generator_digest()
    gc.collect()
    gc.freeze()  # forks share these pages; collecting them in a fork would copy them all


def code_snapshot() -> list[tuple[str, int, int]]:
    """What would make a fork differ from a fresh process: the generator's files (code and
    templates) and the folders packages are imported from (an install or upgrade changes them;
    the first, the script's folder or the working directory, does not hold them)."""
    found: list[tuple[str, int, int]] = []
    for name in generator_files():
        st = os.stat(name)
        found.append((name, st.st_mtime_ns, st.st_size))
    for entry in sys.path[1:]:  # the first is the script's folder or the working directory
        try:
            found.append((entry, os.stat(entry or ".").st_mtime_ns, 0))
        except OSError:
            pass
    return found


def _listen(path: str) -> socket.socket | None:
    """A socket bound at `path`; None if a live server holds it (a dead one's is replaced)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    else:
        return None
    finally:
        probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(64)
    return listener


def _peer(sock: socket.socket) -> tuple[int, int] | None:
    """The (pid, uid) of the process at the other end; None where the system can't tell."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    pid, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid, uid


def _same_user(conn: socket.socket) -> bool:
    peer = _peer(conn)
    return peer is None or peer[1] == os.getuid()  # None: the socket's folder is the caller's alone


def _reap(verbose: bool) -> None:
    while True:
        try:
            worker, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not worker:
            return
        code = os.waitstatus_to_exitcode(status)
        if verbose and code != NO_REQUEST:
            log(f"worker {worker} exited with status {code}" if code >= 0 else f"worker {worker} killed by signal {-code}")


def _ignore(signum: int, frame: object) -> None:
    """A signal's only effect is the byte the wakeup pipe gets."""


def _work(conn: socket.socket, verbose: bool) -> None:
    """In the fork: become the caller's process, run its command, report the exit status."""
    code = 1
    finished = threading.Event()
    try:
        signal.set_wakeup_fd(-1)
        os.setpgid(0, 0)  # Ctrl-C in the server's terminal is not the caller's Ctrl-C
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        request, fds = _receive(conn)
        argv, prog, cwd, env, path, umask, ignored = request
        for number in ignored:
            signal.signal(number, signal.SIG_IGN)
        if verbose:
            log(f"worker {os.getpid()}: {prog} {shlex.join(argv)}  (in {cwd})")
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        conn.sendall(b"P" + os.getpid().to_bytes(4, "big"))
        threading.Thread(target=_end_with_caller, args=(conn, finished), daemon=True).start()
        code = _run(argv, prog, cwd, env, path, umask)
    except ConnectionError:
        os._exit(NO_REQUEST)  # a caller that went away, or a probe for a live server
    except BaseException:  # noqa: BLE001  (a worker must always report back)
        traceback.print_exc()
    finally:
        finished.set()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(b"X" + code.to_bytes(4, "big", signed=True))
        finally:
            os._exit(code & 0xFF)


def _end_with_caller(conn: socket.socket, finished: threading.Event) -> None:
    """The caller never sends more; the connection ends when it exits. If it ends before the
    command did, the caller was killed outright (SIGKILL): die the same way, as it would have."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    if not finished.is_set():
        os.kill(os.getpid(), signal.SIGKILL)


Request = tuple[list[str], str, str, dict[str, str], list[str], int, list[int]]


def _receive(conn: socket.socket) -> tuple[Request, list[int]]:
    """The request (argv, program name, cwd, environment, import path, umask, ignored signals)
    and the caller's stdio."""
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    if len(fds) != 3 or len(data) < 4:
        for fd in fds:
            os.close(fd)
        raise ConnectionError("a request must carry stdin, stdout and stderr")
    size = int.from_bytes(data[:4], "big")
    if size > MAX_REQUEST:
        raise ConnectionError("request too large")
    body = data[4:]
    body += receive_exactly(conn, size - len(body))
    if len(body) < size:
        raise ConnectionError("request cut short")
    argv, prog, cwd, env, path, umask, ignored = marshal.loads(body)
    return (list(argv), str(prog), str(cwd), dict(env), list(path), int(umask), [int(i) for i in ignored]), list(fds)


def _run(argv: list[str], prog: str, cwd: str, env: dict[str, str], path: list[str], umask: int) -> int:
    """The command, as `codegen.launch.main` would run it in the caller's own process."""
    os.chdir(cwd)
    os.umask(umask)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:] = path
    sys.argv = [prog, *argv]
    encoding, errors = sys.stdout.encoding, sys.stdout.errors
    sys.stdin = open(0, encoding=encoding, closefd=False)
    sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, encoding=encoding, errors=errors, closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding=encoding, errors="backslashreplace", closefd=False)
    from codegen.cli import main

    try:
        main.main(args=argv, prog_name=prog)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def stop(path: str) -> str | None:
    """Stop the server on `path` (SIGTERM to the process holding the socket); why not, if not."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        return f"no server is running on {path}"
    try:
        peer = _peer(probe)
    finally:
        probe.close()
    if peer is None:
        return "this system can't tell which process holds the socket: stop the server with Ctrl-C"
    pid, uid = peer
    if uid != os.getuid():
        return f"the server on {path} is not yours"
    os.kill(pid, signal.SIGTERM)
    return None

