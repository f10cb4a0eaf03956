# Your code for the `Prompt` synapse of the `prompting` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated PromptAPI (in api.py) calls these functions.
"""Hooks for PromptAPI: adjust requests and combine answers your way."""

from ..protocol import Prompt


def prepare(synapse: Prompt) -> Prompt:
    """Adjust the synapse before it is sent (runs at the end of prepare_synapse)."""
    return synapse


def postprocess(result: dict[str, str]) -> dict[str, str]:
    """Last step of process_responses: return the result as the caller should see it."""
    return result
