"""Checks beyond the schema: templates name real facts, one intent per example, one posting per channel.

Each check returns the problems it found; the loader collects them so a recruiter sees everything in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.knowledge.annotations import is_mapping, model_in
from bot.knowledge.schema import FACT_FIELDS, Intent, Posting
from bot.knowledge.templates import Template
from bot.knowledge.yaml_source import Loc, Problem, YamlDocument, cut
from bot.matcher import Matcher
from bot.text import normalize


def problem(doc: YamlDocument, loc: Loc, message: str) -> Problem:
    """A problem at the line of `loc` in `doc`."""
    return Problem(doc.path, doc.line_of(loc), message)


def template_problem(template: Template, extra: set[str] | None = None) -> str | None:
    """What's wrong with the facts a template uses, or None; `extra` names placeholders that aren't facts."""
    for path in sorted(template.paths()):
        if path not in (extra or set()) and not fact_path_exists(path):
            return f"template refers to '{{{path}}}', which is not a posting fact"
    for path in sorted(template.printed()):
        keys = fact_group_keys(path)
        if keys is not None:
            # Printed whole it would show candidates a Python dict; {if known …} on a group is fine.
            names = ", ".join(f"{{{path}.{key}}}" for key in keys[:3]) or f"{{{path}.<name>}}"
            return f"template prints '{{{path}}}', a group of facts: print one, e.g. {names}"
    return None


def duplicate_examples(intents: Iterable[Intent], doc: YamlDocument, owner: dict[str, str]) -> list[Problem]:
    """The same wording under two intents makes the matcher flip a coin; refuse it.

    `owner` maps normalised examples already seen to their intent; it is extended in place.
    """
    problems: list[Problem] = []
    for intent in intents:
        for example in intent.examples:
            other = owner.setdefault(normalize(example), intent.id)
            if other != intent.id:
                loc = example_loc(doc, intent.id, example)
                message = f"example '{cut(example)}' of '{intent.id}' is also an example of '{other}'"
                problems.append(problem(doc, loc, message))
    return problems


def near_duplicates(matcher: Matcher, sources: list[tuple[YamlDocument, list[Intent]]]) -> list[Problem]:
    """Recruiters' near-duplicates: an example that, asked word for word, gets another intent's answer."""
    where = {intent.id: doc for doc, intents in sources for intent in intents}
    warnings: list[Problem] = []
    for c in matcher.confusables():
        doc = where[c.intent]
        message = (
            f"example '{cut(c.example)}' of '{c.intent}' is answered as '{c.other}' "
            f"({c.other_score:.2f}, nearest '{cut(c.other_example)}'; '{c.intent}' {c.own_score:.2f}): "
            "reword it, or move it to the intent it belongs to"
        )
        warnings.append(problem(doc, example_loc(doc, c.intent, c.example), message))
    return warnings


def shared_channels(postings: list[tuple[YamlDocument, Posting]]) -> list[Problem]:
    """A channel tied to two postings would make every answer there a guess at which one was meant."""
    tied: dict[str, str] = {}
    problems: list[Problem] = []
    for doc, posting in postings:
        for i, channel in enumerate(posting.channels):
            other = tied.setdefault(channel, posting.id)
            if other != posting.id:
                message = f"channel {channel} is already tied to posting '{other}'"
                problems.append(problem(doc, ("channels", i), message))
    return problems


def example_loc(doc: YamlDocument, intent_id: str, example: str) -> Loc:
    """Where an intent's example is in the file (the intent itself if the example isn't found)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    for i, item in enumerate(data.get("intents") or []):
        if isinstance(item, dict) and item.get("id") == intent_id:
            examples = item.get("examples") or []
            for j, text in enumerate(examples):
                if isinstance(text, str) and text.strip() == example:
                    return ("intents", i, "examples", j)
            return ("intents", i)
    return ()


_NOT_A_FACT = object()


def fact_path_exists(path: str) -> bool:
    """Whether a dotted path names a posting fact in the schema (free-form `facts.*` keys always do)."""
    return _fact_annotation(path) is not _NOT_A_FACT


def fact_group_keys(path: str) -> list[str] | None:
    """The keys under a fact that groups others (salary -> min, max, …); None for a single fact."""
    annotation = _fact_annotation(path)
    if annotation is _NOT_A_FACT:
        return None
    model = model_in(annotation)
    if model is not None:
        return list(model.model_fields)
    return [] if is_mapping(annotation) else None


def _fact_annotation(path: str) -> Any:
    """The schema type at a dotted fact path, or _NOT_A_FACT."""
    parts = path.split(".")
    if parts[0] not in FACT_FIELDS:
        return _NOT_A_FACT
    annotation: Any = Posting.model_fields[parts[0]].annotation
    for part in parts[1:]:
        model = model_in(annotation)
        if model is not None:
            if part not in model.model_fields:
                return _NOT_A_FACT
            annotation = model.model_fields[part].annotation
        elif is_mapping(annotation):
            annotation = Any
        else:
            return _NOT_A_FACT
    return annotation
