# expect: 9:*: boom at import
# Python input (issue 3): a protocol module that raises while being imported must be reported
# at the raising line, with nothing written.
import bittensor as bt


class Ping(bt.Synapse):
    value: int = 0
raise RuntimeError("boom at import")
