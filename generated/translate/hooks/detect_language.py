# Your code for the `DetectLanguage` synapse of the `translate` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated DetectLanguageAPI (in api.py) calls these functions.
"""Hooks for DetectLanguageAPI: adjust requests and combine answers your way."""

from schemas.translate import DetectLanguage, Language


def prepare(synapse: DetectLanguage) -> DetectLanguage:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: list[Language]) -> list[Language]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
