# Your client-side code for `Store` in the `storage` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated StoreAPI (in api.py) calls these functions.
"""Hooks for StoreAPI: adjust requests and combine answers your way."""

from ..protocol import StoreRequest


def prepare(request: StoreRequest) -> StoreRequest:
    """Adjust the request before it is sent (runs at the end of prepare_synapse)."""
    return request


def postprocess(result: dict[str, bool]) -> dict[str, bool]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
