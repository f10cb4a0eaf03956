# Your miner code for `Retrieve` in the `storage` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner.py routes `POST /Retrieve` here after verifying the signature.
"""Miner handlers for `Retrieve`."""

from ..protocol import RetrieveRequest, RetrieveResponse


async def forward(request: RetrieveRequest, caller: str) -> RetrieveResponse:
    """Answer one verified request from the validator hotkey `caller`.

    The default answers with every response field unset: fill them in.
    """
    return RetrieveResponse()


def blacklist(caller: str) -> bool:
    """Whether to refuse requests from this hotkey (403). Default: serve everyone."""
    return False
