# Your miner code for the `Dummy` synapse of the `dummy` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m dummy.miner`) serves `Dummy` with these functions.
"""Miner handlers for Dummy: answer a request, refuse it, or rank it."""

from ..protocol import Dummy


async def forward(synapse: Dummy) -> Dummy:
    """Double the number, like the subnet template's miner."""
    if synapse.dummy_input is not None:
        synapse.dummy_output = synapse.dummy_input * 2
    return synapse


async def blacklist(synapse: Dummy) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Dummy) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
