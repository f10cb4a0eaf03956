"""The naming rules: what a subnet, synapse, model, enum or field may be called, and why not."""

from __future__ import annotations

import builtins
import re
import sys



SYNAPSE_NAMES = frozenset(
    "name timeout total_size header_size dendrite axon computed_body_hash required_hash_fields "
    "deserialize get_total_size is_success is_failure is_timeout is_blacklist failed_verification "
    "get_required_fields to_headers body_hash parse_headers_to_inputs from_headers set_name_type "
    # bittensor.StreamingSynapse's (a `stream: true` synapse is one)
    "process_streaming_response extract_response_json create_streaming_response BTStreamingResponse".split()
)
# Parameters of the generated API call, and names the generated modules define.
BUILTINS = frozenset(dir(builtins))
API_PARAMS = frozenset({"axons", "self", "synapse", "responses"})
# Names the generated class bodies and methods read: a field of that name would shadow them there.
CLASS_BODY_NAMES = frozenset(
    "str int float bool bytes list dict tuple Any Literal ClassVar Annotated WireBytes Field BaseModel bt enum base64".split()
)
# The example client's own options (field options are --name-with-dashes, values land in args.<name>).
CLIENT_OPTIONS = {
    "help": "--help",
    "netuid": "--netuid",
    "network": "--subtensor.network",
    "wallet_name": "--wallet.name",
    "wallet_hotkey": "--wallet.hotkey",
    "wallet_path": "--wallet.path",
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
    "STREAMED SYNAPSES Send Stream StreamError Tensor TensorOf Tuple".split()
)
DENIED_PACKAGES = frozenset(sys.stdlib_module_names) | {"bittensor", "pydantic", "pytest", "codegen", "tests"}
PACKAGE_RE = re.compile(r"[a-z][a-z0-9_]*")  # used with fullmatch: `$` would let "x\n" through


def snake_case(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", s)
    return s.lower()

