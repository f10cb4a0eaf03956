# Your miner code for the `Retrieve` synapse of the `storage` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m storage.miner`) serves `Retrieve` with these functions.
"""Miner handlers for Retrieve: answer a request, refuse it, or rank it."""

from ..protocol import Retrieve
from .store import CHUNKS


async def forward(synapse: Retrieve) -> Retrieve:
    """Return the chunk stored under `data_hash`, if this miner has it."""
    synapse.encrypted_data = CHUNKS.get(synapse.data_hash or "")
    return synapse


async def blacklist(synapse: Retrieve) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Retrieve) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
