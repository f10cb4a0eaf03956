"""Text prompting, in the style of subnet 1: a conversation in, a completion out."""

from __future__ import annotations

import enum
from typing import Dict, List, Literal, Optional

import bittensor as bt
from pydantic import BaseModel, Field


class Role(str, enum.Enum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class Message(BaseModel):
    """One chat turn."""

    role: Role
    content: str = Field(max_length=8192)


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class Completion(BaseModel):
    """What a miner answers."""

    text: str
    finish_reason: Literal["stop", "length"] = "stop"
    usage: Optional[Usage] = None  # defined below: a forward reference


class Usage(BaseModel):
    prompt_tokens: int = Field(0, ge=0)
    completion_tokens: int = 0


class Prompting(bt.Synapse):
    """Ask miners to continue a conversation."""

    messages: List[Message] = Field(..., description="The conversation so far.")
    model: str = "default"
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    priority: Priority = Priority.NORMAL
    max_tokens: Optional[int] = Field(None, gt=0, json_schema_extra={"apigen": "request"})
    stop: List[str] = Field(default_factory=list, json_schema_extra={"apigen": "request"})
    completion: Optional[Completion] = None

    def deserialize(self) -> Optional[Completion]:
        return self.completion


class Rank(bt.Synapse):
    """Score documents against a query."""

    query: str
    documents: List[str]
    labels: Dict[str, Role] = Field(default_factory=dict, json_schema_extra={"apigen": "request"})
    scores: Optional[List[float]] = None

    def deserialize(self) -> List[float]:
        return self.scores or []
