"""A translation subnet's protocol, written by hand as subnets write theirs.

This is Python input for subnet-apigen (no YAML): generate its client with

    subnet-apigen schemas.translate --subnet translate
"""

from enum import Enum
from typing import ClassVar, Literal, Optional

import bittensor as bt
from pydantic import BaseModel, Field


class Language(str, Enum):
    EN = "en"
    DE = "de"
    FR = "fr"
    ES = "es"
    JA = "ja"


class Glossary(BaseModel):
    """Terms the translation must use, source term -> target term."""

    terms: dict[str, str] = Field(default_factory=dict)
    case_sensitive: bool = False


class Translate(bt.Synapse):
    """Translate a batch of texts."""

    required_hash_fields: ClassVar[tuple[str, ...]] = ("texts", "target_language")

    texts: list[str] = Field(..., description="The texts to translate, in order.")
    source_language: Language = Language.EN
    target_language: Language = Language.DE
    formality: Literal["default", "formal", "informal"] = "default"
    glossary: Optional[Glossary] = Field(None, json_schema_extra={"apigen": "request"})
    translations: Optional[list[str]] = Field(None, description="One translation per text.")

    def deserialize(self) -> Optional[list[str]]:  # type: ignore[override]
        return self.translations


class DetectLanguage(bt.Synapse):
    """Tell which language a text is in."""

    text: str = Field(..., max_length=4096)
    language: Optional[Language] = None
    confidence: Optional[float] = Field(None, ge=0.0, le=1.0)

    def deserialize(self) -> Optional[Language]:  # type: ignore[override]
        return self.language
