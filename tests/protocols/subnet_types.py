"""The types real subnets' protocol modules use, written as they write them.

Request fields of a type whose Python form isn't JSON (bytes, datetime, sets) carry a
serializer here, as a protocol that works on bittensor 10 must: the dendrite posts
``model_dump()`` as JSON. As response fields they need none (the axon answers in JSON mode).
"""

import base64
import enum
from datetime import date, datetime
from typing import Annotated, Dict, FrozenSet, List, Literal, Optional, Set, Tuple, Union

import bittensor as bt
from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, field_validator

Iso = PlainSerializer(lambda v: v.isoformat(), return_type=str)
AsList = PlainSerializer(lambda v: sorted(v), return_type=list)
B64 = PlainSerializer(lambda v: base64.b64encode(v).decode(), return_type=str)
FromB64 = BeforeValidator(lambda v: base64.b64decode(v) if isinstance(v, str) else v)


class Kind(str, enum.Enum):
    TEXT = "text"
    IMAGE = "image"


class TextTask(BaseModel):
    kind: Literal["text"] = "text"
    prompt: str = ""


class ImageTask(BaseModel):
    kind: Literal["image"] = "image"
    width: int = Field(64, ge=1)


class Node(BaseModel):
    """A tree: a model that refers to itself."""

    value: int = 0
    children: List["Node"] = Field(default_factory=list)


class Meta(BaseModel):
    model_name: str = "base"
    model_version: int = 1


class window(BaseModel):
    """A lower-case class name."""

    start: Annotated[date, Iso]
    end: Optional[Annotated[date, Iso]] = None


class Everything(bt.Synapse):
    """Every type, as a request and as a response field."""

    # request fields
    payload: Union[str, dict, list] = Field(default_factory=dict, json_schema_extra={"apigen": "request"})
    either: Union[int, str] = 0
    task: Annotated[Union[TextTask, ImageTask], Field(discriminator="kind")] = Field(default_factory=TextTask)
    since: Annotated[datetime, Iso] = datetime(2024, 1, 2, 3, 4, 5)
    pair: Tuple[int, str] = (1, "a")
    many: Tuple[float, ...] = ()
    tags: Annotated[Set[str], AsList] = Field(default_factory=set, json_schema_extra={"apigen": "request"})
    weights: Dict[Kind, float] = Field(default_factory=lambda: {Kind.TEXT: 1.0})
    blob: Annotated[bytes, FromB64, B64] = b"x"
    tree: Node = Node()
    meta: Meta = Field(default_factory=Meta)
    model_hint: str = "auto"
    limit: Optional[int]
    span: Optional[window] = Field(None, json_schema_extra={"apigen": "request"})
    lang: str = Field("en", json_schema_extra={"apigen": "request"})
    tasks: Dict[str, TextTask] = Field(default_factory=dict, json_schema_extra={"apigen": "request"}, examples=[{"a": {"prompt": "hi"}}])
    # response fields
    out_payload: Optional[Union[str, dict, list]] = None
    out_task: Optional[Union[TextTask, ImageTask]] = Field(None, discriminator="kind")
    out_at: Optional[datetime] = None
    out_day: Optional[date] = None
    out_pair: Optional[Tuple[int, str]] = None
    out_tags: Optional[FrozenSet[str]] = None
    out_by_kind: Optional[Dict[Kind, List[int]]] = None
    out_blob: Optional[bytes] = None
    out_tree: Optional[Node] = None
    model_answer: Optional[str] = None

    @field_validator("lang")
    @classmethod
    def lower(cls, value: str) -> str:
        if len(value) != 2:
            raise ValueError("a two-letter language code")
        return value.lower()

    def deserialize(self) -> "Everything":
        return self
