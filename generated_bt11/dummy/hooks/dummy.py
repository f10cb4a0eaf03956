# Your client-side code for `Dummy` in the `dummy` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated DummyAPI (in api.py) calls these functions.
"""Hooks for DummyAPI: adjust requests and combine answers your way."""

from ..protocol import DummyRequest


def prepare(request: DummyRequest) -> DummyRequest:
    """Adjust the request before it is sent (runs at the end of prepare_synapse)."""
    return request


def postprocess(result: list[int]) -> list[int]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
