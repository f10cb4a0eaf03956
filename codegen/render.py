"""Stage 4: render the spec through the Jinja templates (pure: text in, text out).

Filters here make the last small presentation choices; everything that needs
judgement was decided on the spec model. User text only reaches the output
through ``repr()`` (``pyrepr``) or the ``docstring``/``comment`` escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative to the output dir, "/"-separated
    text: str
    user_owned: bool = False  # written once, never overwritten (the generation gap)
    # For a module rendered piece by piece: its pieces (head, one per synapse, tail), which
    # join to `text` and each start where Black's top-level units start (see fmt.py).
    pieces: tuple[str, ...] = ()


TARGETS = ("10", "11")

Reuse = Callable[[str, SynapseSpec, Callable[[], str]], str]
"""``reuse(path, synapse, make)``: an earlier rendering of that synapse's part of ``path``, else ``make()``."""


def render(spec: SubnetSpec, target: str = "10", reuse: Reuse | None = None, *, whole: bool = False) -> list[RenderedFile]:
    """Every file of the package for a bittensor major version, in a fixed order.

    A module template with a ``synapse`` block (inside its loop over the synapses, with
    ``head`` and ``tail`` blocks around it) is rendered block by block, and ``reuse``
    may supply each synapse's block, as it may each per-synapse file. Those read only
    their synapse, the subnet's own fields and properties and how many synapses there
    are, never another synapse. ``whole`` renders every template in one go instead
    (the same text: the test suite checks).
    """
    env = environment()
    prefix = "" if target == "10" else f"bt{target}/"
    pkg = spec.name

    def of(path: str, s: SynapseSpec, make: Callable[[], str]) -> str:
        return make() if reuse is None else reuse(f"{pkg}/{path}", s, make)

    def one(path: str, template: str, user_owned: bool = False, **extra: object) -> RenderedFile:
        t = env.get_template(prefix + template)
        if whole or "synapse" not in t.blocks:
            return RenderedFile(f"{pkg}/{path}", t.render(subnet=spec, target=target, **extra), user_owned)
        pieces = [_block(t, "head", subnet=spec, target=target)]
        pieces += [of(path, s, partial(_block, t, "synapse", subnet=spec, target=target, s=s)) for s in spec.synapses]
        pieces.append(_block(t, "tail", subnet=spec, target=target) if "tail" in t.blocks else "")
        return RenderedFile(f"{pkg}/{path}", "".join(pieces), user_owned, tuple(pieces))

    def of_synapse(path: str, template: str, s: SynapseSpec, user_owned: bool = False) -> RenderedFile:
        text = of(path, s, lambda: one(path, template, user_owned, s=s).text)
        return RenderedFile(f"{pkg}/{path}", text, user_owned)

    modules = ["__init__.py", "protocol.py", "_aggregate.py", "api.py", "client.py", "miner.py"]
    if spec.protocol_module is not None:  # Python input: the user's own module is the protocol
        modules.remove("protocol.py")
    modules += ["_transport.py"] if target == "11" else ["_runtime.py"] + (["_stream.py"] if spec.streams else [])
    files = [one(m, m + ".jinja") for m in modules]
    files += [one(f"{d}/__init__.py", f"{d}/__init__.py.jinja") for d in ("hooks", "handlers", "tests")]
    files.append(one("tests/conftest.py", "tests/conftest.py.jinja"))
    if target == "11":
        from codegen.openapi import openapi_json

        files.append(one("tests/test_openapi.py", "tests/test_openapi.py.jinja"))
        files.append(RenderedFile(f"{pkg}/openapi.json", openapi_json(spec)))
    else:
        files.append(one("tests/test_miner.py", "tests/test_miner.py.jinja"))
    files.append(RenderedFile(f"{pkg}/requirements.txt", requirements(spec, target)))
    for s in spec.synapses:
        files.append(of_synapse(f"tests/test_{s.snake}.py", "tests/test_synapse.py.jinja", s))
        files.append(of_synapse(f"hooks/{s.snake}.py", "hooks/synapse.py.jinja", s, True))
        files.append(of_synapse(f"handlers/{s.snake}.py", "handlers/synapse.py.jinja", s, True))
    return files


def _block(template: "jinja2.Template", name: str, **context: object) -> str:
    return "".join(template.blocks[name](template.new_context(context)))


def requirements(spec: SubnetSpec, target: str) -> str:
    """What the package needs at run time, pinned to the bittensor major version it targets."""
    lines = [f"bittensor>={target},<{int(target) + 1}"]
    if target == "11":
        lines += ["fastapi>=0.110", "httpx>=0.27", "uvicorn>=0.29"]
    elif spec.uses_tensor:
        lines.append("torch>=2.1")
    return "# Generated by subnet-apigen: what this package needs to run.\n" + "\n".join(lines) + "\n"


@cache
def environment() -> "jinja2.Environment":
    import jinja2  # imported only when something is rendered (not for `--check` of fresh output)

    from codegen.cache import template_cache

    templates = Path(__file__).parent / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=template_cache(templates),
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
        test_imports=test_imports,
        bt11_test_imports=bt11_test_imports,
        test_typing=test_typing,
        hook_typing=hook_typing,
        handler_imports=handler_imports,
        miner_imports=miner_imports,
        aggregate_function=aggregate_function,
        cli_args=cli_args,
        help_text=help_text,
        cli_sample_args=cli_sample_args,
        client_description=client_description,
        protocol_names=protocol_names,
        import_from=import_from,
        new_synapse=new_synapse,
        format_as=lambda value, pattern: pattern.format(value),
        pytuple=lambda items: repr(tuple(items)),
        bt11_typing=bt11_typing,
        wire_imports=wire_imports,
        bt11_protocol_names=bt11_protocol_names,
        bt11_route_models=bt11_route_models,
        bt11_hook_imports=bt11_hook_imports,
        bt11_value=bt11_value,
    )
    return env


# ---- escapes -----------------------------------------------------------

def docstring(text: str) -> str:
    """Text safe inside a triple-double-quoted docstring, reading the same at runtime.

    Backslashes and quotes are escaped; so is every character that is not printable
    (control characters, line separators, BOMs), except newline and tab.
    """
    text = text.replace("\r\n", "\n").replace("\\", "\\\\").replace('"', '\\"')
    return "".join(c if c.isprintable() or c in "\n\t" else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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


def import_from(names: Iterable[str], spec: SubnetSpec, local: str) -> str:
    """The import lines for protocol ``names``: from the generated ``local`` module, or (Python
    input) from the user's modules that define them."""
    names = list(names)
    if spec.protocol_module is None:
        return f"from {local} import {', '.join(names)}"
    by_module: dict[str, list[str]] = {}
    for name in names:
        by_module.setdefault(spec.origins.get(name, spec.protocol_module), []).append(name)
    return "\n".join(f"from {module} import {', '.join(group)}" for module, group in sorted(by_module.items()))


def new_synapse(s: SynapseSpec, spec: SubnetSpec) -> str:
    """The expression prepare_synapse builds the synapse with.

    The user's own classes (Python input) are built with `model_validate`: mypy,
    without pydantic's plugin, takes a `Field(default, ...)` field for a required
    one, so a keyword call that leaves out the response fields would not type-check.
    """
    if spec.protocol_module is None:
        return f"{s.name}(" + ", ".join(f"{f.name}={f.value_expr}" for f in s.request) + ")"
    return f"{s.name}.model_validate({{" + ", ".join(f"{f.name!r}: {f.value_expr}" for f in s.request) + "})"


def api_imports(spec: SubnetSpec) -> list[str]:
    names = [e.name for e in spec.enums] + [m.name for m in spec.models] + [s.name for s in spec.synapses]
    names += wire_imports(spec)
    if spec.uses_bytes and spec.protocol_module is None:
        names.append("WireBytes")
    if spec.uses_tensor:
        names += ["Tensor", "TensorOf", "to_tensor"]
    return sorted(names)


def api_typing(spec: SubnetSpec) -> list[str]:
    """`typing` names the API's annotations use (request parameters, results)."""
    types = [f.type for s in spec.synapses for f in s.fields] + [s.result_ref for s in spec.synapses if s.result_ref]
    return _typing_names(types)


def hook_typing(s: SynapseSpec) -> list[str]:
    return _typing_names(_value_types(s))


def _value_types(s: SynapseSpec) -> list[t.TypeRef]:
    """The types the deserialized value is written with (the hooks' signatures)."""
    if s.result_ref is not None:
        return [s.result_ref]
    return [s.deserialize.type] if s.deserialize else []


def _typing_names(types: Iterable[t.TypeRef]) -> list[str]:
    names: set[str] = set()
    for typ in types:
        for line in typ.imports():
            names.add(line.rsplit(" ", 1)[1])
    return sorted(names)


def named_types(s: SynapseSpec, spec: SubnetSpec) -> set[str]:
    """Enums and models one synapse's fields use, through nested models too."""
    fields_of = {m.name: m.fields for m in spec.models}
    names: set[str] = set()
    todo = list(s.fields)
    while todo:
        for ref in todo.pop().type.walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)) and ref.name not in names:
                names.add(ref.name)
                todo += fields_of.get(ref.name, [])
            elif not isinstance(ref, (t.EnumRef, t.ModelRef)):
                names |= ref.protocol_names()
    return names


def test_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    """protocol names one synapse's test module needs (not every synapse's: output stays linear)."""
    names = named_types(s, spec) | {s.name}
    if any(isinstance(ref, t.TensorType) for f in s.fields for ref in f.type.walk()):
        names |= {"Tensor", "TensorOf", "to_tensor"}
    return sorted(names)


def bt11_test_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    return sorted(named_types(s, spec) | {f"{s.name}Request", f"{s.name}Response"})


def test_typing(s: SynapseSpec) -> list[str]:
    """`typing` names one synapse's test module needs."""
    types = [f.type for f in s.fields] + ([s.result_ref] if s.result_ref else [])
    return sorted(set(_typing_names(types)) | {"Any"})


def hook_imports(s: SynapseSpec) -> list[str]:
    names = {s.name}
    for typ in _value_types(s):
        for ref in typ.walk():
            names |= ref.protocol_names()
            if isinstance(ref, t.TensorType):
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
            elif not isinstance(ref, (t.EnumRef, t.ModelRef)):
                names |= ref.protocol_names()
            if isinstance(ref, t.TensorType):
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


def help_text(text: str) -> str:
    """Text for an argparse `help=`: argparse %-formats it, so a literal % is written %%."""
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
        args += [f"type=json_option(TypeAdapter({f.cli_annotation or base.annotation(wire=True)}))", "metavar='JSON'"]
    if f.required:
        args.append("required=True")
    text = f.description or ""
    if f.choices:
        text += (" " if text else "") + "one of: " + ", ".join(str(v) for v in f.choices)
    if kind == "json":
        text += (" " if text else "") + "(JSON)"
    if f.param_default not in (None, "None"):
        text += f" (default: {f.param_default})"
    elif not f.required and f.param_default == "None" and f.value_expr != f.name:
        text += " (default: the schema's)"
    args.append(f"help={help_text(text.strip())!r}")
    return ", ".join(args)


def cli_sample_args(s: SynapseSpec) -> list[str]:
    """Command-line words that send the tests' sample request."""
    words: list[str] = []
    for f in s.request:
        value = f.samples[0].json
        if f.cli_kind == "bool":
            words.append(f.option if value else "--no-" + f.option[2:])
        elif f.cli_kind == "json":
            words.append(f"{f.option}={t.json_text(value)}")
        else:
            words.append(f"{f.option}={value}")  # one word: a value may start with "-"
    return words


def client_description(spec: SubnetSpec) -> str:
    text = f"Query the `{spec.name}` subnet's miners and print the result as JSON."
    if spec.description:
        text = spec.description + "\n\n" + text
    # argparse %-formats a description only when it mentions %(prog): escape exactly then.
    return text.replace("%", "%%") if "%(prog)" in text else text


# ---- bittensor 11 target -----------------------------------------------


def bt11_route_models(spec: SubnetSpec) -> list[str]:
    return [f"{s.name}{kind}" for s in spec.synapses for kind in ("Request", "Response")]


def bt11_protocol_names(spec: SubnetSpec) -> list[str]:
    return [e.name for e in spec.enums] + [m.name for m in spec.models] + bt11_route_models(spec)


def wire_imports(spec: SubnetSpec) -> list[str]:
    """Besides the protocol's own classes: the date/time classes its fields use, and (YAML input)
    the wire annotations the example client validates options with."""
    types = [f.type for m in spec.models for f in m.fields] + [f.type for s in spec.synapses for f in s.fields]
    types += [s.result_ref for s in spec.synapses if s.result_ref]
    names = {n for typ in types for ref in typ.walk() if not isinstance(ref, (t.EnumRef, t.ModelRef)) for n in ref.protocol_names()}
    if spec.protocol_module is None:
        names.update(spec.wire_helpers)
    return sorted(names)


def bt11_typing(spec: SubnetSpec) -> list[str]:
    """`typing` names protocol.py needs (no ClassVar: btauth signs the whole body)."""
    every = [f for m in spec.models for f in m.fields] + [f for s in spec.synapses for f in s.fields]
    names = {line.rsplit(" ", 1)[1] for f in every for line in f.type.imports(wire=True)}
    if spec.uses_bytes:
        names.update({"Annotated", "Any"})
    names.update(t.helper_typing(spec.wire_helpers))
    return sorted(names)


def bt11_value(text: str, s: SynapseSpec) -> str:
    """A value/result type with the synapse itself (no `deserialize`) spelled as its response model."""
    return text if s.deserialize else re.sub(rf"\b{s.name}\b", f"{s.name}Response", text)


def bt11_hook_imports(s: SynapseSpec) -> list[str]:
    names = set(hook_imports(s)) - {s.name} | {f"{s.name}Request"}
    if s.deserialize is None:
        names.add(f"{s.name}Response")
    return sorted(names)
