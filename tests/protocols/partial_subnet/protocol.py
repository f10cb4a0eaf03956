"""Synapses as real subnets write them: the template's frozen required field, a model from
another file with a field the generator can't express, defects bittensor 10 can't carry, and
fields whose role only the validator and miner code shows."""

import typing
from typing import List, Optional

import bittensor as bt
from pydantic import Field

from partial_subnet.models import Reading


class Search(bt.Synapse):
    """Search the miner's index."""

    query: str = Field(..., frozen=True)
    top_k: Optional[int] = None  # the validator sets it: a request, whatever its default says
    language: str = ""  # set before sending
    results: List[str] = []
    process_time: float = 9999.0  # the miner fills it: a response despite its default


class Measure(bt.Synapse):
    """Uses a model whose field can't be generated: skipped alone."""

    label: str = ""
    reading: Optional[Reading] = None


class Flagged(bt.Synapse):
    """A bool defaulting to None: the axon answers 500 to a synapse left at the default."""

    prompt: str = ""
    done: bool = None  # type: ignore[assignment]
    answer: Optional[str] = None


class Hashed(bt.Synapse):
    """required_hash_fields names a non-field: the dendrite raises KeyError before sending."""

    required_hash_fields: typing.ClassVar[tuple[str, ...]] = ("prompt", "missing")
    prompt: str = ""
    answer: Optional[str] = None


class Caption(bt.Synapse):
    """No code speaks: deserialize() names the answer, so the empty image is a parameter."""

    image_b64: str = Field("", description="Base64-encoded PNG.")
    caption: Optional[str] = None

    def deserialize(self) -> Optional[str]:
        return self.caption
