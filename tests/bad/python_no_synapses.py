# expect: *:*: Synapse
# Python input (issue 3): a module without bittensor.Synapse subclasses has nothing to generate.
from pydantic import BaseModel


class NotASynapse(BaseModel):
    value: int = 0
