"""A draft posting: the facts extracted from a source, in the schema's field names and order, with where
each was stated and the sentences a person should still read."""

from __future__ import annotations

import re
import typing
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.importer.extract import extract
from bot.importer.sources import Source
from bot.importer.structure import split_lines
from bot.knowledge.schema import Posting


@dataclass
class Draft:
    posting: dict[str, Any]  # facts only: no id, nothing operational
    text: str  # the posting as Markdown; citations' line numbers refer to it
    citations: dict[str, tuple[int, str]]
    review: list[tuple[int, str]]
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {
            "posting": self.posting,
            "text": self.text,
            "citations": {
                path: {"line": line, "text": text} for path, (line, text) in self.citations.items()
            },
            "review": [text for _, text in self.review],
        }

    def name_company(self, company: str) -> None:
        """The company as the recruiter gives it, for a posting that doesn't name it (or names it oddly)."""
        facts = {**self.posting, "company": company}
        self.posting = {key: facts[key] for key in _ORDER if key in facts}
        self.citations.pop("company", None)


_ORDER = list(Posting.model_fields)


def build_draft(source: Source) -> Draft:
    lines = split_lines(source.markdown)
    found = extract(lines, source.given, source.board_lines)
    facts = {key: found.facts[key] for key in _ORDER if key in found.facts}
    for key, value in list(facts.items()):
        if isinstance(value, dict) and key in ("requirements", "level", "location", "remote"):
            facts[key] = {k: value[k] for k in _field_order(key) if k in value}
    facts, dropped = _valid(_whole_numbers(facts))
    citations = {p: c for p, c in found.citations.items() if p.split(".")[0] in facts}
    review = sorted(set(found.review) | {found.citations[p] for p in dropped if p in found.citations})
    return Draft(facts, source.markdown, citations, review, source.origin)


def _whole_numbers(value: Any) -> Any:
    """118938.0 -> 118938: amounts read as floats print as the posting wrote them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _field_order(key: str) -> list[str]:
    for arg in typing.get_args(Posting.model_fields[key].annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return list(arg.model_fields)
    return []


def _valid(facts: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Facts the schema accepts; a fact it refuses is dropped (and its sentence goes to review)."""
    dropped: list[str] = []
    while True:
        try:
            Posting.model_validate({"id": "draft", "title": "draft", "company": "draft", **facts})
            return facts, dropped
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            if not bad or not bad & set(facts):
                return facts, dropped
            for key in bad & set(facts):
                facts.pop(key)
                dropped.append(key)


def posting_id(draft: Draft) -> str | None:
    """`company-title` as a file name: "Pinterest", "Backend Engineer" -> pinterest-backend-engineer."""
    words = " ".join(str(draft.posting.get(k, "")) for k in ("company", "title"))
    ascii_words = (
        unicodedata.normalize("NFKD", re.sub(r"[^\w]+", " ", words)).encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_words.lower()).strip("-")
    return slug[:80].rstrip("-") or None
