# Your miner code for the `Forecast` synapse of the `prediction` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m prediction.miner`) serves `Forecast` with these functions.
"""Miner handlers for Forecast: answer a request, refuse it, or rank it."""

from ..protocol import Forecast


async def forward(synapse: Forecast) -> Forecast:
    """Fill the response fields and return the synapse.

    The default answers with fixed valid values: replace them with your miner's work.
    """
    synapse.direction = "up"
    return synapse


async def blacklist(synapse: Forecast) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Forecast) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
