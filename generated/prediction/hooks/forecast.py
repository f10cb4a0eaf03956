# Your code for the `Forecast` synapse of the `prediction` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated ForecastAPI (in api.py) calls these functions.
"""Hooks for ForecastAPI: adjust requests and combine answers your way."""

from typing import Literal

from ..protocol import Forecast


def prepare(synapse: Forecast) -> Forecast:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(
    result: Literal["up", "down", "flat"] | None,
) -> Literal["up", "down", "flat"] | None:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
