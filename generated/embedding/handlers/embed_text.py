# Your miner code for the `EmbedText` synapse of the `embedding` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m embedding.miner`) serves `EmbedText` with these functions.
"""Miner handlers for EmbedText: answer a request, refuse it, or rank it."""

import numpy

from ..protocol import EmbedText, to_tensor


async def forward(synapse: EmbedText) -> EmbedText:
    """One row per text: a normalised histogram of its bytes over 8 buckets.

    A stand-in for an embedding model: replace it with yours.
    """
    rows = numpy.zeros((len(synapse.texts or []), 8), dtype="float32")
    for row, text in zip(rows, synapse.texts or []):
        for byte in text.encode():
            row[byte % 8] += 1
        row /= max(float(numpy.linalg.norm(row)), 1.0)
    synapse.embeddings = to_tensor(rows, "float32")
    return synapse


async def blacklist(synapse: EmbedText) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: EmbedText) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
