"""End to end: a schema with every type and aggregate, generated, type-checked, tested,
and queried through four real loopback axons of which one always fails."""

import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import bittensor as bt
import pytest

from tests.conftest import TEST_SCHEMAS, generate
from tests.loopback import make_wallets, start_axon

SCHEMA = TEST_SCHEMAS / "every_type.yaml"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SCHEMA, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def pkg(out: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("every_type")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "every_type" or n.startswith("every_type.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def wallets(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return make_wallets(tmp_path_factory.mktemp("wallets"), ["validator", "m0", "m1", "m2", "m3"])


@pytest.fixture(autouse=True)
def loopback_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")


def test_generated_tests_pass_as_generated(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "every_type/tests"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_generated_code_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "every_type"],
        cwd=out, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": ""},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def query(api: Any, axons: list[Any], **kwargs: Any) -> Any:
    async def run() -> Any:
        try:
            return await api(axons=axons, timeout=5.0, **kwargs)
        finally:
            await api.dendrite.aclose_session()

    return asyncio.run(run())


def serve_four(wallets: list[Any], synapse_cls: type, fill: Any) -> list[bt.Axon]:
    """Three healthy miners (fill(synapse, i)) and a fourth whose forward always raises."""
    axons = []
    for i in range(3):
        def forward(synapse: synapse_cls, i: int = i) -> synapse_cls:  # type: ignore[valid-type]
            fill(synapse, i)
            return synapse
        forward.__annotations__ = {"synapse": synapse_cls, "i": int, "return": synapse_cls}
        axons.append(start_axon(wallets[1 + i], forward))

    def broken(synapse: synapse_cls) -> synapse_cls:  # type: ignore[valid-type]
        raise RuntimeError("this miner always fails")
    broken.__annotations__ = {"synapse": synapse_cls, "return": synapse_cls}
    axons.append(start_axon(wallets[4], broken))
    return axons


def hotkeys(axons: list[bt.Axon]) -> list[str]:
    return [a.wallet.hotkey.ss58_address for a in axons]


def test_all_aggregate_and_every_scalar_round_trips(pkg: ModuleType, wallets: list[Any]) -> None:
    received: list[Any] = []

    def fill(s: Any, i: int) -> None:
        received.append(s.model_copy())
        s.echo, s.doubled, s.half = s.text, s.count * 2 + i, s.ratio / 2
        s.flipped, s.blob_back, s.anything_back = not s.flag, s.blob[::-1], s.anything

    axons = serve_four(wallets, pkg.Scalars, fill)
    try:
        api = pkg.ScalarsAPI(wallets[0])
        request = dict(text="héllo \"q\" \n", count=21, ratio=0.25, flag=True, blob=b"\x00\xff\x10", anything={"a": [1, None]}, code="XYZ")
        assert query(api, [a.info() for a in axons], **request) == [42, 43, 44]
        first = received[0]
        for name, value in request.items():
            assert getattr(first, name) == value, name
        # optional fields left out arrive unset, defaults arrive as the schema says
        assert (first.maybe_text, first.maybe_count, first.opt_blob) == (None, None, None)
        assert (first.maybe_ratio, first.maybe_flag, first.maybe_map, first.maybe_any) == (None, None, None, None)
        assert (first.with_default, first.str_default) == (5, "hi")
        received.clear()
        optional = dict(maybe_text="m", maybe_count=0, opt_blob=b"", with_default=0, str_default="", maybe_ratio=0.5, maybe_flag=False, maybe_map={"a": 1}, maybe_any=[1, "x"])
        assert query(api, [a.info() for a in axons], **request, **optional) == [42, 43, 44]
        for name, value in optional.items():
            assert getattr(received[0], name) == value, name
    finally:
        for a in axons:
            a.stop()


def test_first_aggregate_with_containers(pkg: ModuleType, wallets: list[Any]) -> None:
    def fill(s: Any, i: int) -> None:
        s.lengths = {w: len(w) for w in s.words} | {"miner": i, "nested": len(s.nested), "blobs": len(s.maybe_list or [])}

    axons = serve_four(wallets, pkg.Containers, fill)
    try:
        api = pkg.ContainersAPI(wallets[0])
        kwargs = dict(words=["ab", "cde"], scores={"x": 1.5}, typed_words=[], typed_map={"k": None}, nested=[{"a": [1, 2]}], maybe_list=[b"\x01", b""])
        # the failing miner goes first: `first` must skip it
        result = query(api, [axons[3].info()] + [a.info() for a in axons[:3]], **kwargs)
        assert result == {"ab": 2, "cde": 3, "miner": 0, "nested": 1, "blobs": 2}
    finally:
        for a in axons:
            a.stop()


def test_majority_aggregate_with_literals_and_enums(pkg: ModuleType, wallets: list[Any]) -> None:
    def fill(s: Any, i: int) -> None:
        assert s.role is pkg.Role.assistant and s.level is pkg.Level.V3 and s.default_role is pkg.Role.user
        s.verdict = "yes" if i == 0 else "no"
        s.level_back = s.level

    axons = serve_four(wallets, pkg.Choices, fill)
    try:
        api = pkg.ChoicesAPI(wallets[0])
        result = query(api, [a.info() for a in axons], mode="slow", level=pkg.Level.V3, role=pkg.Role.assistant, number=3)
        assert result == "no"
    finally:
        for a in axons:
            a.stop()


def test_by_hotkey_aggregate_with_nested_models(pkg: ModuleType, wallets: list[Any]) -> None:
    def fill(s: Any, i: int) -> None:
        assert s.conversation.messages[0].content == "hi" and s.last is None
        s.reply = pkg.Message(role=pkg.Role.assistant, content=f"reply {i}", tokens=[i])

    axons = serve_four(wallets, pkg.Chat, fill)
    try:
        api = pkg.ChatAPI(wallets[0])
        msg = pkg.Message(role=pkg.Role.user, content="hi")
        conv = pkg.Conversation(messages=[msg])
        result = query(api, [a.info() for a in axons], conversation=conv, history=[msg, msg])
        assert result == {hk: pkg.Message(role=pkg.Role.assistant, content=f"reply {i}", tokens=[i]) for i, hk in enumerate(hotkeys(axons[:3]))}
    finally:
        for a in axons:
            a.stop()


def test_custom_aggregate_delegates_to_the_user_hook(pkg: ModuleType, wallets: list[Any]) -> None:
    def fill(s: Any, i: int) -> None:
        s.scores, s.best = [float(i)], f"best {i}"

    axons = serve_four(wallets, pkg.Custom, fill)
    try:
        api = pkg.CustomAPI(wallets[0])
        result = query(api, [a.info() for a in axons], query="q")
        # the default hook returns every answer; with no `deserialize` the answer is the synapse
        assert [r.best for r in result] == ["best 0", "best 1", "best 2"]
    finally:
        for a in axons:
            a.stop()


def test_results_show_bytes_as_standard_base64(pkg: ModuleType) -> None:
    """What the client prints can be passed back to a bytes option (standard, not URL-safe, base64)."""
    assert pkg._aggregate.plain([b"\xfb\xff"]) == ["+/8="]
    assert pkg._aggregate.plain({"k": pkg.Message(role=pkg.Role.user, content="x")}) == {"k": {"role": "user", "content": "x", "tokens": None}}


def test_client_refuses_bad_options_in_one_line(pkg: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    client = importlib.import_module("every_type.client")
    base = ["--axon", "127.0.0.1:1:hk"]
    for argv, message in [
        (["--axon", "127.0.0.1:99999:hk", "scalars"], "expected IP:PORT:HOTKEY"),
        (base + ["--timeout", "0", "scalars"], "seconds > 0"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            client.main(argv)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
