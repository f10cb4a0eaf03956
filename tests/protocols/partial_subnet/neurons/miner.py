"""How the subnet's miner answers Search (read by the role scanner, never run)."""

import time

from partial_subnet.protocol import Search


async def forward(synapse: Search) -> Search:
    start = time.time()
    synapse.results = [synapse.query] * (synapse.top_k or 1)
    synapse.process_time = time.time() - start
    return synapse
