"""Field constraints and default factories everywhere, and typed deserialize() results."""

from typing import Annotated, Dict, List, Literal, Optional

import bittensor as bt
from pydantic import Field, field_validator


class Score(bt.Synapse):
    """Score a batch of texts."""

    texts: List[str] = Field(default_factory=list, max_length=16, json_schema_extra={"apigen": "request"})
    weights: Dict[str, float] = Field(default_factory=lambda: {"fluency": 1.0})
    threshold: float = Field(0.5, ge=0, le=1)
    top_k: int = Field(3, ge=1, le=10)
    mode: Literal["fast", "exact"] = "fast"
    tag: Annotated[str, Field(pattern=r"^[a-z]+$")] = "abc"
    scores: Optional[List[float]] = Field(None, max_length=16)

    def deserialize(self) -> Optional[List[float]]:
        return self.scores


class Embed(bt.Synapse):
    """Embed a text."""

    text: str = Field(..., max_length=100)
    dim: int = Field(8, multiple_of=8, le=64)
    normalize: bool = True
    embedding: List[float] = Field(default_factory=list)

    @field_validator("dim")
    @classmethod
    def not_sixteen(cls, value: int) -> int:
        if value == 16:
            raise ValueError("16 is reserved")
        return value

    def deserialize(self) -> List[float]:
        return self.embedding


class Ping(bt.Synapse):
    """Is the miner up? No request fields, and an unannotated deserialize(), as many protocols have."""

    alive: Optional[bool] = None

    def deserialize(self):  # type: ignore[no-untyped-def]
        return self.alive
