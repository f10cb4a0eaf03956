"""Python input: protocol modules written as real subnets write them (tests/protocols/), generated,
type-checked, their generated tests run, and queried through real loopback axons; role inference;
`import` and its round trip through YAML."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import inspect
import os
import re
import subprocess
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bittensor as bt
import pytest

from tests.conftest import ROOT, run_cli
from tests.loopback import make_wallets, start_axon

PROTOCOLS = Path(__file__).resolve().parent / "protocols"
# package -> SCHEMA argument, given from tests/protocols/ (the dotted one is found from there).
# Package names must not collide with the ones the suite imports from generated/.
CASES = {
    "py_template": "template_protocol.py",
    "py_storage": "storage_subnet.protocol",
    "py_chat": "chat_protocol.py",
    "py_scoring": "constrained.py",
}


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def generate_python(schema: str, out: Path, subnet: str, *extra: str) -> Any:
    with cwd(PROTOCOLS):
        result = run_cli(schema, "--subnet", subnet, "--out", out, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def put_on_path(on_path: list[str], *paths: Path) -> None:
    """Make ``paths`` importable for this test (the `on_path` fixture forgets them and their modules after)."""
    for path in map(str, paths):
        sys.path.insert(0, path)
        on_path.append(path)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    for subnet, schema in CASES.items():
        generate_python(schema, out, subnet)
    return out


@pytest.fixture(scope="module")
def packages(out: Path) -> Iterator[dict[str, types.ModuleType]]:
    sys.path[:0] = [str(out), str(PROTOCOLS)]
    try:
        yield {name: importlib.import_module(name) for name in CASES}
    finally:
        sys.path.remove(str(out))
        sys.path.remove(str(PROTOCOLS))
        for name in [n for n in sys.modules if n.split(".")[0] in CASES]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def wallets(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return make_wallets(tmp_path_factory.mktemp("wallets"), ["validator", "m0", "m1", "m2", "m3"])


@pytest.fixture(autouse=True)
def loopback_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")


# ---- the generated packages ---------------------------------------------------


def test_no_protocol_module_is_generated_and_the_users_classes_are_imported(out: Path, packages: dict[str, types.ModuleType]) -> None:
    for name in CASES:
        assert not (out / name / "protocol.py").exists()
    assert "from template_protocol import Dummy" in (out / "py_template" / "api.py").read_text()
    assert "from storage_subnet.protocol import Delete, Retrieve, Stats, Store" in (out / "py_storage" / "api.py").read_text()
    import chat_protocol
    import template_protocol

    assert packages["py_template"].Dummy is template_protocol.Dummy
    assert packages["py_chat"].Message is chat_protocol.Message and packages["py_chat"].Role is chat_protocol.Role


def test_generated_tests_pass_as_generated(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(f"{name}/tests" for name in CASES)],
        cwd=out, capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONPATH": str(PROTOCOLS)},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_generated_code_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    # --follow-imports=silent: the users' modules are theirs (the template's own deserialize() is not strict-clean).
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "mypy"), *CASES],
        cwd=out, capture_output=True, text=True, timeout=900, env={**os.environ, "MYPYPATH": str(PROTOCOLS)},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def query(api: Any, axons: list[bt.Axon], **kwargs: Any) -> Any:
    async def run() -> Any:
        try:
            return await api(axons=[a.info() for a in axons], timeout=5.0, **kwargs)
        finally:
            await api.dendrite.aclose_session()

    return asyncio.run(run())


@contextlib.contextmanager
def miners(wallets: list[Any], synapse_cls: type, fill: Callable[[Any, int], None]) -> Iterator[list[bt.Axon]]:
    """Three healthy miners (fill(synapse, i)) and a fourth whose forward always raises."""
    axons = []
    try:
        for i in range(3):
            def forward(synapse: Any, i: int = i) -> Any:
                fill(synapse, i)
                return synapse
            forward.__annotations__ = {"synapse": synapse_cls, "i": int, "return": synapse_cls}
            axons.append(start_axon(wallets[1 + i], forward))

        def broken(synapse: Any) -> Any:
            raise RuntimeError("this miner always fails")
        broken.__annotations__ = {"synapse": synapse_cls, "return": synapse_cls}
        axons.append(start_axon(wallets[4], broken))
        yield axons
    finally:
        for axon in axons:
            axon.stop()


def test_template_dummy_round_trips(packages: dict[str, types.ModuleType], wallets: list[Any]) -> None:
    pkg = packages["py_template"]
    import template_protocol

    def fill(s: Any, i: int) -> None:
        s.dummy_output = s.dummy_input * 2

    api = pkg.DummyAPI(wallets[0])
    assert isinstance(api.prepare_synapse(dummy_input=1), template_protocol.Dummy)
    with miners(wallets, template_protocol.Dummy, fill) as axons:
        assert query(api, axons, dummy_input=21) == [42, 42, 42]


def test_storage_synapses_round_trip(packages: dict[str, types.ModuleType], wallets: list[Any]) -> None:
    pkg = packages["py_storage"]
    received: list[Any] = []
    chunk = "ZW5jcnlwdGVk"
    digest = hashlib.sha256(chunk.encode()).hexdigest()

    def store(s: Any, i: int) -> None:
        received.append(s.model_copy())
        s.stored, s.miner_hash = True, hashlib.sha256(s.encrypted_data.encode()).hexdigest()

    with miners(wallets, pkg.Store, store) as axons:
        assert query(pkg.StoreAPI(wallets[0]), axons, encrypted_data=chunk, data_hash=digest, ttl=60) == [True, True, True]
    assert (received[0].curve, received[0].ttl, received[0].data_hash) == ("P-256", 60, digest)

    def retrieve(s: Any, i: int) -> None:
        s.encrypted_data = chunk if s.data_hash == digest else None

    with miners(wallets, pkg.Retrieve, retrieve) as axons:
        assert query(pkg.RetrieveAPI(wallets[0]), axons, data_hash=digest) == [chunk] * 3

    def delete(s: Any, i: int) -> None:
        s.deleted = i != 1

    # Delete keeps bittensor's deserialize(): the answers are the synapses themselves.
    with miners(wallets, pkg.Delete, delete) as axons:
        result = query(pkg.DeleteAPI(wallets[0]), axons, data_hash=digest)
    assert [type(r) for r in result] == [pkg.Delete] * 3
    assert [r.deleted for r in result] == [True, False, True]

    def stats(s: Any, i: int) -> None:
        s.chunks = i

    # Stats.deserialize() -> bt.Synapse: typed as the synapse, and a synapse takes no request fields.
    with miners(wallets, pkg.Stats, stats) as axons:
        result = query(pkg.StatsAPI(wallets[0]), axons)
    assert [r.chunks for r in result] == [0, 1, 2]


def test_prompting_with_nested_models_round_trips(packages: dict[str, types.ModuleType], wallets: list[Any]) -> None:
    pkg = packages["py_chat"]
    received: list[Any] = []

    def prompt(s: Any, i: int) -> None:
        received.append(s.model_copy())
        text = f"{s.messages[-1].role.value}: {s.messages[-1].content} #{i}"
        s.completion = pkg.Completion(text=text, usage=pkg.Usage(prompt_tokens=len(s.messages)))

    messages = [pkg.Message(role=pkg.Role.SYSTEM, content="be brief"), pkg.Message(role=pkg.Role.USER, content="hi")]
    with miners(wallets, pkg.Prompting, prompt) as axons:
        result = query(pkg.PromptingAPI(wallets[0]), axons, messages=messages, temperature=0.2)
    assert result == [pkg.Completion(text=f"user: hi #{i}", usage=pkg.Usage(prompt_tokens=2)) for i in range(3)]
    assert received[0].messages == messages and received[0].temperature == 0.2
    assert received[0].priority is pkg.Priority.NORMAL
    assert (received[0].model, received[0].stop, received[0].max_tokens) == ("default", [], None)

    def rank(s: Any, i: int) -> None:
        s.scores = [float(len(d) + i) for d in s.documents]

    with miners(wallets, pkg.Rank, rank) as axons:
        result = query(pkg.RankAPI(wallets[0]), axons, query="q", documents=["a", "bbb"], labels={"a": pkg.Role.USER})
    assert result == [[1.0, 3.0], [2.0, 4.0], [3.0, 5.0]]


def test_constraints_defaults_and_validators_are_the_users(packages: dict[str, types.ModuleType], wallets: list[Any]) -> None:
    pkg = packages["py_scoring"]
    received: list[Any] = []

    def score(s: Any, i: int) -> None:
        received.append(s.model_copy())
        s.scores = [min(1.0, len(t) * s.threshold) for t in s.texts][: s.top_k]

    with miners(wallets, pkg.Score, score) as axons:
        result = query(pkg.ScoreAPI(wallets[0]), axons, texts=["a", "bb", "ccc"], top_k=2)
    assert result == [[0.5, 1.0]] * 3
    assert (received[0].weights, received[0].mode, received[0].tag) == ({"fluency": 1.0}, "fast", "abc")

    def embed(s: Any, i: int) -> None:
        s.embedding = [float(len(s.text))] * s.dim

    with miners(wallets, pkg.Embed, embed) as axons:
        assert query(pkg.EmbedAPI(wallets[0]), axons, text="hello") == [[5.0] * 8] * 3

    def ping(s: Any, i: int) -> None:
        s.alive = True

    with miners(wallets, pkg.Ping, ping) as axons:
        assert query(pkg.PingAPI(wallets[0]), axons) == [True, True, True]
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="16 is reserved"):  # the user's own validator runs
        pkg.EmbedAPI(wallets[0]).prepare_synapse(text="x", dim=16)
    with pytest.raises(ValidationError):  # and the user's own constraints
        pkg.ScoreAPI(wallets[0]).prepare_synapse(top_k=11)


def test_process_responses_follows_deserializes_annotation(out: Path) -> None:
    api = (out / "py_chat" / "api.py").read_text()
    assert "-> list[Completion]:" in api  # Optional[Completion], None dropped
    assert "-> list[list[float]]:" in api  # Rank.deserialize() -> List[float], computed
    storage = (out / "py_storage" / "api.py").read_text()
    assert "-> list[Delete]:" in storage and re.search(r"responses,\s+_aggregate\.itself", storage)  # bittensor's own deserialize()
    assert "-> list[Stats]:" in storage  # deserialize() -> bt.Synapse, returning self
    assert "-> list[bool]:" in (out / "py_scoring" / "api.py").read_text()  # Ping: unannotated, returns a field


# ---- role inference -------------------------------------------------------------


def test_inferred_roles_are_printed(out: Path, tmp_path: Path) -> None:
    result = generate_python("chat_protocol.py", tmp_path, "py_chat_roles")
    lines = result.stderr.splitlines()
    for expected in (
        "chat_protocol.py:47: Prompting.messages -> request (required (no default))",
        "chat_protocol.py:49: Prompting.temperature -> request (default 0.7: a parameter)",
        'chat_protocol.py:51: Prompting.max_tokens -> request (json_schema_extra={"apigen": "request"})',
        "chat_protocol.py:53: Prompting.completion -> response (returned by deserialize())",
        "chat_protocol.py:50: Prompting.priority -> request (default Priority.NORMAL: a parameter)",
    ):
        assert expected in lines


ASK = '''
from typing import Optional

import bittensor as bt


class Ask(bt.Synapse):
    question: str
    seed: Optional[int] = None
    language: str = "en"
    answer: Optional[str] = None
    confidence: Optional[float] = None

    def deserialize(self) -> Optional[str]:
        return self.answer
'''


def test_each_inference_rule(tmp_path: Path, on_path: list[str]) -> None:
    from codegen.load.python_source import load_python
    from codegen.parser.roles import RoleRules, analyse_deserialize

    (tmp_path / "ask_rules.py").write_text(ASK)
    put_on_path(on_path, tmp_path)
    cls = load_python(str(tmp_path / "ask_rules.py")).classes[0]
    fields = {"question", "seed", "language", "answer", "confidence"}
    deser = analyse_deserialize(cls, fields)
    assert (deser.kind, deser.field) == ("field", "answer")
    decide = {name: RoleRules().decide("Ask", name, cls.model_fields[name], deser) for name in fields}
    assert {n: d.role for n, d in decide.items()} == {
        "question": "request", "seed": "response", "language": "request", "answer": "response", "confidence": "response"
    }
    overridden = RoleRules({("Ask", "seed"): "request"}).decide("Ask", "seed", cls.model_fields["seed"], deser)
    assert (overridden.role, overridden.reason) == ("request", "--role")


def test_role_option_overrides_a_wrong_guess(tmp_path: Path, on_path: list[str]) -> None:
    (tmp_path / "ask_option.py").write_text(ASK)
    put_on_path(on_path, tmp_path)
    schema = str(tmp_path / "ask_option.py")
    result = run_cli(schema, "--subnet", "ask", "--out", tmp_path / "a")
    assert "Ask.seed -> response (default None: miners fill it)" in result.stderr
    assert "seed: " not in (tmp_path / "a" / "ask" / "api.py").read_text()  # no parameter (the answer's shape names it)
    result = run_cli(schema, "--subnet", "ask", "--out", tmp_path / "b", "--role", "Ask.seed=request")
    assert result.exit_code == 0, result.stderr
    assert "Ask.seed -> request (--role)" in result.stderr
    assert "seed: int | None = None," in (tmp_path / "b" / "ask" / "api.py").read_text()


def test_class_selector_and_only_defined_classes(tmp_path: Path, on_path: list[str]) -> None:
    generate_python("chat_protocol.py:Rank", tmp_path / "one", "ranker")
    api = (tmp_path / "one" / "ranker" / "api.py").read_text()
    assert "class RankAPI" in api and "PromptingAPI" not in api
    (tmp_path / "echo_only.py").write_text(
        "import bittensor as bt\nfrom template_protocol import Dummy\n\n\nclass Echo(bt.Synapse):\n    text: str\n    echo: str | None = None\n"
    )
    put_on_path(on_path, PROTOCOLS)
    result = run_cli(tmp_path / "echo_only.py", "--subnet", "echo", "--out", tmp_path / "two")
    assert result.exit_code == 0, result.stderr
    api = (tmp_path / "two" / "echo" / "api.py").read_text()
    assert "class EchoAPI" in api and "Dummy" not in api


# ---- import: the YAML equivalent, and its round trip ---------------------------------


def describe(tp: Any) -> str:
    """An annotation with module paths dropped: the user's `prompting.Role` and the YAML package's `Role` match."""
    if tp is inspect.Parameter.empty:
        return ""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return " | ".join(describe(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is typing.Literal:
        return repr(typing.get_args(tp))
    if typing.get_args(tp):
        origin = typing.get_origin(tp)
        return f"{getattr(origin, '__name__', origin)}[{', '.join(describe(a) for a in typing.get_args(tp))}]"
    return getattr(tp, "__name__", repr(tp))


def signatures(api: types.ModuleType) -> dict[str, list[tuple[str, str, Any]]]:
    out = {}
    for name, cls in vars(api).items():
        if isinstance(cls, type) and name.endswith("API") and cls.__module__ == api.__name__:
            for method in ("prepare_synapse", "process_responses", "__call__"):
                sig = inspect.signature(getattr(cls, method))
                params = [(p.name, describe(p.annotation), getattr(p.default, "value", p.default)) for p in sig.parameters.values()]
                out[f"{name}.{method}"] = params + [("->", describe(sig.return_annotation), None)]
    return out


@pytest.mark.parametrize(
    ("subnet", "schema", "where"), [*((k, v, PROTOCOLS) for k, v in CASES.items()), ("translation", "schemas.translate", ROOT)]
)
def test_import_gives_yaml_with_the_same_api(subnet: str, schema: str, where: Path, tmp_path: Path, on_path: list[str]) -> None:
    yaml_file = tmp_path / f"{subnet}.yaml"
    with cwd(where):
        imported = run_cli("import", schema, "--subnet", subnet, "-o", yaml_file)
        assert imported.exit_code == 0, imported.stderr
        from_python = run_cli(schema, "--subnet", f"{subnet}_py", "--out", tmp_path / "py")
        assert from_python.exit_code == 0, from_python.stderr
    assert yaml_file.read_text().startswith("# Imported by subnet-apigen from ")
    from_yaml = run_cli(yaml_file, "--subnet", f"{subnet}_yaml", "--out", tmp_path / "yaml")
    assert from_yaml.exit_code == 0, from_yaml.stderr
    # (the repo root, for `schemas.translate`, is on sys.path already: pytest's `pythonpath`)
    put_on_path(on_path, tmp_path / "py", tmp_path / "yaml", *([PROTOCOLS] if where == PROTOCOLS else []))
    python_api = importlib.import_module(f"{subnet}_py.api")
    yaml_api = importlib.import_module(f"{subnet}_yaml.api")
    assert signatures(python_api) == signatures(yaml_api)
    assert signatures(python_api)


def test_import_writes_to_stdout() -> None:
    with cwd(PROTOCOLS):
        result = run_cli("import", "template_protocol.py", "--subnet", "template")
    assert result.exit_code == 0, result.stderr
    assert "subnet: template\n" in result.stdout and "deserialize: dummy_output" in result.stdout


def test_generating_from_yaml_does_not_import_bittensor() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "codegen", "schemas/dummy.yaml", "schemas/storage.yaml", "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert "codegen.cli" in imported
    assert not [m for m in imported if m.startswith(("bittensor", "codegen.load.python_source", "codegen.parser.from_python"))]


# ---- bad input ----------------------------------------------------------------


BAD: list[tuple[str, str, list[str]]] = [
    (
        "raises",
        "import bittensor as bt\n\nSETTINGS = {}\n\n\nclass A(bt.Synapse):\n    x: int = SETTINGS['missing']\n",
        [":7:", "importing `{mod}` failed: KeyError: 'missing'"],
    ),
    ("needs_dependency", "import bittensor as bt\nimport not_installed_dep_xyz\n", [":2:", "ModuleNotFoundError: No module named 'not_installed_dep_xyz'"]),
    ("syntax", "import bittensor as bt\nclass A(bt.Synapse)\n    x: int\n", [":2:", "SyntaxError"]),
    ("no_synapse", "import bittensor as bt\nfrom ask_base_mod import Base\nX = 1\n", ["no bittensor.Synapse subclasses are defined in `{mod}` (imported ones don't count)"]),
    (
        "streaming_only",
        "import bittensor as bt\n\n\nclass S(bt.StreamingSynapse):\n    x: int\n",
        [":4:1: S skipped: it is a StreamingSynapse, which Python input doesn't support yet"],
    ),
    (
        "annotations",
        "import datetime\nfrom typing import Optional, Tuple, Union\n\nimport bittensor as bt\nfrom pydantic import Field\n\nclass A(bt.Synapse):\n"
        "    when: datetime.datetime\n    pair: Tuple[int, int] = (1, 2)\n    either: Union[int, str] = 1\n"
        "    blob: Optional[bytes] = None\n    t: Optional[bt.Tensor] = None\n    out: Optional[int] = None\n"
        "    named: Optional[int] = Field(None, alias='Named')\n",
        [
            ":8:5: field `when`: `datetime` is not a type the generator can express; use str, int",
            ":9:5: field `pair`: `Tuple[int, int]` is not supported; use `list[T]`",
            ":10:5: field `either`: `Union[int, str]`: unions other than `Optional[T]` are not supported",
            ":11:5: field `blob`: `bytes` is not supported in Python input yet",
            ":14:5: field `named`: aliases are not supported",
        ],
    ),
    (
        "header_placeholders",
        "from typing import Literal, Optional\n\nimport bittensor as bt\nfrom pydantic import Field\n\n\nclass A(bt.Synapse):\n"
        "    n: int = Field(..., ge=1)\n    mode: Literal['a', 'b']\n    maybe: Optional[int]\n    out: Optional[int] = None\n",
        [
            ":8:5: field `n`: bittensor sends a required field's empty value 0 in the headers",
            "(Input should be greater than or equal to 1)",
            ":9:5: field `mode`: bittensor sends a required field's empty value ''",
            ":10:5: field `maybe`: it is Optional but has no default",
        ],
    ),
    (
        "bad_marker",
        "from typing import Optional\n\nimport bittensor as bt\nfrom pydantic import Field\n\n\nclass A(bt.Synapse):\n"
        "    x: Optional[int] = Field(None, json_schema_extra={'apigen': 'answer'})\n",
        [":8:5: field `x`: `json_schema_extra={\"apigen\": 'answer'}`: use \"request\" or \"response\""],
    ),
    (
        "untyped_deserialize",
        "from typing import Optional\n\nimport bittensor as bt\n\n\nclass A(bt.Synapse):\n    x: int\n    y: Optional[int] = None\n\n"
        "    def deserialize(self):\n        return [self.y]\n",
        [":10:5: A.deserialize() returns a computed value and has no return annotation; annotate it"],
    ),
    (
        "shadowing_name",
        "from typing import Optional\n\nimport bittensor as bt\n\n\nclass A(bt.Synapse):\n    axons: int\n    out: Optional[int] = None\n",
        [":7:5: field 'axons' clashes with a parameter of the generated API call"],
    ),
]


@pytest.mark.parametrize(("stem", "source", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_protocol_exits_2_with_file_line_and_writes_nothing(stem: str, source: str, expected: list[str], tmp_path: Path, on_path: list[str]) -> None:
    mod = f"bad_{stem}_mod"
    (tmp_path / f"{mod}.py").write_text(source)
    (tmp_path / "ask_base_mod.py").write_text("import bittensor as bt\n\n\nclass Base(bt.Synapse):\n    x: int\n")
    put_on_path(on_path, tmp_path)
    out = tmp_path / "out"
    result = run_cli(tmp_path / f"{mod}.py", "--subnet", "x", "--out", out)
    assert result.exit_code == 2, result.stderr
    for text in expected:
        assert text.replace("{mod}", mod) in result.stderr
    assert f"{mod}.py" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["chat_protocol.py"], "chat_protocol.py: Python input needs --subnet NAME"),
        (["no_such_pkg.protocol", "--subnet", "x"], "no_such_pkg.protocol: no module named `no_such_pkg.protocol`"),
        (["missing_file.py", "--subnet", "x"], "missing_file.py: no such file"),
        (["chat_protocol.py:Rang", "--subnet", "x"], "`chat_protocol` has no class `Rang`; did you mean `Rank`?"),
        (["chat_protocol.py:Message", "--subnet", "x"], "`Message` in `chat_protocol` is not a bittensor.Synapse subclass"),
        (["storage_subnet.protocol", "--subnet", "storage_subnet"], "--subnet: 'storage_subnet' is the name of your protocol's own package"),
        (["chat_protocol.py", "--subnet", "x", "--role", "Prompting.nope=request"], "--role: `Prompting` has no field `nope`"),
        (["chat_protocol.py", "--subnet", "x", "--role", "Prompting.model"], "--role: 'Prompting.model': expected SYNAPSE.FIELD=request"),
    ],
)
def test_bad_python_arguments(args: list[str], expected: str, tmp_path: Path) -> None:
    with cwd(PROTOCOLS):
        result = run_cli(*args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_deserialize_self(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    schema.write_text("subnet: whole\nsynapses:\n  Ask:\n    request: {q: str}\n    response: {a: str}\n    deserialize: self\n")
    assert run_cli(schema, "--out", tmp_path).exit_code == 0
    assert "-> list[Ask]:" in (tmp_path / "whole" / "api.py").read_text()



def test_python_input_names_its_package_inline(tmp_path: Path) -> None:
    """`module=name` gives Python input its package name, so several fit one run (and the config)."""
    protocols = ROOT / "tests" / "protocols"
    result = run_cli(f"{protocols / 'template_protocol.py'}=template_api", f"{protocols / 'chat_protocol.py'}=prompting_api", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "template_api" / "api.py").exists() and (tmp_path / "prompting_api" / "api.py").exists()


def test_bittensor_11_target_refuses_python_input_with_a_way_forward(tmp_path: Path) -> None:
    result = run_cli(ROOT / "tests" / "protocols" / "template_protocol.py", "--subnet", "t", "--bittensor", "11", "--out", tmp_path)
    assert result.exit_code == 2
    assert "subnet-apigen import" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "t").exists()
