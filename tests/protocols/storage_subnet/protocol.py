# A storage subnet in the style of subnet 21: several synapses, hash fields, a
# response that is only marked as one, and a synapse that keeps bittensor's deserialize().
import typing

import bittensor as bt
import pydantic


class Store(bt.Synapse):
    """Ask a miner to store an encrypted chunk."""

    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("encrypted_data", "data_hash")

    encrypted_data: str = pydantic.Field(..., description="The encrypted chunk, base64.")
    data_hash: str = pydantic.Field(..., description="sha256 of the chunk, hex.")
    curve: str = "P-256"
    ttl: typing.Optional[int] = pydantic.Field(
        None, gt=0, description="Seconds to keep it; None keeps it.", json_schema_extra={"apigen": "request"}
    )
    stored: typing.Optional[bool] = None
    miner_hash: typing.Optional[str] = None

    def deserialize(self) -> typing.Optional[bool]:
        return self.stored


class Retrieve(bt.Synapse):
    """Fetch a chunk back by its hash."""

    data_hash: str
    encrypted_data: typing.Optional[str] = None

    def deserialize(self) -> typing.Optional[str]:
        return self.encrypted_data


class Stats(bt.Synapse):
    """How much a miner holds."""

    chunks: typing.Optional[int] = None
    bytes_used: typing.Optional[int] = None

    def deserialize(self) -> bt.Synapse:
        return self


class Delete(bt.Synapse):
    """Ask a miner to forget a chunk."""

    data_hash: str
    deleted: bool = pydantic.Field(False, json_schema_extra={"apigen": "response"})
