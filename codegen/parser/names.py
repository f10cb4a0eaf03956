"""The naming rules: what a subnet, synapse, model, enum or field may be called, and why not."""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from typing import Any

# Python's keywords and the soft keywords `_`, `case` and `match`: no name may be one (a fixed
# list, so that every Python version accepts the same schemas; `type`, soft only since 3.12,
# is a fine name).
KEYWORDS = frozenset(keyword.kwlist) | {"_", "case", "match"}
# Attributes of bittensor.Synapse (fields and methods) a schema field must not shadow.
SYNAPSE_NAMES = frozenset(
    "name timeout total_size header_size dendrite axon computed_body_hash required_hash_fields "
    "deserialize get_total_size is_success is_failure is_timeout is_blacklist failed_verification "
    "get_required_fields to_headers body_hash parse_headers_to_inputs from_headers set_name_type "
    # bittensor.StreamingSynapse's (a `stream: true` synapse is one)
    "process_streaming_response extract_response_json create_streaming_response BTStreamingResponse".split()
)
# Parameters of the generated API call, and names the generated modules define.
BUILTINS = frozenset(dir(builtins))
# (`max_answer_bytes`: the bittensor 10 call's; `max_bytes`, `min_answers`, `quorum`: the bittensor 11 call's own options)
API_PARAMS = frozenset({"axons", "self", "synapse", "responses", "max_answer_bytes", "max_bytes", "min_answers", "quorum"})
# Names the generated class bodies and methods read: a field of that name would shadow them there.
CLASS_BODY_NAMES = frozenset(
    "str int float bool bytes list dict tuple set frozenset Any Literal ClassVar Annotated WireBytes Field BaseModel bt enum base64 "
    "datetime date timezone WireDatetime WireDate WireSet WireFrozenset ConfigDict".split()
)
# The example client's own options (field options are --name-with-dashes, values land in args.<name>).
CLIENT_OPTIONS = {
    "help": "--help",
    "netuid": "--netuid",
    "network": "--subtensor.network",
    "wallet_name": "--wallet.name",
    "wallet_hotkey": "--wallet.hotkey",
    "wallet_path": "--wallet.path",
    "dendrite_external_ip": "--dendrite.external_ip",
    "wire": "--wire",  # the bittensor 11 client's (btauth/1 or bittensor 10's wire)
}
# Module-level names of the generated modules, which import every enum, model and synapse
# name next to their own (tests/test_properties.py checks this list against the templates).
GENERATED_NAMES = frozenset(
    "WireBytes Field BaseModel Any ClassVar Literal Annotated SubnetsAPI Endpoint AxonTarget NETUID S T Answer "
    "BeforeValidator PlainSerializer TypeAdapter ValidationError Callable Iterable Sequence Wallet Generic "
    "NamedTuple TypeVar to_jsonable_python argparse asyncio base64 binascii bt enum json sys "
    "answers attribute by_hotkey canonical collect_all first majority plain succeeded add_common_options "
    "build_parser choice_option json_option jsonable main metagraph_axons parse_axon parse_bytes request_kwargs "
    "query protocol api client hooks tests REQUEST answer reply key expected close dead_axon wallet_dir pytest "
    "Result prepare aggregate postprocess "
    # the client's option readers, and the bittensor 11 target's own names
    "WithJsonSchema parse_port positive_seconds request_problems Outcome AxonLike ROUTES Authenticator "
    "build_app request_target Handler httpx http_auth uvicorn FastAPI itself "
    # capitalised module-level names of the miner, streaming, tensor and test modules
    "AsyncIterable AsyncIterator Awaitable CHUNKS Chunk ClientResponse DOCUMENT Frames GetCoreSchemaHandler "
    "Iterator JSONResponse Keypair Miner PROMPT_STREAM Path Protocol REQUESTS RequestValidationError Response "
    "STREAMED SYNAPSES Send Stream StreamError Tensor TensorOf Tuple Caller MAX_BODY ROUTE BODY LIMITS Running Wallet Pool TypeAlias StreamingResponse "
    # the bittensor 11 target's api.py, protocol.py and tests
    "Self TracebackType R DTYPES MAX_DIMENSIONS GetJsonSchemaHandler JsonSchemaValue Events MinerFailed "
    # the migration bridge (_v10bridge.py and its test)
    "V10Bridge V10Synapse Wire V10Fallback MAX_TIMEOUT V10_FIELDS_BYTES V10_HOTKEYS ASGIApp Receive "
    "Scope Limits NonceStore Mapping "
    # the wire annotations of dates, times and sets, and what they need
    "WireDatetime WireDate WireSet WireFrozenset ConfigDict WrapSerializer SerializerFunctionWrapHandler datetime date timezone "
    # more of _v10bridge.py
    "ALLOWED_DELTA_NS CALLER_UUID Refused TERMINAL_FIELDS TERMINAL_INTS Terminal VERSION".split()
)
DENIED_PACKAGES = frozenset(sys.stdlib_module_names) | {"bittensor", "pydantic", "pytest", "codegen", "tests"}
PACKAGE_RE = re.compile(r"[a-z][a-z0-9_]*")  # used with fullmatch: `$` would let "x\n" through
CLASS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # enum, model and synapse names: ASCII identifiers, not starting with _
FIELD_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # `_x` is private to pydantic (`model_x` opens its protected namespace)
# a class may not be one, in any case
TYPE_WORDS = frozenset({"list", "dict", "optional", "literal", "tensor", "union", "tuple", "set", "frozenset"})


def snake_case(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", s)
    return s.lower()


# Routes a server answers itself, whatever the subnet. A synapse's route is `/<SynapseName>` on
# both targets, so a synapse of such a name would never reach its handler. bittensor 10's Axon
# (bittensor/core/axon.py) is a plain `FastAPI()`, with its /docs, /docs/oauth2-redirect, /redoc
# and /openapi.json, and attaches a ping for `bt.Synapse` itself: /Synapse. The bittensor 11
# miner (templates/bt11/miner.py.jinja) is a FastAPI app too, and answers bittensor 10 dendrites,
# their ping included, on the same routes.
RESERVED_ROUTES: dict[str, str] = {
    "/Synapse": "bittensor's Axon answers its own ping there",
    "/docs": "FastAPI's API docs",
    "/docs/oauth2-redirect": "FastAPI's API docs",
    "/redoc": "FastAPI's API docs",
    "/openapi.json": "FastAPI's OpenAPI document",
}


def reserved_route(synapse: str) -> str | None:
    """Why a synapse can't have this name (its route is served by the Axon or miner itself), or None."""
    why = RESERVED_ROUTES.get(f"/{synapse}")
    return None if why is None else f"synapse {synapse!r} would be served on /{synapse}, a route the server answers itself ({why}); rename it (e.g. {synapse + 'Query'!r})"


def is_keyword(name: str) -> bool:
    return name in KEYWORDS


def json_schema_rules(scalars: frozenset[str], base_model_attributes: frozenset[str]) -> dict[str, dict[str, Any]]:
    """The rules above as JSON Schema (for `subnet-apigen json-schema`): what an editor should
    refuse as a subnet name, a class (enum, model, synapse) name, a synapse's request and
    response field names and a model's field names. The generator checks more than a schema can
    say (names that clash with each other, modules of the standard library), never less."""

    def anchored(regex: re.Pattern[str]) -> str:
        return f"^{regex.pattern}$"

    def none_of(names: set[str] | frozenset[str]) -> dict[str, Any]:
        return {"not": {"enum": sorted(names)}}

    def any_case(words: frozenset[str]) -> str:
        return "^(" + "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in w) for w in sorted(words)) + ")$"

    field_names = KEYWORDS | CLASS_BODY_NAMES | {n for n in base_model_attributes if not n.startswith("_")}
    field = {"pattern": anchored(FIELD_RE), "allOf": [{"not": {"pattern": "_hooks$"}}]}
    on_synapse = field_names | SYNAPSE_NAMES | API_PARAMS
    classes = KEYWORDS | GENERATED_NAMES | BUILTINS | scalars
    return {
        "subnet": {"pattern": anchored(PACKAGE_RE), **none_of(KEYWORDS | (DENIED_PACKAGES - set(sys.stdlib_module_names)))},
        "class": {"pattern": anchored(CLASS_RE), "allOf": [none_of(classes), {"not": {"pattern": any_case(TYPE_WORDS)}}]},
        "synapse": {
            "pattern": anchored(CLASS_RE),
            "allOf": [none_of(classes | {route[1:] for route in RESERVED_ROUTES}), {"not": {"pattern": any_case(TYPE_WORDS)}}],
        },
        "request": {**field, "allOf": [*field["allOf"], none_of(on_synapse | set(CLIENT_OPTIONS))]},
        "response": {**field, "allOf": [*field["allOf"], none_of(on_synapse)]},
        "model_field": {**field, "allOf": [*field["allOf"], none_of(field_names)]},
    }
