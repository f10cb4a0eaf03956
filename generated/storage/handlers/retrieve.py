# Your miner code for the `Retrieve` synapse of the `storage` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m storage.miner`) serves `Retrieve` with these functions.
"""Miner handlers for Retrieve: answer a request, refuse it, or rank it."""

from ..protocol import Retrieve


async def forward(synapse: Retrieve) -> Retrieve:
    """Fill the response fields and return the synapse.

    The default answers with fixed valid values: replace them with your miner's work.
    """
    synapse.encrypted_data = b"\x00\xffdata"
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
