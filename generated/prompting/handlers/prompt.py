# Your miner code for the `Prompt` synapse of the `prompting` subnet.
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner (`python -m prompting.miner`) serves `Prompt` with these functions.
"""Miner handlers for Prompt: answer a request, refuse it, or rank it."""

import asyncio
from collections.abc import AsyncIterator

from ..protocol import Prompt, Role


async def forward(synapse: Prompt) -> AsyncIterator[str]:
    """Stream the completion word by word; `model` is sent after the last piece.

    A stand-in for a language model: it echoes the last user turn, at most
    `max_tokens` words. Replace it with your model's token stream.
    """
    asked = [m.content for m in synapse.messages or [] if m.role == Role.user]
    words = (asked[-1] if asked else "").split()[: synapse.max_tokens]
    for i, word in enumerate(words):
        await asyncio.sleep(0)  # a real model would await its next token here
        yield word if i == 0 else " " + word
    synapse.model = "echo"


async def blacklist(synapse: Prompt) -> tuple[bool, str]:
    """Return (True, reason) to refuse a request before `forward` runs.

    The default accepts every caller. On a live subnet, refuse hotkeys that are
    not registered on the metagraph (`synapse.dendrite.hotkey`).
    """
    return False, "accepted"


async def priority(synapse: Prompt) -> float:
    """How urgently to serve this request when the miner is busy: higher goes first."""
    return 0.0
