"""Reading a knowledge directory into validated, ready-to-match Knowledge — or every problem with it.

The runtime types live in `model`, the checks beyond the schema in `checks` and the wording of schema
errors in `error_wording`; they are re-exported here so `bot.knowledge.loader` is the one import for callers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge import checks
from bot.knowledge.checks import fact_group_keys, fact_path_exists
from bot.knowledge.error_wording import describe, kind
from bot.knowledge.model import CompiledIntent, Knowledge, PostingKnowledge
from bot.knowledge.posting_text import PostingTextError, orphan_problem, read_posting_text, text_files
from bot.knowledge.schema import Intent, IntentsFile, Messages, Posting
from bot.knowledge.templates import MissingFact, Template, TemplateError, parse
from bot.knowledge.yaml_source import Loc, Problem, YamlDocument, YamlError, load_yaml
from bot.matcher import Matcher, Phrase, build_synonyms
from bot.passages import PassageIndex, split_passages

__all__ = [
    "INTENTS_FILE",
    "POSTINGS_DIR",
    "CompiledIntent",
    "Knowledge",
    "KnowledgeError",
    "PostingKnowledge",
    "fact_group_keys",
    "fact_path_exists",
    "knowledge_files",
    "load_knowledge",
    "posting_files",
]

M = TypeVar("M", bound=BaseModel)

INTENTS_FILE = "intents.yaml"
POSTINGS_DIR = "postings"


class KnowledgeError(Exception):
    """The knowledge directory can't be loaded; `problems` lists everything wrong, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(problems, key=lambda p: (str(p.path), p.line))
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def posting_files(directory: Path) -> list[Path]:
    """The posting files a knowledge directory is loaded from, in load order."""
    folder = directory / POSTINGS_DIR
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def knowledge_files(directory: Path) -> list[Path]:
    """Every file loading reads: intents, postings' facts and postings' texts."""
    return [directory / INTENTS_FILE, *posting_files(directory), *text_files(directory / POSTINGS_DIR)]


KNOWLEDGE_SUFFIXES = frozenset({".yaml", ".yml", ".md"})


def _refusal(path: Path) -> str | None:
    """Why a knowledge file isn't read, or None. A link is followed to a YAML or Markdown file wherever
    it is (knowledge directories share an intents.yaml that way), never to anything else: a link to
    `.env` or a key would have the bot quote a secret in problems posted to Slack or in answers. A FIFO
    or device would stall the read."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling or looping link
        return "is a link to a file that doesn't exist"
    if target.suffix.lower() not in KNOWLEDGE_SUFFIXES:
        return f"is a link to {target.name}, which is not a .yaml, .yml or .md file: refused unread"
    if not target.is_file():
        return "is not a regular file"
    return None


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
        texts = self._load_texts()
        if intents_file is None or intents_doc is None:
            if intents_doc is not None:
                self._check_valid_intents(intents_doc)
            raise KnowledgeError(self.problems)

        shared = self._compile_intents(enumerate(intents_file.intents), intents_doc, ("intents",), {})
        shared_owner: dict[str, str] = {}
        self.problems += checks.duplicate_examples(intents_file.intents, intents_doc, shared_owner)
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
            self.problems += checks.duplicate_examples(posting.intents, doc, dict(shared_owner))
            if self.problems:
                continue
            matcher = Matcher(_examples(all_intents), {**synonyms, **_posting_synonyms(posting)})
            if self.near_duplicates:
                sources = [(intents_doc, intents_file.intents), (doc, posting.intents)]
                self._warn(checks.near_duplicates(matcher, sources))
            facts = posting.facts_for_templates()
            own_text = texts.get(posting.id)
            passages = PassageIndex(split_passages(own_text), matcher.features) if own_text else None
            built[posting.id] = PostingKnowledge(
                posting, facts, intents, matcher, _topics(intents, facts), own_text, passages
            )
        if not postings and not self.problems:
            self._problem_at(
                self.directory / POSTINGS_DIR, 1, "no postings: add at least one postings/<id>.yaml"
            )
        self.problems += checks.shared_channels(postings)
        if self.problems:
            raise KnowledgeError(self.problems)
        return Knowledge(self.directory, intents_file.settings, messages, built, tuple(self.warnings))

    # ---- reading and schema validation ---------------------------------------------------------------

    def _read(self, path: Path) -> YamlDocument | None:
        refusal = _refusal(path)
        if refusal is not None:
            self._problem_at(path, 1, refusal)
            return None
        try:
            return load_yaml(path)
        except YamlError as exc:
            self.problems.extend(exc.problems)
            return exc.document  # duplicate keys: the rest of the file is still worth checking

    def _validate(self, doc: YamlDocument, model: type[M]) -> M | None:
        if not isinstance(doc.data, dict):
            self._problem(doc, (), f"expected a mapping of keys to values, got {kind(doc.data)}")
            return None
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                self._problem(doc, loc, describe(error, loc, model))
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

    def _load_texts(self) -> dict[str, str]:
        """Each posting's text by posting id (the file's stem); problems for texts that can't be served."""
        texts: dict[str, str] = {}
        yaml_files = posting_files(self.directory)
        for path in text_files(self.directory / POSTINGS_DIR):
            orphan = orphan_problem(path, yaml_files)
            if orphan is not None:
                self.problems.append(orphan)
                continue
            refusal = _refusal(path)
            if refusal is not None:
                self._problem_at(path, 1, refusal)
                continue
            try:
                texts[path.stem] = read_posting_text(path)
            except PostingTextError as exc:
                self.problems.append(exc.problem)
        return texts

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
        self.problems += checks.duplicate_examples((intent for _, intent in valid), doc, {})

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
        problem = checks.template_problem(template, extra)
        if problem is not None:
            self._problem(doc, loc, problem)
            return None
        return template

    # ---- problems -------------------------------------------------------------------------------------

    def _problem(self, doc: YamlDocument, loc: Loc, message: str) -> None:
        self.problems.append(checks.problem(doc, loc, message))

    def _problem_at(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def _warn(self, warnings: list[Problem]) -> None:
        # Shared intents are checked once per posting; a warning about one of them is worth one line.
        for warning in warnings:
            if warning not in self.warnings:
                self.warnings.append(warning)


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
