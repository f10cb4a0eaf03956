# Your code for the `PricePoint` synapse of the `prediction` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated PricePointAPI (in api.py) calls these functions.
"""Hooks for PricePointAPI: adjust requests and combine answers your way."""

from ..protocol import PricePoint


def prepare(synapse: PricePoint) -> PricePoint:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: dict[str, float]) -> dict[str, float]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
