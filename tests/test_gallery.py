"""The gallery: every example schema is committed, listed in the README, and its edited
handlers do what the README says, through real loopback axons."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SCHEMAS
from tests.loopback import free_port, make_wallets, wait_listening
from tests.test_demo import readme_demo

EXAMPLES = sorted(SCHEMAS.glob("*.yaml"))


@pytest.mark.parametrize("schema", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_committed_and_in_the_readme(schema: Path) -> None:
    assert (ROOT / "generated" / schema.stem / "__init__.py").exists()
    assert f"| `schemas/{schema.name}` |" in (ROOT / "README.md").read_text(encoding="utf-8")


def readme_gallery_demo() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Gallery", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match
    return match.group(1)


def test_readme_streaming_demo(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "generated" / "prompting", tmp_path / "generated" / "prompting", ignore=shutil.ignore_patterns("__pycache__"))
    port = str(free_port())
    script = (
        readme_gallery_demo()
        .replace("8092", port)
        .replace("/tmp/demo-wallets", str(tmp_path / "wallets"))
        .replace("/tmp/prompting-miner.out", str(tmp_path / "miner.out"))
    )
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    proc = subprocess.run(
        ["bash", "-c", "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + script],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert list(result.values()) == ["stream me some words"]
    hotkey = next(iter(result))
    pieces = [json.loads(line.split(": ", 1)[1]) for line in proc.stderr.splitlines() if line.startswith(hotkey + ": ")]
    assert pieces == ["stream", " me", " some", " words"]
    assert readme_demo() != readme_gallery_demo()


@pytest.fixture
def gallery(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed packages importable (as pytest makes them when it collects generated/)."""
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")
    monkeypatch.syspath_prepend(str(ROOT / "generated"))


def serve(module: Any, wallet: Any) -> Any:
    """Start the package's real miner on a free loopback port."""
    port = free_port()
    axon = module.build_axon(wallet, port=port)
    axon.start()
    wait_listening(port)
    return axon


def test_storage_miner_keeps_what_it_stores(gallery: None, tmp_path: Path) -> None:
    import hashlib

    from storage import RetrieveAPI, StoreAPI, miner
    from storage.protocol import EncryptionPayload

    validator, miner_wallet = make_wallets(tmp_path, ["validator", "miner"])
    axon = serve(miner, miner_wallet)
    data = b"\x00secret\xff" * 10
    digest = hashlib.sha256(data).hexdigest()
    payload = EncryptionPayload(ciphertext_hash=digest, nonce=b"n" * 12, tag=b"t" * 16)

    async def run() -> tuple[Any, Any, Any]:
        store, retrieve = StoreAPI(validator), RetrieveAPI(validator)
        try:
            stored = await store(axons=[axon.info()], encrypted_data=data, data_hash=digest, encryption=payload)
            back = await retrieve(axons=[axon.info()], data_hash=digest)
            missing = await retrieve(axons=[axon.info()], data_hash="0" * 64)
            return stored, back, missing
        finally:
            await store.dendrite.aclose_session()
            await retrieve.dendrite.aclose_session()

    try:
        stored, back, missing = asyncio.run(run())
    finally:
        axon.stop()
    assert stored == {miner_wallet.hotkey.ss58_address: True}
    assert back == data
    assert missing is None


def test_prompting_miner_streams_the_echo(gallery: None, tmp_path: Path) -> None:
    from prompting import PromptAPI, miner
    from prompting.protocol import Message, Role

    validator, miner_wallet = make_wallets(tmp_path, ["validator", "miner"])
    axon = serve(miner, miner_wallet)

    async def run() -> tuple[list[str], Any, Any]:
        api = PromptAPI(validator)
        try:
            stream = api.stream(axons=[axon.info()], messages=[Message(role=Role.user, content="one two three")], max_tokens=2)
            pieces = [chunk.value async for chunk in stream]
            return pieces, stream.result, stream.responses[0].model
        finally:
            await api.dendrite.aclose_session()

    try:
        pieces, result, model = asyncio.run(run())
    finally:
        axon.stop()
    assert pieces == ["one", " two"]
    assert result == {miner_wallet.hotkey.ss58_address: "one two"}
    assert model == "echo"
