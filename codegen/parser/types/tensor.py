"""`tensor`: a bittensor.Tensor, optionally of one dtype and shape."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeError_, TypeRef

DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")


@dataclass(frozen=True)
class TensorType(TypeRef):
    """`bittensor.Tensor`, optionally of one dtype and shape (`None` for a free dimension).

    On the generated synapse it is `Annotated[Tensor, TensorOf(dtype, shape)]`:
    checked on arrival, and also buildable from nested lists or a number.
    """

    dtype: str | None = None
    shape: tuple[int | None, ...] | None = None

    def annotation(self, wire: bool = False) -> str:
        if not wire:
            return "Tensor"
        args = [repr(self.dtype)] if self.dtype or self.shape is not None else []
        if self.shape is not None:
            args.append(repr(self.shape))
        return f"Annotated[Tensor, TensorOf({', '.join(args)})]"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Annotated"} if wire else set()

    def json_schema(self) -> dict[str, Any]:
        """The bittensor 11 wire form: dtype, shape and the standard base64 of the C-order little-endian bytes."""
        return {
            "type": "object",
            "properties": {
                "dtype": {"enum": [self.dtype] if self.dtype else list(DTYPES)},
                "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "data": {"type": "string", "contentEncoding": "base64"},
            },
            "required": ["dtype", "shape", "data"],
        }

    @property
    def sample_shape(self) -> tuple[int, ...] | None:
        """The schema's shape with 1 for each free dimension."""
        return None if self.shape is None else tuple(1 if d is None else d for d in self.shape)

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        dtype = self.dtype or "float32"
        values: list[Any] = {"bool": [True, False]}.get(dtype) or ([0.5, 1.5] if dtype.startswith("float") else [1, 2])
        out = []
        for v in values:
            if self.shape is None:
                data: Any = [v, v]
                out.append(Sample(f"to_tensor({data!r}, {dtype!r})", data))
            else:
                out.append(Sample(f"to_tensor({v!r}, {dtype!r}, {self.sample_shape!r})", v))
        return out


def parse_tensor(args: list[ast.expr], text: str) -> TensorType:
    """`tensor[DTYPE]`, `tensor[DTYPE, D1, D2...]` or `tensor[D1, D2...]`; a dimension is a size or None."""
    dtype: str | None = None
    dims: list[int | None] = []
    for i, arg in enumerate(args):
        if isinstance(arg, ast.Name) and i == 0:
            if arg.id not in DTYPES:
                raise TypeError_(f"unknown tensor dtype `{arg.id}` in {text!r}; use one of {', '.join(DTYPES)}")
            dtype = arg.id
        elif isinstance(arg, ast.Constant) and (arg.value is None or (type(arg.value) is int and arg.value > 0)):
            dims.append(arg.value)
        else:
            raise TypeError_(
                f"malformed tensor type {text!r}; write `tensor[DTYPE, D1, D2, ...]` with a dtype first "
                "(optional) and dimensions that are positive sizes or None, e.g. `tensor[float32, None, 768]`"
            )
    return TensorType(dtype, tuple(dims) if dims else None)
