# Your code for the `EmbedImage` synapse of the `embedding` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated EmbedImageAPI (in api.py) calls these functions.
"""Hooks for EmbedImageAPI: adjust requests and combine answers your way."""

from ..protocol import EmbedImage, Tensor


def prepare(synapse: EmbedImage) -> EmbedImage:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: dict[str, Tensor]) -> dict[str, Tensor]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
