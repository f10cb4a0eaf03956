"""Regeneration reuses what an edit didn't reach, and its output is exactly a cold run's.

The whole suite runs with SUBNET_APIGEN_VERIFY_CACHE=1 (every reused spec and rendering is
also rebuilt and compared); these tests check the same without it, on random schemas and
random edits, and check that reuse really happens.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen import pipeline, targets
from codegen.format import files as fmt
from codegen.parser import memo as spec_memo
from codegen.render import memo as incremental
from codegen.errors import InputError
from codegen.load.yaml_source import synapse_texts
from tests.conftest import SCHEMAS, TEST_SCHEMAS
from tests.strategies import TEXT, schemas
from tests.test_properties import DERANDOMIZE

EXAMPLES = int(os.environ.get("SUBNET_APIGEN_INCREMENTAL_EXAMPLES", "150"))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(schema: dict[str, Any], flow: bool = False) -> str:
    return yaml.dump(schema, Dumper=_NoAliases, sort_keys=False, default_flow_style=None if flow else False)


@contextmanager
def cache_dir() -> Iterator[None]:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"XDG_CACHE_HOME": tmp}):
        os.environ.pop(incremental.VERIFY_ENV, None)  # what is checked here is the reuse itself
        yield


class Run:
    """Load and render a schema file the way the CLI does, counting what was reused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reused = 0
        self.rendered = 0

    def __call__(self, text: str) -> list[tuple[str, str]] | str:
        self.path.write_text(text, encoding="utf-8")
        load, render_block = spec_memo.SpecMemo.load, incremental.RenderMemo.__call__

        def counting_load(memo: spec_memo.SpecMemo) -> Any:
            spec = load(memo)
            self.reused = len(memo.reused)
            return spec

        def counting_render(memo: incremental.RenderMemo, path: str, synapse: Any, make: Any) -> str:
            self.rendered += memo.cache.get(memo.key(path, synapse)) is None
            return render_block(memo, path, synapse, make)

        self.rendered = 0
        with mock.patch.object(spec_memo.SpecMemo, "load", counting_load), \
                mock.patch.object(incremental.RenderMemo, "__call__", counting_render):
            try:
                [spec] = pipeline.load_all([str(self.path)], None)
            except InputError as exc:
                return "\n".join(str(p) for p in exc.problems)
            return [(f.path, f.text) for f in pipeline.render_package(spec, targets.get("10"))]


def cold(path: Path, text: str) -> list[tuple[str, str]] | str:
    with cache_dir():
        return Run(path)(text)


# ---- edits -------------------------------------------------------------------


@st.composite
def edits(draw: st.DrawFn, schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An edit of a schema (it may make it invalid: then both runs must report the same)."""
    new = yaml.safe_load(dump(schema))  # a deep copy
    synapses: dict[str, Any] = new["synapses"]
    name = draw(st.sampled_from(sorted(synapses)))
    body = synapses[name]
    kinds = ["description", "timeout", "aggregate", "drop field", "rename", "remove", "copy", "model", "netuid"]
    kind = draw(st.sampled_from(kinds))
    if kind == "description":
        body["description"] = draw(TEXT)
    elif kind == "timeout":
        body["timeout"] = draw(st.integers(1, 99))
    elif kind == "aggregate":
        body["aggregate"] = draw(st.sampled_from(["all", "first", "majority", "by_hotkey"]))
    elif kind == "drop field":
        for role in ("request", "response"):
            if body.get(role):
                body[role].pop(draw(st.sampled_from(sorted(body[role]))))
                break
    elif kind == "rename":
        new["synapses"] = {("Renamed" if n == name else n): b for n, b in synapses.items()}
    elif kind == "remove" and len(synapses) > 1:
        del synapses[name]
    elif kind == "copy":
        synapses["Copied"] = yaml.safe_load(dump(body))
    elif kind == "model" and new.get("models"):
        model = draw(st.sampled_from(sorted(new["models"])))
        new["models"][model]["description"] = draw(TEXT)
    else:
        new["netuid"] = draw(st.integers(0, 9))
    return kind, new


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(data=st.data(), schema=schemas())
def test_an_edited_schema_regenerates_exactly_as_from_scratch(data: st.DataObject, schema: dict[str, Any]) -> None:
    kind, edited = data.draw(edits(schema))
    flow = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subnet.yaml"
        with cache_dir():
            run = Run(path)
            run(dump(schema, flow))
            again = run(dump(edited, flow))
            reused = run.reused
        assert again == cold(path, dump(edited, flow)), f"{kind}: regenerating differs from a cold run"
        if kind in ("description", "timeout", "aggregate", "drop field") and not isinstance(again, str):
            changed = sum(body != schema["synapses"][name] for name, body in edited["synapses"].items())
            assert reused == len(edited["synapses"]) - changed, f"{kind}: every other synapse is reused"


# ---- what is reused ----------------------------------------------------------


def bench_like(n: int, changed: int | None = None) -> str:
    synapses = {}
    for i in range(n):
        description = f"Field of task {i}" + (", changed." if i == changed else ".")
        synapses[f"Task{i:02d}"] = {
            "request": {"prompt": {"type": "str", "description": description}, "count": "int"},
            "response": {"answer": "str | None"},
        }
    return dump({"subnet": "bench", "synapses": synapses})


def test_a_one_field_edit_rebuilds_and_renders_one_synapse(tmp_path: Path) -> None:
    path = tmp_path / "subnet.yaml"
    with cache_dir():
        run = Run(path)
        first = run(bench_like(12))
        assert run.reused == 0
        run(bench_like(12, changed=5))
        assert run.reused == 11
        # its test module, hooks and handlers, and its blocks of protocol.py, api.py, client.py and test_miner.py
        assert run.rendered == 7
        assert run(bench_like(12)) == first
        assert run.reused == 12 and run.rendered == 0
    assert cold(path, bench_like(12, changed=5)) != first


def test_an_edit_elsewhere_reuses_nothing_it_reaches(tmp_path: Path) -> None:
    """A model every synapse may use, or the subnet's name: no synapse is reused."""
    path = tmp_path / "subnet.yaml"
    base = yaml.safe_load(bench_like(4))
    renamed = {**base, "subnet": "other"}
    with cache_dir():
        run = Run(path)
        run(dump(base))
        assert run(dump(renamed)) == cold(path, dump(renamed))
        assert run.reused == 0


@pytest.mark.parametrize(
    "text",
    [
        "subnet: x\nsynapses:\n  A: &shared\n    request: {x: int}\n  B: *shared\n",  # aliases
        "subnet: x\nsynapses:\n  ? A\n  : {request: {x: int}}\n",  # an explicit key
        "subnet: x\nsynapses: {}\n---\nsubnet: y\n",  # two documents (an error)
    ],
    ids=["alias", "explicit-key", "two-documents"],
)
def test_reuse_is_off_where_an_entry_depends_on_other_text(text: str, tmp_path: Path) -> None:
    assert synapse_texts(text) is None
    path = tmp_path / "subnet.yaml"
    with cache_dir():
        run = Run(path)
        run(text)
        assert run(text) == cold(path, text)
        assert run.reused == 0


def test_errors_after_an_edit_are_a_cold_runs(tmp_path: Path) -> None:
    """The partial read finds the problem; the report, with positions, comes from a full read."""
    path = tmp_path / "subnet.yaml"
    good = bench_like(6)
    bad = good.replace("count: int", "count: integer", 1).replace("answer: str | None", "answer: list[", 1)
    with cache_dir():
        run = Run(path)
        run(good)
        report = run(bad)
    assert isinstance(report, str) and report.count("subnet.yaml:") == 2
    assert report == cold(path, bad)


def test_stubs_keep_every_line_where_it_was() -> None:
    text = (
        "subnet: x  # a comment\n"
        "synapses:\n"
        "  A:  # first\n"
        "    request:\n"
        "      x: int\n"
        "\n"
        "  # about B\n"
        '  "B": {request: {y: str}}\n'
        "  C:\n"
        "    response: {z: int}\n"
        "models:\n"
        "  M: {fields: {a: int}}\n"
    )
    texts = synapse_texts(text)
    assert texts is not None and list(texts.entries) == ["A", "B", "C"]
    assert texts.with_stubs([]) == text
    stubbed = texts.with_stubs(["A", "B", "C"])
    assert stubbed.count("\n") == text.count("\n")
    assert yaml.safe_load(stubbed) == {**yaml.safe_load(text), "synapses": {"A": {}, "B": {}, "C": {}}}
    assert stubbed.splitlines()[10:] == text.splitlines()[10:]


def test_a_damaged_spec_cache_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "subnet.yaml"
    with cache_dir():
        run = Run(path)
        first = run(bench_like(3))
        [entry] = (Path(os.environ["XDG_CACHE_HOME"]) / "subnet-apigen" / "specs").iterdir()
        data = bytearray(entry.read_bytes())
        data[-5] ^= 0xFF
        entry.write_bytes(bytes(data))
        assert run(bench_like(3)) == first
        assert run.reused == 0
        run(bench_like(3))
        assert run.reused == 3, "and written again whole"


# ---- modules rendered piece by piece -----------------------------------------


def test_pieces_cut_where_the_whole_module_is_cut() -> None:
    """Formatting a module's pieces run by run is formatting the module: same units."""
    rnd = random.Random(7)
    specs = pipeline.load_all([str(p) for p in sorted(SCHEMAS.glob("*.yaml"))] + [str(TEST_SCHEMAS / "every_type.yaml")], None)
    checked = 0
    for spec in specs:
        for f in pipeline.render_package(spec, targets.get("10")):
            if not f.pieces:
                continue
            runs = fmt.unit_groups(f.pieces)
            assert [u for r in runs for u in fmt.split_units(r)] == fmt.split_units(f.text)
            # a piece that doesn't start a unit joins the run before it
            glued = tuple(p if i == 0 else "x = 1\n" + p for i, p in enumerate(f.pieces[: rnd.randrange(2, 4)]))
            assert [u for r in fmt.unit_groups(glued) for u in fmt.split_units(r)] == fmt.split_units("".join(glued))
            checked += 1
    assert checked >= 4 * len(specs)
