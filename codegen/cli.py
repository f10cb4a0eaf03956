"""The `subnet-apigen` command line (Click). Exit codes: 0 ok, 1 --check found changes, 2 bad input.

`subnet-apigen SCHEMA...` runs the `generate` command; other jobs are subcommands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from codegen import __version__
from codegen.errors import InputError

EPILOG = """\b
Examples:
  subnet-apigen schemas/dummy.yaml            generate generated/dummy/
  subnet-apigen schemas/*.yaml --out clients  one package per schema
  subnet-apigen schemas/dummy.yaml --check    exit 1 if generated/ is stale
  subnet-apigen schemas/dummy.yaml --diff     show what would change

Files under the package's hooks/ and handlers/ are yours: written once, never overwritten.
"""


class DefaultGroup(click.Group):
    """A group whose default command is `generate`: `subnet-apigen SCHEMA` needs no verb."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help", "--version")):
            args = ["generate", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "SCHEMA... [OPTIONS]  |  COMMAND [ARGS]...")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The default command's options are the ones users need first.
        default = self.commands["generate"]
        default.format_options(click.Context(default, info_name="generate", parent=ctx), formatter)
        self.format_commands(ctx, formatter)


@click.group(cls=DefaultGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="subnet-apigen")
def main() -> None:
    """Generate a typed bittensor client package from each SCHEMA.

    SCHEMA is a YAML description of a subnet's synapses. For each one the
    package OUT/<subnet>/ gets protocol.py (the synapses), api.py (a typed
    SubnetsAPI class per synapse), client.py (python -m <subnet>.client),
    miner.py (python -m <subnet>.miner), hooks/ and handlers/ (your code,
    never overwritten) and tests/ that pass as generated.
    """


def fail(exc: InputError) -> None:
    """Report bad input as FILE:LINE:COL lines and exit 2."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    sys.exit(2)


@main.command(epilog=EPILOG)
@click.argument("schemas", nargs=-1, required=True, metavar="SCHEMA...")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"), show_default=True, help="Output directory; each subnet becomes OUT/<subnet>/.")
@click.option("--subnet", metavar="NAME", help="Package name (overrides the schema's `subnet:`).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list files that are stale, missing or extra.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of what would change.")
def generate(schemas: tuple[str, ...], out: Path, subnet: str | None, check: bool, show_diff: bool) -> None:
    """Generate a typed bittensor client package from each SCHEMA.

    SCHEMA is a YAML description of a subnet's synapses. For each one the
    package OUT/<subnet>/ gets protocol.py (the synapses), api.py (a typed
    SubnetsAPI class per synapse), client.py (python -m <subnet>.client),
    and tests/ that pass as generated.
    """
    from codegen import pipeline, writer

    try:
        specs = pipeline.load_all(list(schemas), subnet)
        packages = pipeline.build(specs)
    except InputError as exc:
        fail(exc)
    plan = writer.plan(out, packages)
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
        click.echo(f"{state}: {plan.summary()}", err=True)
        sys.exit(1 if plan.changed else 0)
    try:
        writer.apply(plan)
    except OSError as exc:
        click.echo(f"{exc.filename or out}: cannot write: {exc.strerror}", err=True)
        sys.exit(2)
    click.echo(f"{', '.join(s.name for s in specs)} -> {out.as_posix()}/: {plan.summary()}")
