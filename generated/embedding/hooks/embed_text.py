# Your code for the `EmbedText` synapse of the `embedding` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated EmbedTextAPI (in api.py) calls these functions.
"""Hooks for EmbedTextAPI: adjust requests and combine answers your way."""

from ..protocol import EmbedText, Tensor


def prepare(synapse: EmbedText) -> EmbedText:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: dict[str, Tensor]) -> dict[str, Tensor]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
