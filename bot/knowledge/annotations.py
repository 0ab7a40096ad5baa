"""Reading pydantic field annotations: which model, mapping or list item a field holds, through `X | None`."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (`Salary | None` -> Salary), or None."""
    for arg in _union_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def is_mapping(annotation: Any) -> bool:
    return any(typing.get_origin(arg) is dict for arg in _union_args(annotation))


def list_item(annotation: Any) -> Any:
    """The item type of a list annotation (`list[Intent]` -> Intent), or None."""
    for arg in _union_args(annotation):
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return None


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)
