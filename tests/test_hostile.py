"""Hostile miners against the generated bittensor 10 client: each may cost its own answer, never
memory, time, other miners' answers or an exception. Real axons answer beside them.

Silent, slow, huge (200 MB, announced or not), endless, malformed, empty, forged-status and
hotkey-claiming miners; a fan-out wider than aiohttp's pool with the silent miners first; the
validator path with no network at all.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import bittensor as bt
import pytest

from tests import faulty_miners as fm
from tests.conftest import generate
from tests.loopback import free_port, make_wallets, start_axon, wait_listening

ROOT = Path(__file__).resolve().parent.parent

SCHEMA = """\
subnet: hostile
synapses:
  Value: {request: {n: int}, response: {value: int}, aggregate: all}
  Vote: {request: {n: int}, response: {value: int, label: str}, deserialize: self, aggregate: majority}
  Text: {request: {n: int}, response: {text: str}, aggregate: all}
  Short: {request: {n: int}, response: {text: {type: str, max_length: 8}}, aggregate: all}
  Poem:
    stream: true
    request: {n: int}
    response: {text: str}
    deserialize: text
    aggregate: all
"""
TIMEOUT = 2.0
BIG = 200 * 1024 * 1024
LONG_TEXT = "x" * 300_000  # a healthy answer over 64 KiB (the fixed overhead of every limit)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as f:  # Linux: VmHWM restarts from the current RSS
        f.write("5")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "hostile.yaml").write_text(SCHEMA)
    out = generate(tmp / "hostile.yaml", tmp / "out")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("hostile")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "hostile" or n.startswith("hostile.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def wallets(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return make_wallets(tmp_path_factory.mktemp("wallets"), ["validator", "healthy0", "healthy1"])


@pytest.fixture(scope="module")
def healthy(pkg: ModuleType, wallets: list[Any]) -> Iterator[list[bt.Axon]]:
    """Two real axons: Value answers n * 10 + index, Vote n * 10, Text a 300 kB text, Poem three pieces."""
    axons = []
    for i in (0, 1):

        def value(synapse: Any, i: int = i) -> Any:
            synapse.value = synapse.n * 10 + i
            return synapse

        def vote(synapse: Any) -> Any:
            synapse.value, synapse.label = synapse.n * 10, "ok"
            return synapse

        def text(synapse: Any) -> Any:
            synapse.text = LONG_TEXT
            return synapse

        def short(synapse: Any) -> Any:
            synapse.text = "short"
            return synapse

        def poem(synapse: Any) -> Any:
            async def pieces() -> AsyncIterator[str]:
                for piece in ("a", "b", "c"):
                    yield piece

            return pkg._stream.respond(synapse, pieces(), pkg.protocol.POEM_STREAM)

        for forward, name in [(value, "Value"), (vote, "Vote"), (text, "Text"), (short, "Short"), (poem, "Poem")]:
            cls = getattr(pkg, name)
            ret = bt.StreamingSynapse.BTStreamingResponse if name == "Poem" else cls
            forward.__annotations__ = {"synapse": cls, "return": ret}
        axons.append(start_axon(wallets[1 + i], value, vote, text, short, poem))
    yield axons
    for axon in axons:
        axon.stop()


@pytest.fixture
def miners() -> Iterator[fm.FaultyMiners]:
    with fm.faulty_miners() as m:
        yield m


def info(port: int, hotkey: str) -> bt.AxonInfo:
    return bt.AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=hotkey, coldkey="")


def run(api: Any, call: Any) -> Any:
    async def go() -> Any:
        try:
            return await call
        finally:
            await api.dendrite.aclose_session()

    return asyncio.run(go())


def test_hostile_miners_cost_only_their_own_answers(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], miners: fm.FaultyMiners
) -> None:
    hostile = {
        "silent": (fm.hang, 408),
        "slow": (fm.slow(TIMEOUT + 1, fm.answer_json(200, {"value": 1}, fm.SUCCESS)), 408),
        "200 MB announced": (fm.huge(BIG), 413),
        "200 MB chunked": (fm.chunked(BIG), 413),
        "endless": (fm.chunked(None), 413),
        "malformed": (fm.answer(200, b'{"value": ', fm.SUCCESS), 422),
        "empty": (fm.answer_json(200, {}, fm.SUCCESS), 422),
        "unset": (fm.answer_json(200, {"value": None}, fm.SUCCESS), 422),
        "forged status": (fm.forged(500, {"value": 7}), 500),
    }
    targets = [info(miners.start(b), f"5Hostile{i:02d}" + "x" * 38) for i, (b, _) in enumerate(hostile.values())]
    axons = targets + [a.info() for a in healthy]
    api = pkg.ValueAPI(wallets[0])
    reset_peak_rss()
    before = rss_mb()
    start = time.monotonic()
    responses = run(api, api.query_synapse(pkg.Value(n=4), axons=axons, timeout=TIMEOUT))
    took = time.monotonic() - start
    growth = peak_rss_mb() - before
    codes = {name: r.dendrite.status_code for name, r in zip(hostile, responses)}
    assert codes == {name: code for name, (_, code) in hostile.items()}
    assert "too large" in responses[2].dendrite.status_message
    assert "carries no response field" in responses[6].dendrite.status_message
    assert api.process_responses(responses) == [40, 41]
    assert took <= TIMEOUT + pkg._dendrite.MARGIN, took
    assert growth < 100, f"peak RSS grew {growth:.0f} MB"


def test_empty_answers_cannot_outvote_real_ones(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], miners: fm.FaultyMiners
) -> None:
    """`deserialize: self` with `majority`: three `{}` answers came first, two real ones agree."""
    empty = [info(miners.start(fm.answer_json(200, {}, fm.SUCCESS)), f"5Empty{i}" + "x" * 41) for i in range(3)]
    api = pkg.VoteAPI(wallets[0])
    result = run(api, api(axons=empty + [a.info() for a in healthy], n=4, timeout=TIMEOUT))
    assert (result.value, result.label) == (40, "ok")


def test_answer_limits_come_from_the_schema_and_can_be_set(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], miners: fm.FaultyMiners
) -> None:
    assert pkg.TextAPI.shape.max_bytes == pkg._dendrite.DEFAULT_MAX_ANSWER_BYTES  # a str without max_length
    assert pkg.ShortAPI.shape.max_bytes < 10_000  # 8 characters at most
    real = [a.info() for a in healthy]

    api = pkg.TextAPI(wallets[0])
    assert run(api, api(axons=real, n=1, timeout=TIMEOUT)) == [LONG_TEXT, LONG_TEXT]
    api = pkg.TextAPI(wallets[0])
    responses = run(api, api.query_synapse(pkg.Text(n=1), axons=real, timeout=TIMEOUT, max_answer_bytes=1000))
    assert [r.dendrite.status_code for r in responses] == [413, 413]  # per call
    api = pkg.TextAPI(wallets[0], max_answer_bytes=1000)
    assert run(api, api(axons=real, n=1, timeout=TIMEOUT)) == []  # per API object
    api = pkg.TextAPI(wallets[0], max_answer_bytes=1000)
    assert run(api, api(axons=real, n=1, timeout=TIMEOUT, max_answer_bytes=10**6)) == [LONG_TEXT] * 2

    # 300 kB where the schema allows 8 characters: over the derived limit
    liar = info(miners.start(fm.answer_json(200, {"text": LONG_TEXT}, fm.SUCCESS)), "5Long" + "x" * 43)
    api = pkg.ShortAPI(wallets[0])
    responses = run(api, api.query_synapse(pkg.Short(n=1), axons=[liar, *real], timeout=TIMEOUT))
    assert [r.dendrite.status_code for r in responses] == [413, 200, 200]


def test_hostile_streams_cost_only_their_own_answers(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], miners: fm.FaultyMiners
) -> None:
    sse = "text/event-stream"
    hostile = {
        "silent": (fm.hang, 408),
        "a line that never ends": (fm.chunked(None, b"", sse), 413),
        "endless frames": (fm.chunked(None, b'{"chunk":"a"}\n' * 4096, sse), 413),
        "200 MB announced": (fm.huge(BIG, {"Content-Type": sse}), 413),
        "malformed frame": (fm.answer(200, b'{"chunk": \n', fm.SUCCESS, sse), 422),
        "forged status": (fm.forged(500, {}), 500),
    }
    targets = [info(miners.start(b), f"5Stream{i:02d}" + "x" * 39) for i, (b, _) in enumerate(hostile.values())]
    api = pkg.PoemAPI(wallets[0], max_answer_bytes=1024 * 1024)
    reset_peak_rss()
    before = rss_mb()
    start = time.monotonic()

    async def call() -> Any:
        stream = api.stream(axons=targets + [a.info() for a in healthy], n=1, timeout=TIMEOUT)
        async for _ in stream:
            pass
        return stream

    stream = run(api, call())
    took = time.monotonic() - start
    codes = {name: r.dendrite.status_code for name, r in zip(hostile, stream.responses)}
    assert codes == {name: code for name, (_, code) in hostile.items()}
    assert stream.result == ["abc", "abc"]
    assert took <= TIMEOUT + pkg._dendrite.MARGIN, took
    assert peak_rss_mb() - before < 100


def test_silent_miners_first_do_not_starve_answering_ones(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], miners: fm.FaultyMiners
) -> None:
    """More silent miners than aiohttp's pool (100), all first: every answering one still answers."""
    silent = miners.start(fm.hang)
    answering = miners.start(fm.answer_json(200, {"value": 7}, fm.SUCCESS))
    axons = [info(silent, f"5Silent{i:03d}" + "x" * 38) for i in range(110)]
    axons += [info(answering, f"5Answer{i:03d}" + "x" * 38) for i in range(10)] + [a.info() for a in healthy]
    api = pkg.ValueAPI(wallets[0])

    async def twice() -> list[Any]:
        try:
            first = await api(axons=axons, n=4, timeout=TIMEOUT)
            await api(axons=axons, n=4, timeout=TIMEOUT)
            return first
        finally:
            await api.dendrite.aclose_session()

    start = time.monotonic()
    result = asyncio.run(twice())
    assert sorted(result) == [7] * 10 + [40, 41]
    assert time.monotonic() - start <= 2 * (TIMEOUT + pkg._dendrite.MARGIN)
    assert len(api.dendrite.synapse_history) <= pkg._dendrite.HISTORY  # 244 answers, bounded history


OFFLINE = """\
from bittensor.utils import networking

def offline():
    raise networking.ExternalIPNotFound("no network")

networking.get_external_ip = offline  # no network at all
"""


def readme_snippet() -> str:
    """The README's Python block that builds a loopback AxonInfo and queries it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return next(b for b in blocks if "bt.AxonInfo(" in b and "asyncio.run(" in b)


def test_the_readme_validator_snippet_runs_offline(wallets: list[Any], tmp_path: Path, on_path: list[str]) -> None:
    """As the README shows it, with no network: no IP lookup for loopback targets, no `_session` error at exit."""
    on_path.append(str(ROOT / "generated"))
    sys.path.insert(0, str(ROOT / "generated"))
    from dummy import miner  # type: ignore[import-not-found]

    axon = miner.build_axon(wallets[1], ip="127.0.0.1", port=free_port())
    axon.start()
    try:
        wait_listening(axon.port)
        snippet = readme_snippet()
        for old, new in [
            ("port=8091", f"port={axon.port}"),
            ('"5F...HOTKEY"', repr(wallets[1].hotkey.ss58_address)),
            ("/tmp/demo-wallets", str(Path(wallets[0].path).expanduser())),
        ]:
            assert old in snippet
            snippet = snippet.replace(old, new)
        script = tmp_path / "validator.py"
        script.write_text(OFFLINE + snippet)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "generated")}
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    finally:
        axon.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[6]"
    assert "Error" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_public_target_needs_the_lookup_or_the_option(
    pkg: ModuleType, wallets: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline() -> str:
        raise RuntimeError("no network")

    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", offline)
    public = info(9, "5Public" + "x" * 41)
    public.ip = "8.8.8.8"  # public (nothing answers on port 9)
    api = pkg.ValueAPI(wallets[0])
    with pytest.raises(pkg._dendrite.NoExternalIP, match="external_ip="):
        run(api, api(axons=[public], n=1, timeout=0.5))
    api = pkg.ValueAPI(wallets[0], external_ip="198.51.100.1")
    assert run(api, api(axons=[public], n=1, timeout=0.5)) == []
    assert pkg._dendrite.is_local("192.168.1.20") and pkg._dendrite.is_local("::1")
    assert not pkg._dendrite.is_local("8.8.8.8")
