"""The `subnet-apigen` command line (Click). Exit codes: 0 ok, 1 --check found changes, 2 bad input.

`subnet-apigen SCHEMA...` runs the `generate` command; the side commands' own logic lives
beside it: ``breaking`` and ``baseline`` (`subnet-apigen breaking`), ``import_schema``
(`subnet-apigen import`) and ``json_schema`` (`subnet-apigen json-schema`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# pydantic looks for plugins in every installed distribution's metadata when the first model
# class is built: about a tenth of a small run. Plugins only observe validation, and a code
# generator needs none (a user who does can set the variable themselves).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import click  # noqa: E402
from click.core import ParameterSource

from codegen import __version__
from codegen.errors import InputError, InternalError

EPILOG = """\b
Examples:
  subnet-apigen schemas/dummy.yaml            generate generated/dummy/
  subnet-apigen schemas/*.yaml --out clients  one package per schema
  subnet-apigen schemas/dummy.yaml --check    exit 1 if generated/ is stale
  subnet-apigen schemas/dummy.yaml --diff     show what would change
  subnet-apigen                               every schema listed in pyproject.toml
  subnet-apigen breaking old.yaml new.yaml    exit 1 on changes that split the network
  subnet-apigen mysubnet.protocol --subnet mysubnet_api
                                              from your own protocol module

Files under the package's hooks/ and handlers/ are yours: written once, never overwritten.
Defaults (schemas, out, ...) come from [tool.subnet-apigen] in ./pyproject.toml.
"""


def _mistyped_command(arg: str, commands: list[str]) -> str | None:
    """The command `arg` was probably meant to be, if it can't be a schema (no such file, no
    dot, no colon) and is one typo away from a command name."""
    import difflib

    if "." in arg or ":" in arg or "/" in arg or Path(arg).exists():
        return None
    close = difflib.get_close_matches(arg, commands, n=1, cutoff=0.75)
    return close[0] if close else None


IMPLIED = "subnet_apigen.implied_generate"
"""ctx.meta key: the command line named no command, so `generate` runs as the default."""


class ImpliedContext(click.Context):
    """`generate`'s context: when the command line didn't name it, neither do its usage and
    error lines (`subnet-apigen -X` says `Try 'subnet-apigen --help'`, not `... generate ...`)."""

    @property
    def command_path(self) -> str:
        path = super().command_path
        return path.removesuffix(" generate") if self.meta.get(IMPLIED) else path


class DefaultGroup(click.Group):
    """A group whose default command is `generate`: `subnet-apigen SCHEMA` needs no verb."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help", "-V", "--version")):
            meant = _mistyped_command(args[0], list(self.commands)) if args else None
            if meant:
                ctx.fail(f"no such command {args[0]!r}; did you mean {meant!r}?")
            args = ["generate", *args]
            ctx.meta[IMPLIED] = True
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[SCHEMA...] [OPTIONS]  |  COMMAND [ARGS]...")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The default command's options are the ones users need first.
        default = self.commands["generate"]
        default.format_options(click.Context(default, info_name="generate", parent=ctx), formatter)
        self.format_commands(ctx, formatter)


@click.group(cls=DefaultGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="subnet-apigen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Generate a typed bittensor client package from each SCHEMA.

    SCHEMA is a YAML description of a subnet's synapses, or a Python protocol
    module of bt.Synapse classes (a .py file or pkg.module[:Class], with
    --subnet). For each one the package OUT/<subnet>/ gets protocol.py (the
    synapses; Python input imports yours instead), api.py (a typed SubnetsAPI
    class per synapse), client.py (python -m <subnet>.client), miner.py
    (python -m <subnet>.miner), hooks/ and handlers/ (your code, never
    overwritten) and tests/ that pass as generated.
    """
    if ctx.invoked_subcommand in ("generate", "breaking"):
        apply_config(ctx)


def apply_config(ctx: click.Context) -> None:
    """Make ./pyproject.toml's [tool.subnet-apigen] the defaults of `generate` (and `breaking`'s schemas).

    A bad table is reported when a command runs, so `--help` still works.
    """
    from codegen.load import config

    try:
        table = config.load()
        if table is None:
            return
        values = config.defaults(table, generate)
    except InputError as exc:
        ctx.meta["config_error"] = exc
        return
    ctx.default_map = {"generate": values}
    if "schemas" in values:
        ctx.default_map["breaking"] = {"schemas": values["schemas"]}


def config_ok(ctx: click.Context) -> None:
    exc = ctx.meta.get("config_error")
    if exc is not None:
        fail(exc)


def note(line: str) -> None:
    """What the Pydantic loader inferred (request/response roles), on stderr."""
    click.echo(line, err=True)


ROLE_HELP = "Python input: set a field's role, e.g. --role Dummy.dummy_output=response (repeatable; overrides the inferred one)."
SCAN_HELP = "Python input: also read this folder's validator and miner code for evidence of each field's role (repeatable; the protocol's own package is always read)."
STRICT_HELP = "Python input: a synapse that can't be generated (or can't be queried on bittensor 10) is an error, not a warning; exit 2 and write nothing."


def fail(exc: InputError) -> None:
    """Report bad input as FILE:LINE:COL lines and exit 2 (a generator bug: exit 3)."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    if isinstance(exc, InternalError):
        click.echo("nothing written: this is a bug in subnet-apigen, not in your schema; please report it with the schema", err=True)
        sys.exit(3)
    sys.exit(2)


@main.command(epilog=EPILOG)
@click.argument("schemas", nargs=-1, metavar="SCHEMA...")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"), show_default=True, help="Output directory; each subnet becomes OUT/<subnet>/.")
@click.option("--subnet", metavar="NAME", help="Package name (overrides the schema's `subnet:`; required for Python input).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list files that are stale, missing or extra.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of what would change.")
@click.option("--bittensor", type=click.Choice(["10", "11"]), default="10", show_default=True, help="bittensor major version to target: 10 (Synapse/Axon/Dendrite) or 11 (signed HTTP, btauth/1).")
@click.option("--role", "roles", multiple=True, metavar="SYNAPSE.FIELD=ROLE", help=ROLE_HELP)
@click.option("--scan", "scan", multiple=True, metavar="DIR", help=SCAN_HELP)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.pass_context
def generate(ctx: click.Context, schemas: tuple[str, ...], out: Path, subnet: str | None, check: bool, show_diff: bool, bittensor: str, roles: tuple[str, ...], scan: tuple[str, ...], strict: bool) -> None:
    """Generate a typed bittensor client package from each SCHEMA.

    SCHEMA is a YAML description of a subnet's synapses, or Python input: a
    .py file or pkg.module[:Class] of bt.Synapse classes, with --subnet. For
    each one the package OUT/<subnet>/ gets protocol.py (the synapses; Python
    input imports yours), api.py (a typed SubnetsAPI class per synapse),
    client.py (python -m <subnet>.client), and tests/ that pass as generated.
    With no SCHEMA, the `schemas` of [tool.subnet-apigen] in ./pyproject.toml
    are generated, and packages in OUT that none of them makes any more are
    removed (their generated files only).
    """
    from codegen.output import stamp

    config_ok(ctx)
    if not schemas:
        raise click.UsageError('give SCHEMA..., or list them in ./pyproject.toml: [tool.subnet-apigen] schemas = ["schemas/*.yaml"]')
    complete = ctx.get_parameter_source("schemas") is ParameterSource.DEFAULT_MAP
    # Every option that shapes the output or the report: together they key the up-to-date stamp.
    options = {"subnet": subnet, "bittensor": bittensor, "roles": list(roles), "complete": complete, "scan": list(scan), "strict": strict}
    if not show_diff:
        with hold(out, write=False):
            known = stamp.fresh(list(schemas), out, options)
        if known is not None:  # exactly as last time: report it without loading, rendering or formatting
            for line in known.warnings:
                click.echo(line, err=True)
            if check:
                click.echo(f"up to date: 0 to write, {known.unchanged} unchanged, 0 to remove", err=True)
                sys.exit(0)
            click.echo(f"{', '.join(known.packages)} -> {out.as_posix()}/: 0 written, {known.unchanged} unchanged, 0 removed")
            return
    from codegen import pipeline
    from codegen.output import gap
    from codegen.output import writer

    try:
        specs = pipeline.load_all(list(schemas), subnet, roles, None if check or show_diff else note, strict, scan)
        packages = pipeline.build(specs, bittensor)
    except InputError as exc:
        fail(exc)
    # From planning to the stamp, no other run may change the tree (nor read it half-written).
    ctx.with_resource(hold(out, write=not (check or show_diff)))
    skipped = [line for spec in specs for line in spec.warnings]
    plan = writer.plan(out, packages, {spec.name: spec.source for spec in specs}, prune=complete)
    if plan.conflicts:
        for problem in plan.conflicts:
            click.echo(str(problem), err=True)
        click.echo("nothing written: subnet-apigen never overwrites or removes a file it did not write", err=True)
        sys.exit(2)
    outdated = gap.check(out, packages)
    warnings = skipped + [str(problem) for problem in plan.warnings + outdated]
    if outdated:
        warnings.append("hint: your files under hooks/ and handlers/ are never overwritten; update them, or move one away to get the current default")
    for line in warnings:
        click.echo(line, err=True)
    if show_diff:
        text = plan.diff()
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        for line in text.splitlines(keepends=True):
            fg = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1]) if color and not line.startswith(("+++", "---")) else None
            click.echo(click.style(line, fg=fg) if fg else line, nl=False)
        sys.exit(1 if plan.changed else 0)
    if check:
        for line in plan.stale_report():
            click.echo(line)
        state = "stale" if plan.changed else "up to date"
        click.echo(f"{state}: {plan.summary(dry_run=True)}", err=True)
        stamp.record(list(schemas), out, options, [spec.name for spec in specs], plan, warnings)
        sys.exit(1 if plan.changed else 0)
    try:
        writer.apply(plan)
    except OSError as exc:
        click.echo(f"{exc.filename or out}: cannot write: {exc.strerror}", err=True)
        sys.exit(2)
    stamp.record(list(schemas), out, options, [spec.name for spec in specs], plan, warnings)
    click.echo(f"{', '.join(s.name for s in specs)} -> {out.as_posix()}/: {plan.summary()}")


@contextmanager
def hold(out: Path, *, write: bool) -> Iterator[None]:
    """The output directory's lock (codegen.output.lock); another run holding it too long is exit 2."""
    from codegen.output import lock

    try:
        with lock.locked(out, write=write):
            yield
    except lock.Busy as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


generate.context_class = ImpliedContext


@main.command()
@click.argument("schemas", nargs=-1, metavar="OLD NEW | SCHEMA... --against REF")
@click.option("--against", metavar="REF", help="Compare each SCHEMA with itself as committed at this git ref (e.g. origin/main).")
@click.option("--api", "fail_on_api", is_flag=True, help="Also exit 1 for changes that only break Python code using the generated package.")
@click.pass_context
def breaking(ctx: click.Context, schemas: tuple[str, ...], against: str | None, fail_on_api: bool) -> None:
    """Report protocol changes that break older miners or validators.

    Validators and miners upgrade at different times; a breaking change makes
    nodes on different versions reject each other. Give two schemas (OLD NEW;
    either may be REF:path for a file at a git ref), or schemas and --against
    REF (with no schemas, those of [tool.subnet-apigen]). Prints
    FILE:LINE:COL: LEVEL [rule]: message, where LEVEL is breaking, api
    (breaks code using the generated package, not the network) or note (safe
    until a node sends a newly allowed value). Exit 1 if any change is breaking.
    """
    from codegen.cli import baseline

    config_ok(ctx)
    from_config = ctx.get_parameter_source("schemas") is ParameterSource.DEFAULT_MAP
    if against is None and (from_config or len(schemas) != 2):
        raise click.UsageError("give OLD NEW, or SCHEMA... --against REF")
    if against is not None and not schemas:
        raise click.UsageError("give SCHEMA... to compare with --against, or list them in [tool.subnet-apigen] schemas")
    try:
        pairs, skipped = baseline.pairs(list(schemas), against)
    except InputError as exc:
        fail(exc)
    for line in skipped:
        click.echo(line, err=True)
    report = baseline.report(pairs)
    for line in report.lines:
        click.echo(line)
    failing = report.counts["breaking"] + (report.counts["api"] if fail_on_api else 0)
    click.echo(("FAIL: " if failing else "ok: ") + report.summary(), err=True)
    sys.exit(1 if failing else 0)


@main.command("json-schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def json_schema_command(output: Path | None) -> None:
    """Print the JSON Schema of the YAML format (for yaml-language-server and other editors).

    Reference it from the first line of a schema file:
    # yaml-language-server: $schema=subnet-apigen.schema.json
    """
    from codegen.output import writer
    from codegen.cli.json_schema import json_schema_text

    text = json_schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        writer.write_file(output, text)
    except OSError as exc:
        click.echo(f"{exc.filename or output}: cannot write: {exc.strerror}", err=True)
        sys.exit(2)


@main.command("import")
@click.argument("module", metavar="MODULE")
@click.option("--subnet", metavar="NAME", required=True, help="The schema's `subnet:` (the package name).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the YAML here (default: stdout).")
@click.option("--role", "roles", multiple=True, metavar="SYNAPSE.FIELD=ROLE", help=ROLE_HELP)
def import_(module: str, subnet: str, output: Path | None, roles: tuple[str, ...]) -> None:
    """Write the YAML schema equivalent to a Python protocol MODULE.

    MODULE is a .py file or a dotted module (pkg.protocol[:Class]). Generating
    from the YAML gives an API with the same signatures as generating from
    MODULE, so a team can move its protocol description to YAML.
    """
    from codegen.output import writer
    from codegen.cli.import_schema import import_schema

    try:
        text = import_schema(module, subnet, roles, note, name=output.as_posix() if output else "schema.yaml")
    except InputError as exc:
        fail(exc)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        writer.write_file(output, text)
    except OSError as exc:
        click.echo(f"{exc.filename or output}: cannot write: {exc.strerror}", err=True)
        sys.exit(2)
    click.echo(f"{module} -> {output.as_posix()}", err=True)
