"""What the package's README.md says, decided here; `README.md.jinja` only lays it out.

User text reaches Markdown only through ``md`` (inline text), ``md_code`` (a code span) and
``md_fence`` (a fenced block): none of it can open a heading, a link, raw HTML, a table cell
or a code block of its own, or close ours.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec

# Characters that mean something inline in CommonMark/GFM (emphasis, code, links, raw HTML,
# entities, strikethrough, table cells, math). Escaped with a backslash, which CommonMark
# allows before any ASCII punctuation.
_INLINE = set("\\`*_[]<>|~&$")  # (`!` only matters before `[`, which is escaped)


def md(text: str | None) -> str:
    """User text as one line of inline Markdown that reads as the text itself (safe in a table cell)."""
    if not text:
        return ""
    # One line (a newline would end a table row or start a block), control characters as spaces.
    words = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    out = "".join("\\" + c if c in _INLINE else c for c in words)
    # A line never starts with user text in our layout, but `#`, `-`, `+`, `>`, `=` or `1.`
    # must not either way: escape a leading block marker.
    number = re.match(r"\d+(?=[.)])", out)
    if out[:1] and out[0] in "#-+>=":
        out = "\\" + out
    elif number:
        out = number.group() + "\\" + out[number.end():]
    return out


def md_code(text: str, table: bool = True) -> str:
    """`text` as a code span (read literally); in a table `|` is written `\\|`, as GFM requires."""
    text = " ".join(text.split()) if "\n" in text else text
    text = "".join(c if c.isprintable() else " " for c in text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if table else span


def md_fence(text: str, info: str = "") -> str:
    """A fenced code block holding `text` verbatim, its fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def md_comment(text: str) -> str:
    """Text safe inside an HTML comment (no `--`, which could close it)."""
    return "".join(c if c.isprintable() else " " for c in text).replace("--", "- -").replace(">", "&gt;")


@dataclass(frozen=True)
class FieldRow:
    """One line of a field table (every value already Markdown)."""

    name: str
    type: str
    constraints: str
    default: str
    description: str


def field_rows(fields: list[FieldSpec], side: str) -> list[FieldRow]:
    """Table rows for request fields (`side="request"`), response fields or model fields."""
    rows = []
    for f in fields:
        if f.has_default:
            default = md_code(repr(f.default))
        elif side == "response":
            default = "unset (`None`) until a miner fills it"
        elif f.required:
            default = "required"
        else:
            default = md_code("None")
        constraints = ", ".join(md_code(f"{k}={v!r}") for k, v in f.constraints.items())
        if f.hash:
            constraints = ", ".join(filter(None, [constraints, "hashed"]))
        rows.append(FieldRow(md_code(f.name), md_code(f.type.annotation()), constraints, default, md(f.description)))
    return rows


AGGREGATES = {
    "all": "every healthy miner's answer, in the order of `axons`",
    "first": "the first healthy miner's answer (in the order of `axons`), `None` when none answered",
    "majority": "the most common answer (ties go to the first seen), `None` when none answered",
    "by_hotkey": "each healthy miner's answer keyed by its hotkey",
    "custom": "whatever `aggregate()` in `hooks/{snake}.py` returns (yours)",
}


def aggregate_text(s: SynapseSpec) -> str:
    return AGGREGATES[s.aggregate].format(snake=s.snake)


def result_type(s: SynapseSpec) -> str:
    return md_code(s.result_type.replace(f"{s.snake}_hooks.", ""), table=False)


def call_example(s: SynapseSpec, target: str) -> str:
    """The Python lines a validator writes to query this synapse."""
    args = "".join(f"    {f.name}={f.samples[0].expr},\n" for f in s.request if f.samples)
    if target == "11":
        axons = 'axons=[Endpoint("127.0.0.1", 8091, MINER_HOTKEY)]'
    else:
        axons = "axons=metagraph.axons"
    return f"result = await {s.api_name}(wallet)(\n    {axons},\n{args}    timeout={s.timeout!r},\n)"


def client_command(s: SynapseSpec, spec: SubnetSpec, sample_args: list[str]) -> str:
    """The example client's command line for this synapse, with the tests' sample request
    (`sample_args`: the `cli_sample_args` filter's words)."""
    words = ["python", "-m", f"{spec.name}.client", "--axon", "IP:PORT:HOTKEY"]
    if len(spec.synapses) > 1:
        words.append(s.snake.replace("_", "-"))
    words += sample_args
    return " ".join(w if w == "IP:PORT:HOTKEY" else shlex.quote(w) for w in words)
