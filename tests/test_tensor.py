"""`tensor` fields (bittensor.Tensor): schema checks without torch, and real round trips with it.

bittensor 10's Tensor looks its dtypes up in torch's table even in numpy mode,
so building or validating one needs torch installed; without torch the round
trips skip (the CI installs the CPU build when a wheel of it is at hand).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SCHEMAS, TEST_SCHEMAS, generate, run_cli

SCHEMA = TEST_SCHEMAS / "tensors.yaml"


def write(tmp_path: Path, fields: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text("subnet: x\nsynapses:\n  A:\n    response:\n" + fields, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("      t: tensor[float8]\n", ":5:10: unknown tensor dtype `float8`"),
        ("      t: {type: tensor, default: [1, 2]}\n", ":5:34: bad default [1, 2]: tensor values can't be given"),
        ("      t: {type: tensor, example: 1}\n", ":5:34: bad example 1"),
        ("      t: {type: tensor, max_length: 3}\n", ":5:25: `max_length` does not apply to `tensor`"),
    ],
)
def test_bad_tensor_fields_exit_2_with_a_position(tmp_path: Path, fields: str, expected: str) -> None:
    result = run_cli(write(tmp_path, fields), "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert expected in result.stderr


def test_packages_without_tensors_import_neither_numpy_nor_torch(tmp_path: Path) -> None:
    pkg = generate(SCHEMAS / "storage.yaml", tmp_path) / "storage"
    for path in pkg.rglob("*.py"):
        text = path.read_text()
        assert "numpy" not in text and "torch" not in text, path


def test_tensor_packages_import_without_torch(tmp_path: Path) -> None:
    """Only building a Tensor needs torch: the package itself imports with numpy alone."""
    out = generate(SCHEMA, tmp_path)
    code = "import sys; sys.modules['torch'] = None; import tensors.api, tensors.miner, tensors.client"
    proc = subprocess.run([sys.executable, "-c", code], cwd=out, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="bittensor 10's Tensor needs torch (pip install torch)"
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SCHEMA, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def pkg(out: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(out))
    try:
        importlib.import_module("tensors.client")
        yield importlib.import_module("tensors")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "tensors" or n.startswith("tensors.")]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def loopback_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")


@needs_torch
def test_generated_tensor_tests_pass(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tensors/tests"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "skipped" not in proc.stdout.splitlines()[-1]
    assert "PASSED tensors/tests/test_classify.py::test_round_trip_through_real_axons" in proc.stdout


def test_generated_tensor_package_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "tensors"],
        cwd=out, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": ""},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


@needs_torch
def test_tensor_values_survive_the_round_trip_both_ways(pkg: ModuleType, tmp_path: Path) -> None:
    """The miner sees the caller's array; the caller gets the miner's array back, values and dtype intact."""
    import numpy

    from tests.loopback import make_wallets, start_axon

    validator, miner = make_wallets(tmp_path, ["validator", "miner"])
    image = numpy.arange(3 * 2 * 5, dtype="uint8").reshape(3, 2, 5)
    seen: list[Any] = []

    def forward(synapse: pkg.Classify) -> pkg.Classify:  # type: ignore[name-defined]
        seen.append(synapse.image.numpy())
        synapse.scores = pkg.protocol.to_tensor(synapse.image.numpy().sum(axis=(1, 2)).astype("float64"))
        synapse.best = pkg.protocol.to_tensor([[True, False]], "bool")
        return synapse

    forward.__annotations__ = {"synapse": pkg.Classify, "return": pkg.Classify}
    axon = start_axon(miner, forward)
    try:
        api = pkg.ClassifyAPI(validator)
        frame = pkg.Frame(pixels=pkg.protocol.to_tensor([[1], [2]], "uint8"), label="f")

        async def call() -> Any:
            try:
                return await api(axons=[axon.info()], image=pkg.protocol.to_tensor(image, "uint8"), frames=[frame], timeout=10.0)
            finally:
                await api.dendrite.aclose_session()

        result = asyncio.run(call())
    finally:
        axon.stop()
    assert (seen[0] == image).all() and seen[0].dtype == numpy.uint8
    assert result.dtype == "float64" and result.shape == [3]
    assert result.numpy().tolist() == image.sum(axis=(1, 2)).tolist()


@needs_torch
def test_a_miner_answering_the_wrong_shape_is_a_failed_miner(pkg: ModuleType, tmp_path: Path) -> None:
    """The response is checked against the schema's dtype and shape on arrival."""
    import numpy

    from tests.loopback import make_wallets, start_axon

    validator, good, bad = make_wallets(tmp_path, ["validator", "good", "bad"])

    def answer(width: int) -> Any:
        def forward(synapse: pkg.Embed) -> pkg.Embed:  # type: ignore[name-defined]
            synapse.embeddings = pkg.protocol.Tensor.serialize(numpy.zeros((len(synapse.texts), width), dtype="float32"))
            return synapse

        forward.__annotations__ = {"synapse": pkg.Embed, "return": pkg.Embed}
        return forward

    axons = [start_axon(good, answer(4)), start_axon(bad, answer(5))]
    try:
        api = pkg.EmbedAPI(validator)

        async def call() -> Any:
            try:
                return await api(axons=[a.info() for a in axons], texts=["a", "b"], timeout=10.0)
            finally:
                await api.dendrite.aclose_session()

        result = asyncio.run(call())
    finally:
        for a in axons:
            a.stop()
    assert [r.shape for r in result] == [[2, 4]]


@needs_torch
def test_the_example_client_takes_tensors_as_json(pkg: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.loopback import make_wallets, start_axon

    validator, miner = make_wallets(tmp_path, ["validator", "miner"])

    def forward(synapse: pkg.Bits) -> pkg.Bits:  # type: ignore[name-defined]
        synapse.count = pkg.protocol.to_tensor([int(synapse.mask.numpy().sum())], "int64")
        return synapse

    forward.__annotations__ = {"synapse": pkg.Bits, "return": pkg.Bits}
    axon = start_axon(miner, forward)
    try:
        argv = ["--wallet.path", str(tmp_path), "--wallet.name", "validator", "--axon", f"127.0.0.1:{axon.port}:{axon.wallet.hotkey.ss58_address}", "bits", "--mask", "[true, false, true]"]
        assert pkg.client.main(argv) == 0
        assert capsys.readouterr().out.strip().splitlines()[-1] == f'{{"{axon.wallet.hotkey.ss58_address}": [2]}}'
        with pytest.raises(SystemExit) as exit_info:
            pkg.client.main(argv[:-1] + ["[true, false]"])  # the schema says 3 values
        assert exit_info.value.code == 2
    finally:
        axon.stop()
