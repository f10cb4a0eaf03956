# Your miner code for the `PricePoint` synapse of the `prediction` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m prediction.miner`) serves `PricePoint` with these functions.
"""Miner handlers for PricePoint: answer a request, refuse it, or rank it."""

from ..protocol import PricePoint


async def forward(synapse: PricePoint) -> PricePoint:
    """Fill the response fields and return the synapse.

    The default answers with fixed valid values: replace them with your miner's work.
    """
    synapse.price = 0.25
    synapse.confidence = 0.0
    return synapse


async def blacklist(synapse: PricePoint) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: PricePoint) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
