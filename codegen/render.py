"""Stage 4: render the spec through the Jinja templates (pure: text in, text out).

Filters here make the last small presentation choices; everything that needs
judgement was decided on the spec model. User text only reaches the output
through ``repr()`` (``pyrepr``) or the ``docstring``/``comment`` escapes.
"""

from __future__ import annotations

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
        RenderedFile(f"{pkg}/hooks/__init__.py", env.get_template("hooks/__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/tests/__init__.py", env.get_template("tests/__init__.py.jinja").render(ctx)),
        RenderedFile(f"{pkg}/tests/conftest.py", env.get_template("tests/conftest.py.jinja").render(ctx)),
    ]
    for s in spec.synapses:
        sctx = {"subnet": spec, "s": s}
        files.append(RenderedFile(f"{pkg}/tests/test_{s.snake}.py", env.get_template("tests/test_synapse.py.jinja").render(sctx)))
        files.append(RenderedFile(f"{pkg}/hooks/{s.snake}.py", env.get_template("hooks/synapse.py.jinja").render(sctx), user_owned=True))
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
        aggregate_function=aggregate_function,
        cli_args=cli_args,
        help_text=help_text,
        cli_sample_args=cli_sample_args,
        client_description=client_description,
        protocol_names=protocol_names,
        format_as=lambda value, pattern: pattern.format(value),
        pytuple=lambda items: repr(tuple(items)),
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


def api_imports(spec: SubnetSpec) -> list[str]:
    names = [e.name for e in spec.enums] + [m.name for m in spec.models] + [s.name for s in spec.synapses]
    if spec.uses_bytes:
        names.append("WireBytes")
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
        args += [f"type=json_option(TypeAdapter({base.annotation(wire=True)}))", "metavar='JSON'"]
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
