"""Pydantic's validation errors reworded for a recruiter editing YAML."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from rapidfuzz import process

from bot.knowledge.annotations import list_item, model_in
from bot.knowledge.yaml_source import Loc, cut, shown


def kind(value: Any) -> str:
    """What a YAML value is, in words: "nothing", "a list", "a str"."""
    return "nothing" if value is None else f"a {type(value).__name__}"


def describe(error: Any, loc: Loc, model: type[BaseModel]) -> str:
    """A pydantic error in a recruiter's words: where, what, and for typos the key they probably meant."""
    where = cut(".".join(str(part) for part in loc), 120) or "file"
    error_type = error["type"]
    if error_type == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        hint = process.extractOne(str(loc[-1]), known, score_cutoff=70) if known else None
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"unknown key {shown(loc[-1])}{suggestion}"
    if error_type == "missing":
        return f"{where}: required key is missing"
    message = str(error["msg"])
    if error_type == "value_error":
        return f"{where}: {message.removeprefix('Value error, ')}"
    return f"{where}: {message} (got {shown(error['input'])})"


def _known_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = model_in(field.annotation) or model_in(list_item(field.annotation))
    return list(current.model_fields) if current else []
