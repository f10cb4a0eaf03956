# Your code for the `Retrieve` synapse of the `storage` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated RetrieveAPI (in api.py) calls these functions.
"""Hooks for RetrieveAPI: adjust requests and combine answers your way."""

from ..protocol import Retrieve


def prepare(synapse: Retrieve) -> Retrieve:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: bytes | None) -> bytes | None:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
