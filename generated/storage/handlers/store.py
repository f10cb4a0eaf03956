# Your miner code for the `Store` synapse of the `storage` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m storage.miner`) serves `Store` with these functions.
"""Miner handlers for Store: answer a request, refuse it, or rank it."""

import hashlib

from ..protocol import Store

CHUNKS: dict[str, bytes] = {}
"""Stored chunks by their sha256 (hex); retrieve.py reads them."""


async def forward(synapse: Store) -> Store:
    """Keep the chunk in memory if it matches its hash; say what was received.

    A stand-in for real storage: chunks live in this process's memory only.
    """
    data = synapse.encrypted_data or b""
    synapse.miner_hash = hashlib.sha256(data).hexdigest()
    synapse.stored = synapse.miner_hash == synapse.data_hash
    if synapse.stored:
        CHUNKS[synapse.miner_hash] = data
    return synapse


async def blacklist(synapse: Store) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Store) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
