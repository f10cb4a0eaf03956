# Your miner code for the `EmbedImage` synapse of the `embedding` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m embedding.miner`) serves `EmbedImage` with these functions.
"""Miner handlers for EmbedImage: answer a request, refuse it, or rank it."""

from ..protocol import EmbedImage, to_tensor


async def forward(synapse: EmbedImage) -> EmbedImage:
    """The image's mean R, G, B and brightness, and their spread: 8 numbers in [0, 1].

    A stand-in for a vision model: replace it with yours.
    """
    if synapse.image is None:
        return synapse
    pixels = synapse.image.numpy().reshape(-1, 3).astype("float32") / 255.0
    gray = pixels.mean(axis=1)
    features = [*pixels.mean(axis=0), gray.mean(), *pixels.std(axis=0), gray.std()]
    synapse.embedding = to_tensor(features, "float32")
    return synapse


async def blacklist(synapse: EmbedImage) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: EmbedImage) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
