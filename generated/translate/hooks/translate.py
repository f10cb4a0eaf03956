# Your code for the `Translate` synapse of the `translate` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated TranslateAPI (in api.py) calls these functions.
"""Hooks for TranslateAPI: adjust requests and combine answers your way."""

from schemas.translate import Translate


def prepare(synapse: Translate) -> Translate:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: list[list[str]]) -> list[list[str]]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
