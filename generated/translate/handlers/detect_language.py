# Your miner code for the `DetectLanguage` synapse of the `translate` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m translate.miner`) serves `DetectLanguage` with these functions.
"""Miner handlers for DetectLanguage: answer a request, refuse it, or rank it."""

from schemas.translate import DetectLanguage, Language


async def forward(synapse: DetectLanguage) -> DetectLanguage:
    """Fill the response fields and return the synapse.

    The default answers with fixed valid values: replace them with your miner's work.
    """
    synapse.language = Language.EN
    synapse.confidence = 0.0
    return synapse


async def blacklist(synapse: DetectLanguage) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: DetectLanguage) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
