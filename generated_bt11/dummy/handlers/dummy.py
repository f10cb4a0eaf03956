# Your miner code for `Dummy` in the `dummy` subnet (bittensor 11).
# subnet-apigen wrote this file once and will never overwrite it: edit it freely.
# The generated miner.py routes `POST /Dummy` here after verifying the signature.
"""Miner handlers for `Dummy`."""

from ..protocol import DummyRequest, DummyResponse


async def forward(request: DummyRequest, caller: str) -> DummyResponse:
    """Answer one verified request from the validator hotkey `caller`: double the input,
    like the subnet template's miner."""
    return DummyResponse(dummy_output=request.dummy_input * 2)


def blacklist(caller: str) -> bool:
    """Whether to refuse requests from this hotkey (403). Default: serve everyone."""
    return False
