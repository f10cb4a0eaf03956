# Your miner code for `Store` in the `storage` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner.py routes `POST /Store` here after verifying the signature.
"""Miner handlers for `Store`."""

from ..protocol import StoreRequest, StoreResponse


async def forward(request: StoreRequest, caller: str) -> StoreResponse:
    """Answer one verified request from the validator hotkey `caller`.

    The default answers with every response field unset: fill them in.
    """
    return StoreResponse()


def blacklist(caller: str) -> bool:
    """Whether to refuse requests from this hotkey (403). Default: serve everyone."""
    return False
