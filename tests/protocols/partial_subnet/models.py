"""A model in another file of the package, with a field type the generator can't express."""

from typing import Optional

from pydantic import BaseModel


class Reading(BaseModel):
    label: str = ""
    value: Optional[complex] = None  # no JSON form: costs only the synapse that uses it
