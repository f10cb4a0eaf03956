# Your client-side code for `Retrieve` in the `storage` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated RetrieveAPI (in api.py) calls these functions.
"""Hooks for RetrieveAPI: adjust requests and combine answers your way."""

from ..protocol import RetrieveRequest


def prepare(request: RetrieveRequest) -> RetrieveRequest:
    """Adjust the request before it is sent (runs at the end of prepare_synapse)."""
    return request


def postprocess(result: bytes | None) -> bytes | None:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
