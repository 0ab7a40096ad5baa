"""Reading a knowledge directory into validated, ready-to-match Knowledge — or every problem with it.

The runtime types live in `model`, the checks beyond the schema in `checks` and the wording of schema
errors in `error_wording`; they are re-exported here so `bot.knowledge.loader` is the one import for callers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge import checks
from bot.knowledge.checks import fact_group_keys, fact_path_exists
from bot.knowledge.error_wording import describe, kind
from bot.knowledge.gc_pause import gc_paused
from bot.knowledge.model import CompiledIntent, IntentTable, Knowledge, PostingKnowledge
from bot.knowledge.posting_text import PostingTextError, orphan_problem, read_posting_text, text_files
from bot.knowledge.schema import Intent, IntentsFile, Messages, Posting
from bot.knowledge.templates import Template, TemplateError, parse
from bot.knowledge.yaml_source import Loc, Problem, YamlDocument, YamlError, comment_cuts, load_yaml
from bot.matcher import Matcher, Phrase, build_synonyms, phrase
from bot.other_languages import OtherLanguages
from bot.related_words import related_words_problems

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
SHORT_NAME_LETTERS = 4  # a company's first word is its short name from this length ("Oakline", not "The")
MAX_SCANNED = 15_000  # examples `check` ranks for near-duplicates (CLINC150 has 15,000)


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


def load_knowledge(directory: Path | str, *, warnings: bool = False) -> Knowledge:
    """Load and validate a knowledge directory; raises KnowledgeError listing every problem.

    With `warnings`, `Knowledge.warnings` lists what is valid but most likely not meant: values a comment
    cuts short, and examples that match another intent better than their own (each example is scored
    against all the others, so it is for `check`, not for every load).
    """
    loaded = load_parts(Path(directory))
    if not warnings:
        return loaded.knowledge()
    documents = [loaded.shared.doc, *(doc for doc, _ in loaded.postings)]
    found = [problem for doc in documents for problem in comment_cuts(doc.path)]
    return loaded.knowledge((*found, *loaded.shared.near_duplicates(loaded.postings)))


@dataclass(frozen=True)
class Loaded:
    """A whole directory loaded: the shared part, and each posting with the parsed file it came from."""

    directory: Path
    shared: SharedPart
    built: list[tuple[YamlDocument, Posting, PostingKnowledge]]

    @property
    def postings(self) -> list[tuple[YamlDocument, Posting]]:
        return [(doc, posting) for doc, posting, _ in self.built]

    def knowledge(self, warnings: tuple[Problem, ...] = ()) -> Knowledge:
        postings = {posting.id: built for _, posting, built in self.built}
        return Knowledge(self.directory, self.shared.settings, self.shared.messages, postings, warnings)


def load_parts(directory: Path, before_read: Callable[[Path], None] | None = None) -> Loaded:
    """Load every file of a directory, strictly: KnowledgeError listing every problem if any.

    `before_read` hears of each file just before it is read (live reload notes its version then).
    """
    with gc_paused():
        return _load_parts(directory, before_read)


def _load_parts(directory: Path, before_read: Callable[[Path], None] | None) -> Loaded:
    intents_path = directory / INTENTS_FILE
    if not directory.is_dir():
        raise KnowledgeError([Problem(directory, 1, "knowledge directory not found")])
    if not intents_path.is_file():
        raise KnowledgeError(
            [Problem(intents_path, 1, "file not found: every knowledge directory needs one")]
        )
    yaml_paths = posting_files(directory)
    if before_read is not None:
        for path in knowledge_files(directory):
            before_read(path)
    shared, problems = load_shared(intents_path)
    read = [read_posting(path) for path in yaml_paths]
    for posting_read in read:
        problems += posting_read.problems
    postings = unique_postings([r for r in read if r.posting is not None], problems)
    texts = {}
    for path in text_files(directory / POSTINGS_DIR):
        text, text_problem = read_text(path, yaml_paths)
        if text_problem is not None:
            problems.append(text_problem)
        elif text is not None:
            texts[path.stem] = text
    # The bundled related-words lexicon is checked with the knowledge: quoting needs it, and a mistake in it
    # is reported like one in a posting, not at a candidate's question.
    problems += related_words_problems()
    if shared is None:
        raise KnowledgeError(problems)
    built: list[tuple[YamlDocument, Posting, PostingKnowledge]] = []
    for doc, posting in postings:
        text = texts.get(posting.id)
        knowledge, posting_problems = build_posting(shared, doc, posting, text, build_matcher=not problems)
        problems += posting_problems
        if knowledge is not None:
            built.append((doc, posting, knowledge))
    if not postings and not problems:
        problems.append(
            Problem(directory / POSTINGS_DIR, 1, "no postings: add at least one postings/<id>.yaml")
        )
    problems += checks.shared_channels(postings)
    if problems:
        raise KnowledgeError(problems)
    return Loaded(directory, shared, built)


@dataclass(frozen=True)
class PostingRead:
    """One posting file read and checked against the schema: the posting, or what is wrong with it."""

    path: Path
    doc: YamlDocument | None
    posting: Posting | None
    problems: list[Problem]


def read_posting(path: Path) -> PostingRead:
    """Parse and validate one posting file on its own (nothing here depends on the other files)."""
    problems: list[Problem] = []
    doc = _read(path, problems)
    posting = _validate(doc, Posting, problems) if doc else None
    # Checked on the raw data so a misnamed file is reported alongside its other problems.
    raw_id = doc.data.get("id") if doc is not None and isinstance(doc.data, dict) else None
    if doc is not None and isinstance(raw_id, str) and raw_id.strip() != path.stem:
        message = f"posting id '{raw_id.strip()}' differs from its file name '{path.name}'"
        problems.append(checks.problem(doc, ("id",), message))
        posting = None
    return PostingRead(path, doc, posting if doc is not None else None, problems)


def read_text(path: Path, yaml_paths: list[Path]) -> tuple[str | None, Problem | None]:
    """A posting's text (`<id>.md`), or why it can't be served (no posting beside it, unreadable...)."""
    orphan = orphan_problem(path, yaml_paths)
    if orphan is not None:
        return None, orphan
    refusal = _refusal(path)
    if refusal is not None:
        return None, Problem(path, 1, refusal)
    try:
        return read_posting_text(path), None
    except PostingTextError as exc:
        return None, exc.problem


def unique_postings(
    read: Iterable[PostingRead], problems: list[Problem]
) -> list[tuple[YamlDocument, Posting]]:
    """The valid postings, less a second file naming an id already taken (`x.yaml` and `x.yml`)."""
    loaded: dict[str, YamlDocument] = {}
    postings: list[tuple[YamlDocument, Posting]] = []
    for r in read:
        assert r.doc is not None and r.posting is not None
        other = loaded.get(r.posting.id)
        if other is not None:
            message = f"posting id '{r.posting.id}' is also used by '{other.path.name}'"
            problems.append(checks.problem(r.doc, ("id",), message))
            continue
        loaded[r.posting.id] = r.doc
        postings.append((r.doc, r.posting))
    return postings


class SharedPart:
    """What every posting shares, built once per version of `intents.yaml`: the compiled intents and
    messages, the synonyms and the matcher over the shared examples. A posting adds only what is its own."""

    def __init__(self, doc: YamlDocument, file: IntentsFile, problems: list[Problem]) -> None:
        self.doc = doc
        self.file = file
        self.settings = file.settings
        self.intents = _compile_intents(enumerate(file.intents), doc, {}, problems)
        self.example_owner: dict[str, str] = {}
        problems += checks.duplicate_examples(file.intents, doc, self.example_owner)
        self.messages = _compile_messages(file.messages, doc, problems)
        self.synonyms = build_synonyms(file.synonyms, file.asking)
        self.languages = OtherLanguages(file.languages, self.synonyms, phrase)
        self.matcher = Matcher(_examples(file.intents), self.synonyms, self.languages)
        # Matchers for postings whose names occur in the shared examples, by those names: every "Backend
        # Engineer" posting shares one.
        self._renamed: dict[tuple[tuple[Phrase, Phrase], ...], Matcher] = {}
        self._changing: dict[tuple[Phrase, Phrase], bool] = {}

    def matcher_for(self, posting: Posting) -> Matcher:
        """The posting's matcher: the shared one seen through its names, unless it needs its own."""
        names = _posting_synonyms(posting, self.matcher)
        if posting.intents:
            return Matcher(
                _examples([*self.file.intents, *posting.intents]), {**self.synonyms, **names}, self.languages
            )
        changing = {s: t for s, t in names.items() if self._changes_examples(s, t)}
        if not changing:
            return self.matcher.named(names)
        key = tuple(changing.items())
        base = self._renamed.get(key)
        if base is None:
            base = self._renamed[key] = Matcher(
                _examples(self.file.intents), {**self.synonyms, **changing}, self.languages
            )
        rest = {s: t for s, t in names.items() if s not in changing}
        return base.named(rest) if rest else base

    def _changes_examples(self, source: Phrase, target: Phrase) -> bool:
        # Remembered per name: thousands of postings share a few companies and titles.
        known = self._changing.get((source, target))
        if known is None:
            known = self._changing[(source, target)] = self.matcher.names_change_examples({source: target})
        return known

    def near_duplicates(self, postings: list[tuple[YamlDocument, Posting]]) -> list[Problem]:
        """Near-duplicate warnings: the shared examples scanned once, not once per posting; a matcher that
        reads some examples differently (a posting's name in them) scans only those, a posting's own
        intents its own. The scan costs the square of the examples, so past MAX_SCANNED it takes an even
        sample, and says so."""
        shared_source = [(self.doc, list(self.file.intents))]
        size = self.matcher.size
        step = -(-size // MAX_SCANNED)
        scans: list[tuple[Matcher, Iterable[int] | None, list[tuple[YamlDocument, list[Intent]]]]] = [
            (self.matcher, range(0, size, step) if step > 1 else None, shared_source)
        ]
        for names, matcher in self._renamed.items():
            scans.append((matcher, matcher.rows_naming(source for source, _ in names), shared_source))
        for doc, posting in postings:
            if posting.intents:
                matcher = self.matcher_for(posting)
                own = range(size, matcher.size)
                scans.append((matcher, own, [*shared_source, (doc, list(posting.intents))]))
        warnings: dict[Problem, None] = {}  # in order, each once (a dict, not a list: thousands may come)
        if step > 1:
            note = (
                f"near-duplicates: checked every {step}th of {size:,} examples "
                f"(each is ranked against all the others; the scan stops at {MAX_SCANNED:,})"
            )
            warnings[Problem(self.doc.path, 1, note)] = None
        for matcher, rows, sources in scans:
            # Shared intents are checked by several matchers; a warning about one of them is worth one line.
            warnings.update(dict.fromkeys(checks.near_duplicates(matcher, sources, rows)))
        return list(warnings)


def load_shared(intents_path: Path) -> tuple[SharedPart | None, list[Problem]]:
    """Read `intents.yaml` into the shared part; None (and every problem) when it can't be used."""
    problems: list[Problem] = []
    doc = _read(intents_path, problems)
    file = _validate(doc, IntentsFile, problems) if doc else None
    if doc is None or file is None:
        if doc is not None:
            _check_valid_intents(doc, problems)
        return None, problems
    shared = SharedPart(doc, file, problems)
    return (shared if not problems else None), problems


def build_posting(
    shared: SharedPart,
    doc: YamlDocument,
    posting: Posting,
    text: str | None = None,
    *,
    build_matcher: bool = True,
) -> tuple[PostingKnowledge | None, list[Problem]]:
    """One posting over the shared part: its own intents and answers, its matcher, its facts, its text."""
    problems: list[Problem] = []
    own = _compile_intents(enumerate(posting.intents), doc, shared.intents, problems)
    for intent_id, answer in posting.answers.items():
        current = own.get(intent_id) or shared.intents.get(intent_id)
        if current is None:
            problems.append(
                checks.problem(doc, ("answers", intent_id), f"answer for unknown intent '{intent_id}'")
            )
            continue
        template = _template(doc, ("answers", intent_id), answer, problems)
        if template is not None:
            own[intent_id] = dataclasses.replace(current, answer=template)
    if posting.intents:
        problems += checks.duplicate_examples(posting.intents, doc, dict(shared.example_owner))
    if problems or not build_matcher:
        return None, problems
    intents = IntentTable(shared.intents, own) if own else shared.intents
    return PostingKnowledge(posting, intents, shared.matcher_for(posting), text), problems


# ---- reading and schema validation ---------------------------------------------------------------------


def _read(path: Path, problems: list[Problem]) -> YamlDocument | None:
    refusal = _refusal(path)
    if refusal is not None:
        problems.append(Problem(path, 1, refusal))
        return None
    try:
        return load_yaml(path)
    except YamlError as exc:
        problems.extend(exc.problems)
        return exc.document  # duplicate keys: the rest of the file is still worth checking


def _validate(doc: YamlDocument, model: type[M], problems: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        problems.append(
            checks.problem(doc, (), f"expected a mapping of keys to values, got {kind(doc.data)}")
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(checks.problem(doc, loc, describe(error, loc, model)))
        return None


# ---- templates and intents ----------------------------------------------------------------------------


def _compile_intents(
    intents: Iterable[tuple[int, Intent]],
    doc: YamlDocument,
    existing: Mapping[str, CompiledIntent],
    problems: list[Problem],
) -> dict[str, CompiledIntent]:
    """Compile (position in the file, intent) pairs; the position locates problems."""
    compiled: dict[str, CompiledIntent] = {}
    seen: set[str] = set()  # not `compiled`: an intent whose template fails is still defined
    for i, intent in intents:
        loc = ("intents", i)
        if intent.id in seen or intent.id in existing:
            problems.append(checks.problem(doc, (*loc, "id"), f"intent '{intent.id}' is defined twice"))
            continue
        seen.add(intent.id)
        answer = _template(doc, (*loc, "answer"), intent.answer, problems)
        missing = _template(doc, (*loc, "missing"), intent.missing, problems) if intent.missing else None
        if answer is None:
            continue
        topic = intent.topic or intent.display_label.lower()
        compiled[intent.id] = CompiledIntent(
            intent.id,
            intent.display_label,
            topic,
            answer,
            missing,
            intent.handoff,
            intent.smalltalk,
            tuple(intent.examples),
        )
    return compiled


def _check_valid_intents(doc: YamlDocument, problems: list[Problem]) -> None:
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
    _compile_intents(valid, doc, {}, problems)
    problems += checks.duplicate_examples((intent for _, intent in valid), doc, {})


def _compile_messages(messages: Messages, doc: YamlDocument, problems: list[Problem]) -> dict[str, Template]:
    compiled: dict[str, Template] = {}
    # What the reply adds to the facts: the intent's topic, the thing asked about.
    placeholders = {"missing": {"topic"}, "unmentioned": {"thing"}}
    for name in Messages.model_fields:
        extra = placeholders.get(name, set())
        template = _template(doc, ("messages", name), getattr(messages, name), problems, extra)
        if template is not None:
            compiled[name] = template
    return compiled


def _template(
    doc: YamlDocument, loc: Loc, text: str, problems: list[Problem], extra: set[str] | None = None
) -> Template | None:
    try:
        template = parse(text)
    except TemplateError as exc:
        problems.append(checks.problem(doc, loc, f"template: {exc}"))
        return None
    problem = checks.template_problem(template, extra)
    if problem is not None:
        problems.append(checks.problem(doc, loc, problem))
        return None
    return template


def _examples(intents: Iterable[Intent]) -> dict[str, list[str]]:
    return {intent.id: list(intent.examples) for intent in intents}


def _posting_synonyms(posting: Posting, matcher: Matcher) -> dict[Phrase, Phrase]:
    """Candidates name the company and the role; examples say "the company" and "the role"."""
    company = [posting.company, *_short_name(posting.company, matcher)]
    return build_synonyms({"company": company, "role": [posting.title, *posting.aliases]})


def _short_name(company: str, matcher: Matcher) -> list[str]:
    """What candidates call a company of several words: its first ("Oakline" for "Oakline Home & Hearth",
    "BrightSmile" for "BrightSmile Family Dental"); none when that is a word questions use anyway ("The",
    "Home" of "Home Depot": "from home" asks about remote work)."""
    words = phrase(company)
    if len(words) < 2 or len(words[0]) < SHORT_NAME_LETTERS or matcher.knows(words[0]):
        return []
    return [words[0]]
