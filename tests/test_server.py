"""`subnet-apigen serve`: a served run is the one-shot run (output, messages, exit status, file
modes), only without the start-up; a server steps down when the generator changes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, SCHEMAS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the server needs fork() and Unix sockets")


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def served(self) -> int:
        return len(re.findall(r"worker \d+: ", self.log.read_text()))

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (found := re.search(pattern, self.log.read_text())) is None:
            assert time.monotonic() < deadline, f"no {pattern!r} in the server's log:\n{self.log.read_text()}"
            time.sleep(0.02)
        return found

    def socket(self) -> Path:
        return next(Path(self.env["XDG_RUNTIME_DIR"], "subnet-apigen").glob("*.sock"))


def start_server(where: Path, **extra: str) -> Server:
    """A server in the background, with a runtime folder of its own (short: socket paths are)."""
    runtime = tempfile.mkdtemp(prefix="sag-", dir="/tmp")
    env = {k: v for k, v in os.environ.items() if k != "SUBNET_APIGEN_SERVER"}
    env.update(XDG_RUNTIME_DIR=runtime, **extra)
    log = where / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "codegen", "serve", "--verbose"], cwd=where, env=env, stderr=sink)
    deadline = time.monotonic() + 120
    while "running commands" not in log.read_text():
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    return Server(proc, log, env)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        server.proc.wait(30)
    shutil.rmtree(server.env["XDG_RUNTIME_DIR"], ignore_errors=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_server(tmp_path)
    yield started
    stop_server(started)


def run(argv: list[str], cwd: Path, env: dict[str, str], *, served: bool) -> subprocess.CompletedProcess[str]:
    env = dict(env, XDG_CACHE_HOME=str(cwd / "cache"))
    if not served:
        env["SUBNET_APIGEN_SERVER"] = "off"
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0o027))


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_served_run_is_the_one_shot_run(server: Server, tmp_path: Path) -> None:
    """The same commands, one side served and one side not, in identical folders: every exit
    status, stdout, stderr and generated file (with its mode) is the same."""
    script = Path(sys.executable).with_name("subnet-apigen")
    module = [sys.executable, "-m", "codegen"]
    sides = {}
    for served in (False, True):
        work = tmp_path / ("served" if served else "one-shot")
        (work / "schemas").mkdir(parents=True)
        shutil.copy(SCHEMAS / "dummy.yaml", work / "schemas/dummy.yaml")
        shutil.copy(SCHEMAS / "storage.yaml", work / "schemas/storage.yaml")
        (work / "bad.yaml").write_text("subnet: bad\nsynapses:\n  Bad:\n    request: {x: nosuchtype}\n")
        results = []
        for argv in (
            [*module, "schemas/dummy.yaml", "schemas/storage.yaml", "--out", "gen"],
            [*module, "schemas/dummy.yaml", "schemas/storage.yaml", "--out", "gen"],  # unchanged: the stamp's path
            "edit",
            [*module, "schemas/dummy.yaml", "--out", "gen", "--check"],
            [*module, "schemas/dummy.yaml", "--out", "gen", "--diff"],
            [*module, "schemas/dummy.yaml", "--out", "gen"],
            [*module, "bad.yaml", "--out", "gen"],
            [*module, "breaking", str(SCHEMAS / "dummy.yaml"), "schemas/dummy.yaml"],
            [*module, "schemas/dummy.yaml", "--no-such-option"],
            [*module, "--version"],
            [*module, "serve", "--help"],
            [str(script), "nosuchfile.yaml"] if script.exists() else [*module, "nosuchfile.yaml"],
        ):
            if argv == "edit":
                path = work / "schemas/dummy.yaml"
                path.write_text(path.read_text().replace("description: ", "description: Edited. ", 1))
                continue
            done = run(list(argv), work, server.env, served=served)
            results.append((argv[1:], done.returncode, done.stdout, done.stderr.replace(str(work), "WORK")))
        sides[served] = (results, tree(work / "gen"))
    assert [r[1] for r in sides[False][0]] == [0, 0, 1, 1, 0, 2, 0, 2, 0, 0, 2]
    assert sides[True][0] == sides[False][0]
    assert sides[True][1] == sides[False][1]
    assert server.served() == 10  # each of them really ran in the server (`serve ...` never does)


def test_off_runs_here(server: Server, tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "codegen", "--version"], tmp_path, server.env, served=False)
    assert done.returncode == 0 and server.served() == 0


def big_run(server: Server, tmp_path: Path) -> subprocess.Popen[str]:
    """A served run of a schema big enough to take seconds; returns once its worker has begun."""
    lines = ["subnet: big", "synapses:"]
    for i in range(300):
        lines += [f"  Task{i}:", "    request: {a: int, b: str, c: 'list[float]'}", "    response: {d: int}"]
    (tmp_path / "big.yaml").write_text("\n".join(lines) + "\n")
    env = dict(server.env, XDG_CACHE_HOME=str(tmp_path / "cache"))
    client = subprocess.Popen([sys.executable, "-m", "codegen", "big.yaml", "--out", "gen"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    server.wait_for(r"worker \d+: ")
    time.sleep(0.3)
    assert client.poll() is None
    return client


def test_ctrl_c_reaches_the_served_run(server: Server, tmp_path: Path) -> None:
    """Ctrl-C stops the run the server is doing for us: `Aborted!`, exit 1, nothing written."""
    client = big_run(server, tmp_path)
    client.send_signal(signal.SIGINT)
    client.send_signal(signal.SIGINT)  # twice, as `timeout -s INT` does: still one `Aborted!`
    _, err = client.communicate(timeout=120)
    assert client.returncode == 1, err
    assert "Aborted!" in err
    assert not (tmp_path / "gen" / "big").exists()
    server.wait_for(r"worker \d+ exited with status 1")


def test_signals_the_caller_ignores_are_ignored(server: Server, tmp_path: Path) -> None:
    """A script's background job (or nohup) ignores SIGINT (SIGHUP): so does its served run."""
    lines = ["subnet: big", "synapses:"] + [f"  Task{i}:\n    request: {{a: int}}\n    response: {{d: int}}" for i in range(150)]
    (tmp_path / "big.yaml").write_text("\n".join(lines) + "\n")
    env = dict(server.env, XDG_CACHE_HOME=str(tmp_path / "cache"))

    def ignoring() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    argv = [sys.executable, "-m", "codegen", "big.yaml", "--out", "gen"]
    client = subprocess.Popen(argv, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True, preexec_fn=ignoring)
    server.wait_for(r"worker \d+: ")
    client.send_signal(signal.SIGINT)
    client.send_signal(signal.SIGHUP)
    _, err = client.communicate(timeout=300)
    assert client.returncode == 0, err
    assert (tmp_path / "gen/big/api.py").exists()


def test_a_terminated_caller_ends_as_a_one_shot_run_would(server: Server, tmp_path: Path) -> None:
    """SIGTERM: the worker dies of it, and so does the caller (exit status -15, as one-shot)."""
    client = big_run(server, tmp_path)
    client.send_signal(signal.SIGTERM)
    _, err = client.communicate(timeout=120)
    assert client.returncode == -signal.SIGTERM, err
    assert err == ""
    server.wait_for(rf"worker \d+ killed by signal {int(signal.SIGTERM)}")


def test_a_killed_caller_takes_its_worker_with_it(server: Server, tmp_path: Path) -> None:
    """SIGKILL can't be relayed; the worker sees its caller's end of the socket close, and dies
    the same death instead of going on to write (and print to a terminal nobody reads)."""
    client = big_run(server, tmp_path)
    client.kill()
    client.communicate(timeout=60)
    server.wait_for(rf"worker \d+ killed by signal {int(signal.SIGKILL)}")
    assert not (tmp_path / "gen" / "big").exists()


def test_serve_stop_stops_it_every_time(tmp_path: Path) -> None:
    for attempt in range(3):
        started = start_server(tmp_path)
        try:
            work = tmp_path / f"w{attempt}"
            work.mkdir()
            assert run([sys.executable, "-m", "codegen", "--version"], work, started.env, served=True).returncode == 0
            started.wait_for(r"worker \d+ exited with status 0")
            stop = subprocess.run([sys.executable, "-m", "codegen", "serve", "--stop"], cwd=tmp_path, env=started.env, capture_output=True, text=True, timeout=60)
            assert stop.returncode == 0, stop.stderr
            assert started.proc.wait(30) == 0
            text = started.log.read_text()
            assert "Traceback" not in text and "Exception" not in text
            assert text.count(" exited with status ") == 1  # `--stop`'s look at the socket is no run
        finally:
            stop_server(started)


def test_one_server_per_install_and_serve_stop(server: Server, tmp_path: Path) -> None:
    again = subprocess.run([sys.executable, "-m", "codegen", "serve"], cwd=tmp_path, env=server.env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "already running" in again.stderr
    sock = server.socket()
    stop = subprocess.run([sys.executable, "-m", "codegen", "serve", "--stop"], cwd=tmp_path, env=server.env, capture_output=True, text=True, timeout=60)
    assert stop.returncode == 0, stop.stderr
    assert server.proc.wait(30) == 0
    assert not sock.exists()
    stop = subprocess.run([sys.executable, "-m", "codegen", "serve", "--stop"], cwd=tmp_path, env=server.env, capture_output=True, text=True, timeout=60)
    assert stop.returncode == 1 and "no server" in stop.stderr


def test_the_server_steps_down_when_the_generator_changes(tmp_path: Path) -> None:
    """A server of a copy of the generator; edit one of its templates, and the next run is
    made by a fresh process (with the edit), while the server stops and removes its socket."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "codegen", src / "codegen", ignore=shutil.ignore_patterns("__pycache__"))
    started = start_server(tmp_path, PYTHONPATH=str(src))
    try:
        work = tmp_path / "work"
        work.mkdir()
        argv = [sys.executable, "-m", "codegen", str(SCHEMAS / "dummy.yaml"), "--out", "gen"]
        assert run(argv, work, started.env, served=True).returncode == 0
        assert started.served() == 1
        sock = started.socket()
        template = src / "codegen/templates/api.py.jinja"
        template.write_text(template.read_text().replace('"""', '"""Edited. ', 1))
        done = run(argv, work, started.env, served=True)
        assert done.returncode == 0, done.stderr
        assert "Edited. " in (work / "gen/dummy/api.py").read_text()
        assert started.proc.wait(30) == 0
        assert started.served() == 1 and "changed; stopping" in started.log.read_text()
        assert not sock.exists()
    finally:
        stop_server(started)


def test_one_interpreter_by_any_name_finds_one_server(tmp_path: Path) -> None:
    """`python` and `python3` (the console script's shebang may say either) are one interpreter."""
    code = "from codegen import launch; print(launch.socket_path())"
    names = [n for n in ("python", "python3") if Path(sys.executable).with_name(n).exists()]
    paths = {subprocess.run([str(Path(sys.executable).with_name(n)), "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout for n in names}
    assert len(paths) == 1
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=dict(os.environ, PYTHONHASHSEED="7"))
    assert other.stdout not in paths  # what the interpreter settles at start-up keys the socket
