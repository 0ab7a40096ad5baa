"""Routing among many postings: a role named in a candidate's words is found, and a close call asks
"which role?" with the few closest instead of guessing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.postings import write_knowledge
from bench.routing import measure, questions
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.routing import route
from tests.fixtures.recruiter import SEED, multi_posting_knowledge

pytestmark = pytest.mark.slow  # fuzzing or thousands of postings: seconds, in process

POSTINGS = {
    "rn-dayton": ("Registered Nurse", "Maple Care", "Dayton, OH"),
    "rn-austin": ("Registered Nurse", "Maple Care", "Austin, TX"),
    "senior-rn-dayton": ("Senior Registered Nurse, ICU", "Northwind Health", "Dayton, OH"),
    "swe-intern": ("Software Engineer Intern", "Quarry Software", "Denver, CO"),
    "swe": ("Software Engineer", "Quarry Software", "Denver, CO"),
    "backend": ("Backend Engineer", "Cedar Labs", "Seattle, WA"),
    "senior-backend": ("Senior Backend Engineer, Payments", "Cedar Labs", "Seattle, WA"),
    "data": ("Data Engineer", "Orbit Analytics", "Boston, MA"),
    "teacher": ("Math Teacher", "Summit Schools", "Columbus, OH"),
    "driver": ("Truck Driver", "Brightpath Logistics", "Tampa, FL"),
}


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    directory = tmp_path_factory.mktemp("kb")
    write_knowledge(directory, 0)  # the bundled intents
    for posting_id, (title, company, city) in POSTINGS.items():
        text = f"id: {posting_id}\ntitle: {title}\ncompany: {company}\nlocation: {{offices: ['{city}']}}\n"
        (directory / "postings" / f"{posting_id}.yaml").write_text(text, encoding="utf-8")
    return load_knowledge(directory)


@pytest.mark.parametrize(
    ("question", "posting"),
    [
        ("what's the pay for the nursing job in Austin?", "rn-austin"),
        ("is the SWE intern position remote?", "swe-intern"),
        ("tell me about the senior backend role", "senior-backend"),
        ("salary for the data engineer role?", "data"),
        ("what does the data enginer job pay", "data"),  # a typo
        ("does the math teaching job come with benefits?", "teacher"),
        ("is the CDL driver job in Tampa full time?", "driver"),
    ],
)
def test_a_role_named_in_a_candidates_words_is_found(named: Knowledge, question: str, posting: str) -> None:
    routed = route(named, question)
    assert (routed.posting, routed.how) == (posting, "named")


@pytest.mark.parametrize(
    ("question", "offered"),
    [
        ("the nursing job in Dayton, is it nights?", ["rn-dayton", "senior-rn-dayton"]),
        ("what's the salary for the backend role?", ["backend", "senior-backend"]),
        ("is the software engineer position hybrid?", ["swe", "swe-intern"]),
    ],
)
def test_a_close_call_offers_the_few_closest(named: Knowledge, question: str, offered: list[str]) -> None:
    routed = route(named, question)
    assert routed.posting is None and routed.how == "ask"
    assert [choice.posting for choice in routed.choices] == offered


def test_a_question_naming_no_role_is_not_routed(named: Knowledge) -> None:
    for question in (
        "is relocation covered?",
        "which backend technologies do you use?",
        "what about Dayton?",
    ):
        routed = route(named, question)
        assert routed.posting is None and routed.how == "ask", question
        assert len(routed.choices) == 5  # the first few by title, not all of them


def test_routing_among_a_thousand_postings_reaches_the_role(tmp_path: Path) -> None:
    made = write_knowledge(tmp_path / "kb", 1000)
    result = measure(load_knowledge(tmp_path / "kb"), made, questions(made, 400))
    assert result.reached >= 0.95
    assert result.wrong <= 0.01


def test_a_word_saying_a_role_is_meant_names_no_role(tmp_path: Path) -> None:
    # The example posting's alias "data engineering role" must not make "role" count for it.
    loaded = load_knowledge(multi_posting_knowledge(tmp_path / "kb"))
    routed = route(loaded, "what is the dress code for the backend engineer role?")
    assert (routed.posting, routed.how) == (SEED, "named")
