"""How the subnet's validator sends Search (read by the role scanner, never run)."""

from typing import Any

from partial_subnet.protocol import Search


async def forward(dendrite: Any, axons: list[Any]) -> list[Any]:
    synapse = Search(query="cats", top_k=3)
    synapse.language = "en"
    return await dendrite(axons=axons, synapse=synapse, timeout=5)
