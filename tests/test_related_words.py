"""The related-words lexicon: read and checked strictly, and used by quoting to bridge a paraphrase without
letting a related word pass for the thing asked about."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.related_words import RELATED_WORDS_FILE, RelatedWordsError, load_related_words
from tests.conftest import KNOWLEDGE, ROOT

IMPORTED = ROOT / "eval" / "imported"
SEED = "pinterest-backend-engineer"
NURSE = "mercy-icu-nurse"
WAREHOUSE = "northgate-warehouse-associate"


@pytest.fixture(scope="module")
def postings() -> dict[Path, Knowledge]:
    return {KNOWLEDGE: load_knowledge(KNOWLEDGE), IMPORTED: load_knowledge(IMPORTED)}


def quoted_lines(postings: dict[Path, Knowledge], directory: Path, posting: str, question: str) -> list[int]:
    passages = postings[directory].posting(posting).passages
    assert passages is not None
    return [q.line for q in passages.find(question)]


# ---- the file ------------------------------------------------------------------------------------------


def test_the_bundled_lexicon_loads() -> None:
    groups = load_related_words().groups
    assert len(groups) >= 40
    assert all(len(members) >= 2 for members in groups.values())
    assert RELATED_WORDS_FILE.parent.name == "bot"


def test_a_broken_lexicon_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "related_words.yaml"
    path.write_text(
        "groups:\n"
        "  fine: [ship, release]\n"
        "  lonely: [only]\n"
        "  empty: [the, '!!', ship it]\n"
        "  twice: [mentor, Mentor]\n",
        encoding="utf-8",
    )
    with pytest.raises(RelatedWordsError) as caught:
        load_related_words(path)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "group 'lonely': expected a list of at least two words"),
        (4, "group 'empty': 'the' is only function words: it would relate every sentence"),
        (4, "group 'empty': '!!' is not a word or phrase"),
        (5, "group 'twice': 'Mentor' is listed twice"),
    ]
    assert str(caught.value).startswith(f"{path}:3: ")


@pytest.mark.parametrize("text", ["- [ship, release]\n", "groups: [ship, release]\n", "words: {a: [b, c]}\n"])
def test_a_lexicon_of_the_wrong_shape_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "related_words.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RelatedWordsError, match="expected one key, `groups`"):
        load_related_words(path)


# ---- quoting with it -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory", "posting", "question", "lines"),
    [
        (KNOWLEDGE, SEED, "can I suggest features of my own?", [16]),  # "Propose innovative product ideas"
        (KNOWLEDGE, SEED, "does the work reach a huge user base?", [14]),  # "millions of users"
        (KNOWLEDGE, SEED, "do you care about tech debt?", [24]),  # "maintainable code"
        (KNOWLEDGE, SEED, "is teamwork valued here?", [11, 15]),  # "collaboratively", "collaboration"
        (IMPORTED, NURSE, "do I have to chart in the EHR?", [17]),  # "Document assessments … in Epic"
        (IMPORTED, WAREHOUSE, "will I be on my feet all day?", [25]),  # "Able to stand and walk"
        (IMPORTED, WAREHOUSE, "is the job physical?", [24, 25]),  # lift 50 lbs; stand
    ],
)
def test_a_paraphrase_reaches_the_sentence_through_related_words(
    postings: dict[Path, Knowledge], directory: Path, posting: str, question: str, lines: list[int]
) -> None:
    assert quoted_lines(postings, directory, posting, question) == lines


@pytest.mark.parametrize(
    ("directory", "posting", "question"),
    [
        # The thing asked about must be in the passage in so many words: "mentor" and "coach" are related to
        # nothing the posting says, "career ladder" to its growth sentences, "bonus" to nothing.
        (KNOWLEDGE, SEED, "is there a mentorship program?"),
        (KNOWLEDGE, SEED, "do you have a career ladder?"),
        (KNOWLEDGE, SEED, "is there a coaching budget?"),
        (KNOWLEDGE, SEED, "what's the release cadence?"),
        (KNOWLEDGE, SEED, "is there a hackathon for new ideas?"),
        (IMPORTED, NURSE, "is there a clinical ladder for promotion?"),
        (IMPORTED, NURSE, "is there a preceptor or mentor for new nurses?"),
        (IMPORTED, WAREHOUSE, "is there a forklift bonus?"),
        # One related word ("carry" to "lift") among words the passage lacks ("boxes") is not an answer.
        (IMPORTED, WAREHOUSE, "how heavy are the boxes I'd carry?"),
    ],
)
def test_a_related_word_is_not_the_thing_asked(
    postings: dict[Path, Knowledge], directory: Path, posting: str, question: str
) -> None:
    assert quoted_lines(postings, directory, posting, question) == []
