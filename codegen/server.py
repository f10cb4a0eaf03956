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
import signal
import socket
import struct
import sys
import traceback
from pathlib import Path

MAX_REQUEST = 1 << 24


def serve(path: str, verbose: bool = False) -> int:
    """Serve until Ctrl-C or SIGTERM, or until the generator changes under us; an exit status."""
    out = sys.stderr
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
    snapshot = code_snapshot()
    identity = os.stat(path).st_ino
    signal.signal(signal.SIGTERM, _stop)
    print(f"subnet-apigen serve: running commands from {path} (pid {os.getpid()}); Ctrl-C stops", file=out, flush=True)
    try:
        while True:
            conn, _ = listener.accept()
            _reap()
            if not _same_user(conn):
                conn.close()
                continue
            if code_snapshot() != snapshot:
                conn.close()  # the caller runs the command itself
                print("subnet-apigen serve: the generator or its packages changed; stopping", file=out, flush=True)
                return 0
            worker = os.fork()
            if worker == 0:
                listener.close()
                _work(conn)  # never returns
            conn.close()
            if verbose:
                print(f"subnet-apigen serve: worker {worker} started", file=out, flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == identity:
                os.unlink(path)
        except OSError:
            pass


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
    root = Path(__file__).parent
    found: list[tuple[str, int, int]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".jinja")):
                st = os.stat(os.path.join(folder, name))
                found.append((os.path.join(folder, name), st.st_mtime_ns, st.st_size))
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


def _same_user(conn: socket.socket) -> bool:
    if not hasattr(socket, "SO_PEERCRED"):
        return True  # the socket's folder is the caller's alone
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return bool(struct.unpack("3i", creds)[1] == os.getuid())


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _work(conn: socket.socket) -> None:
    """In the fork: become the caller's process, run its command, report the exit status."""
    code = 1
    try:
        os.setpgid(0, 0)  # Ctrl-C in the server's terminal is not the caller's Ctrl-C
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        argv, prog, cwd, env, path, umask = _receive(conn)
        conn.sendall(b"P" + os.getpid().to_bytes(4, "big"))
        code = _run(argv, prog, cwd, env, path, umask)
    except ConnectionError:
        os._exit(1)  # a caller that went away, or a probe for a live server: nothing to report
    except BaseException:  # noqa: BLE001  (a worker must always report back)
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(b"X" + code.to_bytes(4, "big", signed=True))
        finally:
            os._exit(code & 0xFF)


def _receive(conn: socket.socket) -> tuple[list[str], str, str, dict[str, str], list[str], int]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    if len(fds) != 3 or len(data) < 4:
        for fd in fds:
            os.close(fd)
        raise ConnectionError("a request must carry stdin, stdout and stderr")
    size = int.from_bytes(data[:4], "big")
    if size > MAX_REQUEST:
        raise ConnectionError("request too large")
    body = data[4:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ConnectionError("request cut short")
        body += chunk
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    argv, prog, cwd, env, path, umask = marshal.loads(body)
    return list(argv), str(prog), str(cwd), dict(env), list(path), int(umask)


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
        if not hasattr(socket, "SO_PEERCRED"):
            return "this system can't tell which process holds the socket: stop the server with Ctrl-C"
        pid, uid, _ = struct.unpack("3i", probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    finally:
        probe.close()
    if uid != os.getuid():
        return f"the server on {path} is not yours"
    os.kill(pid, signal.SIGTERM)
    return None

