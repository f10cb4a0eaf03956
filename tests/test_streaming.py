"""`stream: true`: schema checks, and a generated streaming package that passes its own tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCHEMAS, TEST_SCHEMAS, generate, run_cli

SCHEMA = TEST_SCHEMAS / "streaming.yaml"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SCHEMA, tmp_path_factory.mktemp("out"))


def test_generated_streaming_tests_pass(out: Path) -> None:
    """Among them: pieces arrive in order while the miner is still producing them."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "streaming/tests"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    for synapse in ("prompt", "items", "blobs", "scores", "choices"):
        assert f"PASSED streaming/tests/test_{synapse}.py::test_stream_through_real_axons" in proc.stdout


def test_generated_streaming_package_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "streaming"],
        cwd=out, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": ""},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_streaming_synapse_is_a_streaming_synapse(out: Path) -> None:
    protocol = (out / "streaming" / "protocol.py").read_text()
    assert "class Prompt(bt.StreamingSynapse):" in protocol
    assert "class Plain(bt.Synapse):" in protocol
    assert "async def process_streaming_response" in protocol
    assert "def extract_response_json" in protocol


def test_packages_without_streams_have_no_stream_code(tmp_path: Path) -> None:
    pkg = generate(SCHEMAS / "dummy.yaml", tmp_path) / "dummy"
    assert not (pkg / "_stream.py").exists()
    assert "aiohttp" not in (pkg / "protocol.py").read_text()


def write(tmp_path: Path, synapse: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text("subnet: x\nsynapses:\n  A:\n" + synapse, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("synapse", "expected"),
    [
        ("    stream: true\n    response: {n: int}\n", ":4:5: a streamed field must be `str` (sent as text pieces) or `list[T]`"),
        ("    stream: true\n    request: {q: str}\n", ":4:5: `stream: true` streams one response field; add a response field to stream"),
        ("    stream: true\n    response: {a: str, b: str}\n", ":4:5: `stream: true` streams one response field; name the response field to stream with `deserialize`"),
        ("    stream: true\n    response: {a: {type: str, min_length: 1}}\n", ":4:5: the streamed field 'a' can't have `min_length`"),
        ("    stream: yes please\n", ":4:13: "),
        ("    response: {process_streaming_response: str}\n", "shadows bittensor.Synapse.process_streaming_response"),
    ],
)
def test_bad_stream_schemas_exit_2_with_a_position(tmp_path: Path, synapse: str, expected: str) -> None:
    result = run_cli(write(tmp_path, synapse), "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert not (tmp_path / "out").exists()


def test_leaving_a_stream_early_closes_it_cleanly(out: Path, tmp_path: Path) -> None:
    """Breaking out after the first piece neither hangs nor raises; the result is then unavailable."""
    code = f"""
import asyncio, sys
from unittest import mock
sys.path.insert(0, {str(out)!r})
from tests.loopback import make_wallets, start_axon
from pathlib import Path
with mock.patch("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1"):
    from streaming import PromptAPI, _stream
    from streaming.protocol import PROMPT_STREAM, Message, Prompt, Role
    validator, miner = make_wallets(Path({str(tmp_path)!r}), ["validator", "miner"])

    async def endless():
        while True:
            yield "x"
            await asyncio.sleep(0.01)

    def forward(synapse: Prompt) -> Prompt.BTStreamingResponse:
        return _stream.respond(synapse, endless(), PROMPT_STREAM)

    axon = start_axon(miner, forward)
    api = PromptAPI(validator)

    async def run():
        stream = api.stream(axons=[axon.info()], messages=[Message(role=Role.user, content="hi")], timeout=30)
        async for chunk in stream:
            break
        try:
            stream.result
        except RuntimeError as exc:
            print("no result:", exc)
        await api.dendrite.aclose_session()

    asyncio.run(asyncio.wait_for(run(), 20))
    axon.stop()
    print("done")
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "no result: iterate the stream to its end first" in proc.stdout
    assert proc.stdout.strip().endswith("done")
    assert "Traceback" not in proc.stderr
