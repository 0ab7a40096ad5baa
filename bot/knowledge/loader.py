"""Reading a knowledge directory into validated, ready-to-match Knowledge — or every problem with it."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import process

from bot.knowledge.schema import (
    FACT_FIELDS,
    Intent,
    IntentsFile,
    MatchSettings,
    Messages,
    Posting,
)
from bot.knowledge.templates import MissingFact, Template, TemplateError, parse
from bot.knowledge.yaml_source import Loc, Problem, YamlDocument, YamlError, cut, load_yaml, shown
from bot.matcher import Matcher, Phrase, build_synonyms
from bot.text import normalize

M = TypeVar("M", bound=BaseModel)

INTENTS_FILE = "intents.yaml"
POSTINGS_DIR = "postings"


class KnowledgeError(Exception):
    """The knowledge directory can't be loaded; `problems` lists everything wrong, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(problems, key=lambda p: (str(p.path), p.line))
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class CompiledIntent:
    id: str
    label: str
    topic: str
    answer: Template
    missing: Template | None
    handoff: bool
    smalltalk: bool


@dataclass(frozen=True)
class PostingKnowledge:
    posting: Posting
    facts: dict[str, Any]
    intents: dict[str, CompiledIntent]
    matcher: Matcher
    # What the posting can answer, in the knowledge's order: intents whose facts it states, less small talk
    # and recruiter requests. Worked out once here, not per help or out-of-scope message.
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    directory: Path
    settings: MatchSettings
    messages: dict[str, Template]
    postings: dict[str, PostingKnowledge]
    warnings: tuple[Problem, ...] = ()

    def posting(self, posting_id: str | None = None) -> PostingKnowledge:
        """The posting with this id, or the only one; KeyError with a clear message otherwise."""
        if posting_id is None:
            if len(self.postings) == 1:
                return next(iter(self.postings.values()))
            raise KeyError(f"several postings are loaded; choose one of: {', '.join(sorted(self.postings))}")
        try:
            return self.postings[posting_id]
        except KeyError:
            known = ", ".join(sorted(self.postings))
            raise KeyError(f"unknown posting '{posting_id}' (known: {known})") from None


def posting_files(directory: Path) -> list[Path]:
    """The posting files a knowledge directory is loaded from, in load order."""
    folder = directory / POSTINGS_DIR
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def load_knowledge(directory: Path | str, *, near_duplicates: bool = False) -> Knowledge:
    """Load and validate a knowledge directory; raises KnowledgeError listing every problem.

    With `near_duplicates`, `warnings` also lists examples that match another intent better than their own
    (each example is scored against all the others, so it is for `check`, not for every load).
    """
    return _Loader(Path(directory), near_duplicates).load()


class _Loader:
    def __init__(self, directory: Path, near_duplicates: bool = False) -> None:
        self.directory = directory
        self.near_duplicates = near_duplicates
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def load(self) -> Knowledge:
        intents_path = self.directory / INTENTS_FILE
        if not self.directory.is_dir():
            raise KnowledgeError([Problem(self.directory, 1, "knowledge directory not found")])
        if not intents_path.is_file():
            raise KnowledgeError(
                [Problem(intents_path, 1, "file not found: every knowledge directory needs one")]
            )
        intents_doc = self._read(intents_path)
        intents_file = self._validate(intents_doc, IntentsFile) if intents_doc else None
        postings = self._load_postings()
        if intents_file is None or intents_doc is None:
            if intents_doc is not None:
                self._check_valid_intents(intents_doc)
            raise KnowledgeError(self.problems)

        shared = self._compile_intents(enumerate(intents_file.intents), intents_doc, ("intents",), {})
        shared_owner = self._check_examples(intents_file.intents, intents_doc, {})
        messages = self._compile_messages(intents_file.messages, intents_doc)
        synonyms = build_synonyms(intents_file.synonyms)
        built: dict[str, PostingKnowledge] = {}
        for doc, posting in postings:
            intents = dict(shared)
            intents.update(self._compile_intents(enumerate(posting.intents), doc, ("intents",), shared))
            for intent_id, text in posting.answers.items():
                if intent_id not in intents:
                    self._problem(doc, ("answers", intent_id), f"answer for unknown intent '{intent_id}'")
                    continue
                template = self._template(doc, ("answers", intent_id), text)
                if template is not None:
                    intents[intent_id] = dataclasses.replace(intents[intent_id], answer=template)
            all_intents = list(intents_file.intents) + list(posting.intents)
            self._check_examples(posting.intents, doc, dict(shared_owner))
            if self.problems:
                continue
            matcher = Matcher(_examples(all_intents), {**synonyms, **_posting_synonyms(posting)})
            if self.near_duplicates:
                self._warn_near_duplicates(
                    matcher, [(intents_doc, intents_file.intents), (doc, posting.intents)]
                )
            facts = posting.facts_for_templates()
            built[posting.id] = PostingKnowledge(posting, facts, intents, matcher, _topics(intents, facts))
        if not postings and not self.problems:
            self._problem_at(
                self.directory / POSTINGS_DIR, 1, "no postings: add at least one postings/<id>.yaml"
            )
        self._check_channels(postings)
        if self.problems:
            raise KnowledgeError(self.problems)
        return Knowledge(self.directory, intents_file.settings, messages, built, tuple(self.warnings))

    # ---- reading and schema validation ---------------------------------------------------------------

    def _read(self, path: Path) -> YamlDocument | None:
        try:
            return load_yaml(path)
        except YamlError as exc:
            self.problems.extend(exc.problems)
            return exc.document  # duplicate keys: the rest of the file is still worth checking

    def _validate(self, doc: YamlDocument, model: type[M]) -> M | None:
        if not isinstance(doc.data, dict):
            self._problem(doc, (), f"expected a mapping of keys to values, got {_kind(doc.data)}")
            return None
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                self._problem(doc, loc, _describe(error, loc, model))
            return None

    def _load_postings(self) -> list[tuple[YamlDocument, Posting]]:
        loaded: list[tuple[YamlDocument, Posting]] = []
        for path in posting_files(self.directory):
            doc = self._read(path)
            posting = self._validate(doc, Posting) if doc else None
            # Checked on the raw data so a misnamed file is reported alongside its other problems.
            raw_id = doc.data.get("id") if doc is not None and isinstance(doc.data, dict) else None
            if doc is not None and isinstance(raw_id, str) and raw_id.strip() != path.stem:
                message = f"posting id '{raw_id.strip()}' differs from its file name '{path.name}'"
                self._problem(doc, ("id",), message)
                continue
            if doc is None or posting is None:
                continue
            # `x.yaml` and `x.yml` both name posting x: one would silently replace the other.
            other = next((d.path.name for d, p in loaded if p.id == posting.id), None)
            if other is not None:
                self._problem(doc, ("id",), f"posting id '{posting.id}' is also used by '{other}'")
                continue
            loaded.append((doc, posting))
        return loaded

    # ---- templates and intents ------------------------------------------------------------------------

    def _compile_intents(
        self,
        intents: Iterable[tuple[int, Intent]],
        doc: YamlDocument,
        base: Loc,
        existing: dict[str, CompiledIntent],
    ) -> dict[str, CompiledIntent]:
        """Compile (position in the file, intent) pairs; the position locates problems."""
        compiled: dict[str, CompiledIntent] = {}
        seen: set[str] = set()  # not `compiled`: an intent whose template fails is still defined
        for i, intent in intents:
            loc = (*base, i)
            if intent.id in seen or intent.id in existing:
                self._problem(doc, (*loc, "id"), f"intent '{intent.id}' is defined twice")
                continue
            seen.add(intent.id)
            answer = self._template(doc, (*loc, "answer"), intent.answer)
            missing = self._template(doc, (*loc, "missing"), intent.missing) if intent.missing else None
            if answer is None:
                continue
            topic = intent.topic or intent.display_label.lower()
            compiled[intent.id] = CompiledIntent(
                intent.id, intent.display_label, topic, answer, missing, intent.handoff, intent.smalltalk
            )
        return compiled

    def _check_valid_intents(self, doc: YamlDocument) -> None:
        """intents.yaml failed the schema (already reported); still check the intents that pass it on their
        own — duplicate ids, shared examples, templates — so every problem is reported in one go."""
        items = doc.data.get("intents") if isinstance(doc.data, dict) else None
        if not isinstance(items, list):
            return
        valid: list[tuple[int, Intent]] = []
        for i, item in enumerate(items):
            try:
                valid.append((i, Intent.model_validate(item)))
            except ValidationError:
                continue
        self._compile_intents(valid, doc, ("intents",), {})
        self._check_examples((intent for _, intent in valid), doc, {})

    def _compile_messages(self, messages: Messages, doc: YamlDocument) -> dict[str, Template]:
        compiled: dict[str, Template] = {}
        for name in Messages.model_fields:
            extra = {"topic"} if name == "missing" else set()
            template = self._template(doc, ("messages", name), getattr(messages, name), extra)
            if template is not None:
                compiled[name] = template
        return compiled

    def _template(
        self, doc: YamlDocument, loc: Loc, text: str, extra: set[str] | None = None
    ) -> Template | None:
        try:
            template = parse(text)
        except TemplateError as exc:
            self._problem(doc, loc, f"template: {exc}")
            return None
        for path in sorted(template.paths()):
            if path not in (extra or set()) and not fact_path_exists(path):
                self._problem(doc, loc, f"template refers to '{{{path}}}', which is not a posting fact")
                return None
        for path in sorted(template.printed()):
            keys = fact_group_keys(path)
            if keys is not None:
                # Printed whole it would show candidates a Python dict; {if known …} on a group is fine.
                names = ", ".join(f"{{{path}.{key}}}" for key in keys[:3]) or f"{{{path}.<name>}}"
                self._problem(
                    doc, loc, f"template prints '{{{path}}}', a group of facts: print one, e.g. {names}"
                )
                return None
        return template

    def _check_examples(
        self, intents: Iterable[Intent], doc: YamlDocument, owner: dict[str, str]
    ) -> dict[str, str]:
        """The same wording under two intents makes the matcher flip a coin; refuse it.

        `owner` maps normalised examples already seen to their intent; returns it extended.
        """
        for intent in intents:
            for example in intent.examples:
                other = owner.setdefault(normalize(example), intent.id)
                if other != intent.id:
                    loc = _example_loc(doc, intent.id, example)
                    self._problem(
                        doc, loc, f"example '{example}' of '{intent.id}' is also an example of '{other}'"
                    )
        return owner

    def _warn_near_duplicates(
        self, matcher: Matcher, sources: list[tuple[YamlDocument, list[Intent]]]
    ) -> None:
        """Recruiters' near-duplicates: an example that, asked word for word, gets another intent's answer."""
        where = {intent.id: doc for doc, intents in sources for intent in intents}
        for c in matcher.confusables():
            doc = where[c.intent]
            message = (
                f"example '{c.example}' of '{c.intent}' is answered as '{c.other}' "
                f"({c.other_score:.2f}, nearest '{c.other_example}'; '{c.intent}' {c.own_score:.2f}): "
                "reword it, or move it to the intent it belongs to"
            )
            warning = Problem(doc.path, doc.line_of(_example_loc(doc, c.intent, c.example)), message)
            if warning not in self.warnings:
                self.warnings.append(warning)

    def _check_channels(self, postings: list[tuple[YamlDocument, Posting]]) -> None:
        tied: dict[str, str] = {}
        for doc, posting in postings:
            for i, channel in enumerate(posting.channels):
                other = tied.setdefault(channel, posting.id)
                if other != posting.id:
                    self._problem(
                        doc, ("channels", i), f"channel {channel} is already tied to posting '{other}'"
                    )

    # ---- problems -------------------------------------------------------------------------------------

    def _problem(self, doc: YamlDocument, loc: Loc, message: str) -> None:
        self._problem_at(doc.path, doc.line_of(loc), message)

    def _problem_at(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))


def _examples(intents: Iterable[Intent]) -> dict[str, list[str]]:
    return {intent.id: list(intent.examples) for intent in intents}


def _topics(intents: dict[str, CompiledIntent], facts: dict[str, Any]) -> tuple[str, ...]:
    def stated(intent: CompiledIntent) -> bool:
        try:
            intent.answer.render(facts)
        except MissingFact:
            return False
        return True

    return tuple(i.id for i in intents.values() if not (i.smalltalk or i.handoff) and stated(i))


def _posting_synonyms(posting: Posting) -> dict[Phrase, Phrase]:
    """Candidates name the company and the role; examples say "the company" and "the role"."""
    names = {"company": [posting.company], "role": [posting.title, *posting.aliases]}
    return build_synonyms(names)


def _example_loc(doc: YamlDocument, intent_id: str, example: str) -> Loc:
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


def _fact_annotation(path: str) -> Any:
    """The schema type at a dotted fact path, or _NOT_A_FACT."""
    parts = path.split(".")
    if parts[0] not in FACT_FIELDS:
        return _NOT_A_FACT
    annotation: Any = Posting.model_fields[parts[0]].annotation
    for part in parts[1:]:
        model = _model_in(annotation)
        if model is not None:
            if part not in model.model_fields:
                return _NOT_A_FACT
            annotation = model.model_fields[part].annotation
        elif _is_mapping(annotation):
            annotation = Any
        else:
            return _NOT_A_FACT
    return annotation


def fact_path_exists(path: str) -> bool:
    """Whether a dotted path names a posting fact in the schema (free-form `facts.*` keys always do)."""
    return _fact_annotation(path) is not _NOT_A_FACT


def fact_group_keys(path: str) -> list[str] | None:
    """The keys under a fact that groups others (salary -> min, max, …); None for a single fact."""
    annotation = _fact_annotation(path)
    if annotation is _NOT_A_FACT:
        return None
    model = _model_in(annotation)
    if model is not None:
        return list(model.model_fields)
    return [] if _is_mapping(annotation) else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for arg in _union_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _is_mapping(annotation: Any) -> bool:
    return any(typing.get_origin(arg) is dict for arg in _union_args(annotation))


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def _describe(error: Any, loc: Loc, model: type[BaseModel]) -> str:
    """A pydantic error in a recruiter's words: where, what, and for typos the key they probably meant."""
    where = cut(".".join(str(part) for part in loc), 120) or "file"
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        hint = process.extractOne(str(loc[-1]), known, score_cutoff=70) if known else None
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"unknown key {shown(loc[-1])}{suggestion}"
    if kind == "missing":
        return f"{where}: required key is missing"
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    return (
        f"{where}: {message} (got {shown(error['input'])})"
        if kind != "value_error"
        else f"{where}: {message}"
    )


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
        current = _model_in(field.annotation) or _model_in(_list_item(field.annotation))
    return list(current.model_fields) if current else []


def _list_item(annotation: Any) -> Any:
    for arg in _union_args(annotation):
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return None
