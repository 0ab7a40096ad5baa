"""Fuzzing the knowledge loader and the template parser: whatever comes in, a valid knowledge or clear
problems come out — never an exception of another kind, never a message spanning lines.

Runs are derandomized and bounded (examples, deadline) so they cost a few seconds in CI and fail the same
way every time; raise `FUZZ_EXAMPLES` locally to search longer.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from bot.knowledge.schema import FACT_FIELDS
from bot.knowledge.templates import MAX_REPLY_CHARS, MissingFact, TemplateError, parse
from bot.knowledge.yaml_source import MAX_MESSAGE_CHARS
from tests.fixtures.kb import MINIMAL_INTENTS, MINIMAL_POSTING

pytestmark = pytest.mark.slow  # fuzzing or thousands of postings: seconds, in process

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),
    deadline=5000,  # ms per example: generous for a loaded CI machine; a blow-up takes far longer
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROBLEM = re.compile(r"^.+:\d+: .+$")


def _load(tmp_path: Path, posting: bytes | None = None, intents: bytes | None = None) -> Knowledge | None:
    """Load a directory of the two files; None when it has problems, all of which are well formed."""
    (tmp_path / "postings").mkdir(exist_ok=True)
    (tmp_path / "intents.yaml").write_bytes(intents if intents is not None else MINIMAL_INTENTS.encode())
    (tmp_path / "postings" / "acme-dev.yaml").write_bytes(
        posting if posting is not None else MINIMAL_POSTING.encode()
    )
    try:
        return load_knowledge(tmp_path, warnings=True)
    except KnowledgeError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = str(problem)
            assert PROBLEM.match(text) and "\n" not in text and "\r" not in text, text
            assert len(text) <= len(str(problem.path)) + 20 + MAX_MESSAGE_CHARS, text
            assert problem.line >= 1
        return None


# YAML fragments a careless or hostile editor might type, joined at random.
_FRAGMENTS = [
    *sorted(FACT_FIELDS),
    "id",
    "title",
    "company",
    "intents",
    "answers",
    "min",
    "max",
    "provided",
    ": ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "? ",
    "!!binary ",
    "!!python/object/apply:os.system ",
    "!!str ",
    "!!int ",
    "!!float ",
    ".inf",
    ".nan",
    "-.inf",
    "true",
    "null",
    "~",
    "0",
    "1e308",
    "9" * 40,
    "2026-02-30",
    "2026-11-25",
    "0x1F",
    "'",
    '"',
    "\\",
    "#",
    "\t",
    "|\n",
    ">-\n",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "{if known salary}",
    "{end}",
    "{else}",
    "{salary.min|number}",
    "\x00",
    "\u2028",
    "\x1b[2J",
    "é",
]
yaml_ish = st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join)

_KEYS = st.sampled_from([*sorted(FACT_FIELDS), "id", "title", "company", "min", "max", "provided", "x"])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=30)
    | st.dates().map(str)
)
structured = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(raw=st.binary(max_size=1500))
def test_any_bytes_as_a_posting_file(tmp_path: Path, raw: bytes) -> None:
    _load(tmp_path, posting=raw)


@FUZZ
@given(text=yaml_ish)
def test_yaml_fragments_as_a_posting_file(tmp_path: Path, text: str) -> None:
    _load(tmp_path, posting=(MINIMAL_POSTING + text).encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=yaml_ish)
def test_yaml_fragments_as_the_intents_file(tmp_path: Path, text: str) -> None:
    _load(tmp_path, intents=(MINIMAL_INTENTS + text).encode("utf-8", "surrogatepass"))


@FUZZ
@given(facts=st.dictionaries(_KEYS, structured, max_size=6))
def test_any_shape_of_facts_in_a_posting(tmp_path: Path, facts: dict[str, object]) -> None:
    body = yaml.safe_dump(facts, allow_unicode=True) if facts else ""
    knowledge = _load(tmp_path, posting=(MINIMAL_POSTING + body).encode())
    if knowledge is not None:  # what loaded answers: every intent renders or says a fact is missing
        posting = knowledge.posting()
        for intent in posting.intents.values():
            with contextlib.suppress(MissingFact):
                assert len(intent.answer.render(posting.facts)) <= MAX_REPLY_CHARS + 1


_TEMPLATE_PARTS = [
    "{",
    "}",
    "{{",
    "}}",
    "{if ",
    "{if known ",
    "{else}",
    "{end}",
    "salary.min",
    "salary",
    "relocation.provided",
    "facts.x",
    "|number",
    "|bullets",
    "|nope",
    "{salary.min}",
    "{teams|list}",
    " ",
    "text",
    "\n",
]
template_text = st.lists(st.sampled_from(_TEMPLATE_PARTS), max_size=40).map("".join) | st.text(max_size=200)
FACTS = {
    "salary": {"min": 1.0, "max": 2.0},
    "relocation": {"provided": False},
    "teams": ["Core", "Ads"],
    "facts": {"x": "y"},
}


@FUZZ
@given(source=template_text)
def test_any_text_as_a_template_parses_or_says_why(source: str) -> None:
    try:
        template = parse(source)
    except TemplateError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    try:
        rendered = template.render(FACTS)
    except MissingFact as exc:
        assert exc.path
        return
    assert isinstance(rendered, str) and len(rendered) <= MAX_REPLY_CHARS + 1


@FUZZ
@given(source=template_text)
def test_any_text_as_an_answer_in_the_intents_file(tmp_path: Path, source: str) -> None:
    intents = yaml.safe_load(MINIMAL_INTENTS)
    intents["intents"].append({"id": "fuzz", "examples": ["tell me about the fuzz"], "answer": source})
    _load(tmp_path, intents=yaml.safe_dump(intents, allow_unicode=True).encode())
