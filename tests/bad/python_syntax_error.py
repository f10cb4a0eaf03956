# expect: 5:*: invalid syntax
# Python input (issue 3): a module that can't be imported (a syntax error) is bad input with a position.
import bittensor as bt

class Ping(bt.Synapse:
    value: int = 0
