"""Stage 4: render the spec through the Jinja templates (pure: text in, text out).

Filters here make the last small presentation choices; everything that needs
judgement was decided on the spec model. User text only reaches the output
through ``repr()`` (``pyrepr``) or the ``docstring``/``comment`` escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
import jinja2

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative to the output dir, "/"-separated
    text: str
    user_owned: bool = False  # written once, never overwritten (the generation gap)


def render(spec: SubnetSpec) -> list[RenderedFile]:
    """Every file of the package, owned ones first, in a fixed order."""
    env = environment()
    ctx = {"subnet": spec}
    pkg = spec.name
    files = [
        RenderedFile(f"{pkg}/__init__.py", env.get_template("__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/protocol.py", env.get_template("protocol.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/_aggregate.py", env.get_template("_aggregate.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/api.py", env.get_template("api.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/client.py", env.get_template("client.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/miner.py", env.get_template("miner.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/_runtime.py", env.get_template("_runtime.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/hooks/__init__.py", env.get_template("hooks/__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/handlers/__init__.py", env.get_template("handlers/__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/tests/__init__.py", env.get_template("tests/__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/tests/conftest.py", env.get_template("tests/conftest.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/tests/test_miner.py", env.get_template("tests/test_miner.py.jinja").render(ctx)),
    ]
    if spec.streams:
        files.insert(3, RenderedFile(f"{pkg}/_stream.py", env.get_template("_stream.py.jinja").render(ctx)))
    for s in spec.synapses:
        sctx = {"subnet": spec, "s": s}
        files.append(RenderedFile(f"{pkg}/tests/test_{s.snake}.py", env.get_template("tests/test_synapse.py.jinja").render(sctx)))
        files.append(RenderedFile(f"{pkg}/hooks/{s.snake}.py", env.get_template("hooks/synapse.py.jinja").render(sctx), user_owned=True))
        files.append(RenderedFile(f"{pkg}/handlers/{s.snake}.py", env.get_template("handlers/synapse.py.jinja").render(sctx), user_owned=True))
    return files


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("codegen", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(
        pyrepr=repr,
        docstring=docstring,
        comment=comment,
        exported_names=exported_names,
        api_imports=api_imports,
        api_typing=api_typing,
        hook_imports=hook_imports,
        hook_typing=hook_typing,
        handler_imports=handler_imports,
        miner_imports=miner_imports,
        aggregate_function=aggregate_function,
        cli_args=cli_args,
        cli_sample_args=cli_sample_args,
        client_description=client_description,
        protocol_names=protocol_names,
        format_as=lambda value, pattern: pattern.format(value),
        pytuple=lambda items: repr(tuple(items)),
    )
    return env


# ---- escapes -----------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")


def docstring(text: str) -> str:
    """Text safe inside a triple-double-quoted docstring, reading the same at runtime."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\\r")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def comment(text: str) -> str:
    """Text safe on one comment line."""
    return repr(text)[1:-1] if not text.isprintable() else text


# ---- names and imports -------------------------------------------------


def exported_names(spec: SubnetSpec) -> list[str]:
    names = [e.name for e in spec.enums] + [m.name for m in spec.models]
    for s in spec.synapses:
        names += [s.name, s.api_name]
    return sorted(names)


def protocol_names(spec: SubnetSpec) -> list[str]:
    return [e.name for e in spec.enums] + [m.name for m in spec.models] + [s.name for s in spec.synapses]


def api_imports(spec: SubnetSpec) -> list[str]:
    names = [e.name for e in spec.enums] + [m.name for m in spec.models] + [s.name for s in spec.synapses]
    if spec.uses_bytes:
        names.append("WireBytes")
    if spec.uses_tensor:
        names += ["Tensor", "TensorOf", "to_tensor"]
    return sorted(names)


def api_typing(spec: SubnetSpec) -> list[str]:
    """`typing` names the API's annotations use (request parameters, results)."""
    return _typing_names(f for s in spec.synapses for f in s.fields)


def hook_typing(s: SynapseSpec) -> list[str]:
    return _typing_names([s.deserialize] if s.deserialize else [])


def _typing_names(fields: Iterable[FieldSpec]) -> list[str]:
    names: set[str] = set()
    for f in fields:
        for line in f.type.imports():
            names.add(line.rsplit(" ", 1)[1])
    return sorted(names)


def hook_imports(s: SynapseSpec) -> list[str]:
    names = {s.name}
    if s.deserialize is not None:
        for ref in s.deserialize.type.walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)):
                names.add(ref.name)
            elif isinstance(ref, t.TensorType):
                names.add("Tensor")
    return sorted(names)


def handler_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    """Names the default miner handler needs: the synapse, and what its response samples build."""
    models = {m.name: m for m in spec.models}
    names = {s.name}
    pending = [f.type for f in s.response]
    while pending:
        for ref in pending.pop().walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)) and ref.name not in names:
                names.add(ref.name)
                if ref.name in models:
                    pending += [f.type for f in models[ref.name].fields if f.required]
            elif isinstance(ref, t.TensorType):
                names.add("to_tensor")
    if s.stream is not None and any(isinstance(r, t.TensorType) for r in s.stream.field.type.walk()):
        names.add("Tensor")  # the streamed pieces' annotation
    return sorted(names)


def miner_imports(spec: SubnetSpec) -> list[str]:
    names = [s.name for s in spec.synapses] + [s.stream.frames_name for s in spec.synapses if s.stream]
    return sorted(names)


def aggregate_function(aggregate: str) -> str:
    return {"all": "collect_all"}.get(aggregate, aggregate)


# ---- example client ----------------------------------------------------


def _help(text: str) -> str:
    return text.replace("%", "%%")


def cli_args(f: FieldSpec) -> str:
    """Keyword arguments of the field's `add_argument` call."""
    base = f.type.non_null()
    args: list[str] = []
    kind = f.cli_kind
    if kind in ("int", "float"):
        args.append(f"type={kind}")
    elif kind == "bool":
        args.append("action=argparse.BooleanOptionalAction")
    elif kind == "bytes":
        args += ["type=parse_bytes", "metavar='BASE64'"]
    elif kind == "choice":
        values = f"list({base.annotation()})" if isinstance(base, t.EnumRef) else repr(list(f.choices))
        args += [f"type=choice_option({values})", "metavar='VALUE'"]
    elif kind == "json":
        args += [f"type=json_option(TypeAdapter({base.annotation(wire=True)}))", "metavar='JSON'"]
    if f.required:
        args.append("required=True")
    help_text = f.description or ""
    if f.choices:
        help_text += (" " if help_text else "") + "one of: " + ", ".join(str(v) for v in f.choices)
    if kind == "json":
        help_text += (" " if help_text else "") + "(JSON)"
    if f.param_default not in (None, "None"):
        help_text += f" (default: {f.param_default})"
    elif not f.required and f.param_default == "None" and f.value_expr != f.name:
        help_text += " (default: the schema's)"
    args.append(f"help={_help(help_text.strip())!r}")
    return ", ".join(args)


def cli_sample_args(s: SynapseSpec) -> list[str]:
    """Command-line words that send the tests' sample request."""
    words: list[str] = []
    for f in s.request:
        value = f.samples[0].json
        if f.cli_kind == "bool":
            words.append(f.option if value else "--no-" + f.option[2:])
        elif f.cli_kind == "json":
            words += [f.option, t.json_text(value)]
        else:
            words += [f.option, str(value)]
    return words


def client_description(spec: SubnetSpec) -> str:
    text = f"Query the `{spec.name}` subnet's miners and print the result as JSON."
    if spec.description:
        text = spec.description + "\n\n" + text
    return text.replace("%", "%%") if "%(" in text else text
