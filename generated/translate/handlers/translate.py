# Your miner code for the `Translate` synapse of the `translate` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m translate.miner`) serves `Translate` with these functions.
"""Miner handlers for Translate: answer a request, refuse it, or rank it."""

from schemas.translate import Translate


async def forward(synapse: Translate) -> Translate:
    """Fill the response fields and return the synapse.

    The default answers with fixed valid values: replace them with your miner's work.
    """
    synapse.translations = ["hello", "world"]
    return synapse


async def blacklist(synapse: Translate) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Translate) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
