"""Answering from the posting's own words: splitting the text, finding the sentences that answer, and the
reply every surface gets through `answer` — quoted, led by a quote, asked back, or honestly silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer import answer, render_intent
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.passages import Passage, split_passages
from tests.conftest import KNOWLEDGE, ROOT
from tests.environment import run_cli

ROUND2_KNOWLEDGE = ROOT / "eval" / "round2" / "knowledge"


@pytest.fixture(scope="module")
def bundled() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


def quoted_lines(knowledge: Knowledge, question: str) -> list[int]:
    passages = knowledge.posting().passages
    assert passages is not None
    return [q.line for q in passages.find(question)]


# ---- splitting ---------------------------------------------------------------------------------------

TEXT = """\
# Nurse at Mercy Hospital

Mercy is a teaching hospital. It opened in 1990 in St. Louis, e.g. near the river.
We care for
the whole city. Ready to join?

## What you'll do

- Care for patients on a 30-bed ward.
- Teach students. Mentor new nurses.

## Requirements:

Candidates must have:

1. A nursing licence.
2. Two years on a ward.

Benefits:

* Free parking
"""


def test_the_text_splits_into_sentences_and_list_items_with_lines_and_headings() -> None:
    passages = split_passages(TEXT)
    assert [(p.line, p.text) for p in passages] == [
        (3, "Mercy is a teaching hospital."),
        (3, "It opened in 1990 in St. Louis, e.g. near the river."),
        (4, "We care for the whole city."),  # a sentence across lines starts on its first line
        (9, "Care for patients on a 30-bed ward."),
        (10, "Teach students."),
        (10, "Mentor new nurses."),
        (16, "A nursing licence."),
        (17, "Two years on a ward."),
        (21, "Free parking"),
    ]


def test_headings_and_lead_ins_say_what_a_passage_is() -> None:
    by_line = {p.line: p for p in split_passages(TEXT)}
    assert by_line[9] == Passage("Care for patients on a 30-bed ward.", 9, "What you'll do", "duty")
    assert (by_line[16].heading, by_line[16].kind) == ("Candidates must have", "requirement")
    assert (by_line[21].heading, by_line[21].kind) == ("Benefits", "offer")
    assert (by_line[3].heading, by_line[3].kind) == ("Nurse at Mercy Hospital", "other")


def test_a_plain_text_bullet_ends_with_its_line() -> None:
    # Pasted plain text has no blank line after its last "•" item: the next line is no part of that item.
    text = "Requirements:\n• A nursing licence\n  renewed yearly\nBenefits: free parking\n"
    assert [(p.line, p.text) for p in split_passages(text)] == [
        (2, "A nursing licence renewed yearly"),  # an indented line still continues its item
        (4, "Benefits: free parking"),
    ]


def test_a_labelled_line_is_a_paragraph_of_its_own_kind() -> None:
    # "Pay: …" straight after "Schedule: …" is not more of the schedule, and neither is a requirement.
    text = "Requirements:\n• A nursing licence\nSchedule: nights\nPay: $40 an hour\nPerks: free parking\n"
    found = [(p.line, p.text, p.heading, p.kind) for p in split_passages(text)]
    assert found == [
        (2, "A nursing licence", "Requirements", "requirement"),
        (3, "Schedule: nights", "Schedule", "other"),
        (4, "Pay: $40 an hour", "Pay", "offer"),
        (5, "Perks: free parking", "Perks", "offer"),
    ]


def test_arrow_bullets_and_headings_without_a_colon_in_plain_text() -> None:
    # "What you need" over "→" items, and "Pay" over its line: the items are requirements of their own, and
    # the pay line is not one sentence with its heading ("Pay $19 - $23 per hour").
    text = (
        "Line Cook\n\nWhat you need\n→ A year on a line\n→ Knife skills\n\n"
        "Pay\n$19 - $23 per hour. Tips are shared.\n"
    )
    found = [(p.line, p.text, p.heading, p.kind) for p in split_passages(text)]
    assert found == [
        (1, "Line Cook", "", "other"),
        (4, "A year on a line", "What you need", "requirement"),
        (5, "Knife skills", "What you need", "requirement"),
        (8, "$19 - $23 per hour.", "Pay", "offer"),
        (8, "Tips are shared.", "Pay", "offer"),
    ]


def test_indented_quote_marks_are_bullets_and_a_heading_may_stand_over_a_blank_line() -> None:
    # Pasted from a word processor: "  >" items, and a heading with a blank line between it and its text.
    text = "Dental Assistant\n\nWhat we offer\n\n  > Paid holidays\n  > Free cleanings\n"
    found = [(p.line, p.text, p.heading, p.kind) for p in split_passages(text)]
    assert found == [
        (1, "Dental Assistant", "", "other"),
        (5, "Paid holidays", "What we offer", "offer"),
        (6, "Free cleanings", "What we offer", "offer"),
    ]
    # At the margin, ">" stays a Markdown quote: its text, not a list item.
    assert [p.text for p in split_passages("About us\n> We cook every night.\n")] == ["We cook every night."]


def test_a_short_line_inside_a_paragraph_is_no_heading() -> None:
    text = "About us\nWe cook.\nEvery night\nwe serve 300 guests.\n"
    found = [(p.line, p.text, p.heading) for p in split_passages(text)]
    assert found == [(2, "We cook.", "About us"), (3, "Every night we serve 300 guests.", "About us")]


def test_the_bundled_text_splits_into_its_sentences() -> None:
    passages = split_passages((KNOWLEDGE / "postings" / "pinterest-backend-engineer.md").read_text())
    assert not any(p.text.endswith("?") for p in passages)  # "Are you applying to the internship?"
    assert len(passages) == 20  # 3 + 2 sentences, 6 duties, 5 qualifications, 4 notes
    qualifications = [p for p in passages if p.heading == "Qualifications"]
    assert [p.line for p in qualifications] == [22, 23, 24, 25, 26]
    assert {p.kind for p in qualifications} == {"requirement"}
    assert {p.kind for p in passages if p.heading == "Responsibilities"} == {"duty"}


# ---- finding -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("do you do A/B testing?", 14),
        ("is communication a big deal for this role?", 26),
        ("do you care about maintainable code?", 24),
        ("is innovation encouraged?", 7),
        ("is caching experience something you want", 23),
        ("will i be able to grow professionaly in this role?", 18),  # a typo
    ],
)
def test_a_question_the_posting_answers_gets_the_sentence(
    bundled: Knowledge, question: str, line: int
) -> None:
    assert line in quoted_lines(bundled, question)


@pytest.mark.parametrize(
    "question",
    [
        "is there a 401k match?",  # shares "in addition to the base salary"'s topic, says nothing about it
        "is there an on-call rotation?",
        "whats the dress code",  # "code" is in "maintainable code"
        "for caching is it redis or memcached",  # "redis" is a synonym of caching: not an answer
        "what test framework do you use for the automated tests",
        "is the architecture microservices or a monolith",
        "how big is the Core team?",  # a number is asked; the sentence naming Core has none
        "when would the start date be",
        "How much travel is required for this role, percentage-wise?",
        "write me a poem about cats",  # a request, not a question about the posting
        "can you find me some creative ideas for my wedding",  # …nor is an errand
        "order some new products for me",
        "can you plan a trip for me to explore possibilities",
        "who won the game last night",  # one rare shared word ("lasting") is a coincidence
        "what's the meaning of life",
        "which office is the team based in?",  # "based" is in "US based applicants": the office is asked
        "how many sick days would I get a year?",  # "2+ years" of experience is no number of days off
    ],
)
def test_a_shared_word_is_not_an_answer(bundled: Knowledge, question: str) -> None:
    assert quoted_lines(bundled, question) == []


def test_at_most_two_sentences_in_the_posting_order(bundled: Knowledge) -> None:
    passages = bundled.posting().passages
    assert passages is not None
    quotes = passages.find("would I work with designers and other engineers?")
    assert 1 <= len(quotes) <= 2
    assert [q.line for q in quotes] == sorted(q.line for q in quotes)
    assert passages.find("would I work with designers?", limit=1)[0].score > 0


def test_do_i_need_leans_to_requirements_and_will_i_to_duties(bundled: Knowledge) -> None:
    """Both lists mention collaboration; the question's frame picks the list."""
    assert quoted_lines(bundled, "do I need collaboration skills?") == [26]
    assert 15 in quoted_lines(bundled, "will I collaborate with design and product teams?")


def test_a_posting_without_text_quotes_nothing(tmp_path: Path) -> None:
    from tests.fixtures.kb import MINIMAL_INTENTS, MINIMAL_POSTING, write_knowledge

    knowledge = load_knowledge(write_knowledge(tmp_path, MINIMAL_INTENTS, {"acme-dev.yaml": MINIMAL_POSTING}))
    reply = answer(knowledge, "is innovation encouraged?")
    assert (reply.outcome, reply.quotes) == ("out_of_scope", [])


# ---- the reply -----------------------------------------------------------------------------------------


def test_a_quoted_reply_is_marked_as_the_postings_words(bundled: Knowledge) -> None:
    reply = answer(bundled, "is innovation encouraged?")
    assert reply.outcome == "quoted"
    assert reply.intents == []
    assert reply.text.startswith("From the posting (About Pinterest): “The company fosters innovation")
    assert [q.line for q in reply.quotes] == [7, 16]
    assert not reply.handoff


def test_absent_facts_keep_the_posting_doesnt_say_reply(bundled: Knowledge) -> None:
    reply = answer(bundled, "is there a 401k match?")
    assert reply.outcome == "answered" and reply.parts[0].missing
    assert reply.quotes == []
    assert "equity" not in reply.text.split("\n\n")[-1]  # the offer, not a quote
    assert reply.offer is not None


def test_a_sentence_about_another_intent_does_not_stand_in_for_a_missing_fact(bundled: Knowledge) -> None:
    # The posting names no office; "location" is in the sentence on what the salary depends on, which the
    # passages alone would quote.
    question = "where is this role located?"
    assert quoted_lines(bundled, question) == [31]
    reply = answer(bundled, question)
    assert (reply.intents, reply.parts[0].missing, reply.quotes) == (["location"], True, [])
    assert reply.offer is not None


def test_a_near_miss_and_the_sentence_it_would_quote_agree_on_the_intent(bundled: Knowledge) -> None:
    # Just under the threshold for relocation, and the sentence that answers it is about relocation too:
    # the prepared answer, not the bare quote.
    question = "will relocation be given for this opening?"
    assert quoted_lines(bundled, question) == [30]
    reply = answer(bundled, question)
    assert reply.confidence < bundled.settings.threshold
    assert (reply.outcome, reply.intents) == ("answered", ["relocation"])


def test_the_heading_of_the_sentence_it_would_quote_can_agree_too() -> None:
    # A line cook's station is named in a line under "Responsibilities", a list item the matcher can't place
    # by its own words: the heading says what it is about.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(knowledge, "what station would i be on", "harbor-line-cook")
    assert reply.confidence < knowledge.settings.threshold
    assert (reply.outcome, reply.intents) == ("answered", ["responsibilities"])
    assert "Responsibilities" in [q.heading for q in reply.quotes]  # the quote leads the list answer
    assert "(Ask for “responsibilities” to see the whole list.)" in reply.text


def test_a_quote_under_a_heading_that_names_the_leaning_intent_leads_its_answer() -> None:
    # Far under the threshold for salary, but the sentence it quotes is filed under "Pay": the prepared
    # answer is meant, led by that sentence, the rest one line away.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(knowledge, "how are extra hours paid", "harbor-line-cook")
    assert reply.confidence < knowledge.settings.ask_back * knowledge.settings.threshold
    assert (reply.outcome, reply.intents) == ("answered", ["salary"])
    assert [q.heading for q in reply.quotes] == ["Pay"]
    assert reply.text.startswith("From the posting (Pay): “")
    assert reply.text.endswith("(Ask for “salary” to see the whole answer.)")
    assert reply.parts[0].full is not None and "per hour" in reply.parts[0].full


def test_a_quote_filed_under_the_questions_second_best_intent_leads_that_answer() -> None:
    # Experience ranks first and requirements second; the sentence that answers is a requirement.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(knowledge, "would a GED work instead of a diploma?", "brightsmile-dental-assistant")
    assert (reply.outcome, reply.intents) == ("answered", ["requirements"])
    assert [q.text for q in reply.quotes] == ["High school diploma or GED"]
    assert reply.text.startswith("From the posting") and "Ask for “requirements”" in reply.text


def test_a_heading_names_an_intent_by_its_kind_of_section() -> None:
    # "What you need" reads as no intent by its words, but it heads a qualifications section.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(knowledge, "must i have a food handler card", "harbor-line-cook")
    assert (reply.outcome, reply.intents) == ("answered", ["requirements"])
    assert [q.heading for q in reply.quotes] == ["What you need"]
    assert "ServSafe Food Handler certificate" in reply.text


def test_a_heading_does_not_stand_in_for_a_question_that_leans_nowhere() -> None:
    # The overtime line is under "Pay", but the question barely leans to any intent: the bare quote.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(knowledge, "any ot after 40 hrs", "harbor-line-cook")
    assert (reply.outcome, reply.intents) == ("quoted", [])
    assert [q.text for q in reply.quotes] == ["Overtime at 1.5x over 40 hours."]


def test_a_question_after_a_story_is_looked_for_alone() -> None:
    # The story's words are in no sentence of the posting, so the message as a whole matches none.
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    reply = answer(
        knowledge,
        "Hello. I moved here last spring and my old job was at a hardware store across town, which I liked "
        "a lot. Is reliable transportation needed for the early shifts?",
        "oakline-shift-supervisor",
    )
    assert reply.outcome == "quoted"
    assert [q.text for q in reply.quotes] == [
        "Reliable transportation to arrive on time for 6:00 a.m. opening shifts"
    ]


def round2_quotes(posting: str, question: str) -> list[str]:
    passages = load_knowledge(ROUND2_KNOWLEDGE).posting(posting).passages
    assert passages is not None
    return [q.text for q in passages.find(question)]


@pytest.mark.parametrize(
    ("posting", "question"),
    [
        # "many of our patients speak Spanish" names patients without counting them
        ("brightsmile-dental-assistant", "roughly how many patients do assistants see each day"),
        # "1 year of line cook experience" counts years, and the title line counts nothing
        ("harbor-line-cook", "how many cooks are on the line each night"),
    ],
)
def test_how_many_is_answered_by_a_sentence_that_counts_the_thing(posting: str, question: str) -> None:
    assert round2_quotes(posting, question) == []


def test_how_many_is_answered_by_a_count_of_the_thing_or_of_a_related_one() -> None:
    stores = round2_quotes("oakline-shift-supervisor", "how many stores are there in all")
    assert any("64 stores" in text for text in stores)
    weekends = round2_quotes("oakline-shift-supervisor", "how many weekends would I work a month")
    assert any("two Saturdays and two Sundays" in text for text in weekends)


@pytest.mark.parametrize(
    ("posting", "line"),
    [
        ("brightsmile-dental-assistant", "you will report to the Eastgate Office Manager"),
        ("harbor-line-cook", "under our Chef de Cuisine and Sous Chefs"),
    ],
)
def test_a_boss_is_whom_the_posting_says_you_report_to(posting: str, line: str) -> None:
    # "boss" is in neither text: the related words join it to "report to" and to the kitchen's chefs.
    assert any(line in text for text in round2_quotes(posting, "who would my boss be?"))


def test_when_is_answered_by_a_time_not_by_a_price_or_the_word_day() -> None:
    # "start at $24.50" and "starts with a huddle … the day's goals" say nothing about when a hire starts.
    assert round2_quotes("brightsmile-dental-assistant", "when would a new hire start") == []
    assert round2_quotes("oakline-shift-supervisor", "when do I start") == []
    closing = round2_quotes("oakline-shift-supervisor", "what time is the closing shift over")
    assert any("10:00 p.m." in text for text in closing)


@pytest.mark.parametrize(
    ("posting", "question"),
    [
        ("oakline-shift-supervisor", "any good coffee shops in Fort Collins?"),
        ("harbor-line-cook", "is rent cheap in Portland these days"),
        ("brightsmile-dental-assistant", "what's a fun thing to do in Columbus on a weekend"),
    ],
)
def test_the_postings_place_alone_is_no_answer(posting: str, question: str) -> None:
    # Each text names its city in its header or address: that says where the job is, not what is asked.
    assert round2_quotes(posting, question) == []


@pytest.mark.parametrize("question", ["Can I still get hired?", "is someone hiring?"])
def test_being_hired_is_no_topic_of_a_posting_sentence(question: str) -> None:
    # Every posting hires someone: "is hiring a Line Cook", "someone who takes pride in clean plates".
    knowledge = load_knowledge(ROUND2_KNOWLEDGE)
    assert answer(knowledge, question, "harbor-line-cook").quotes == []


def test_a_long_list_answer_leads_with_the_item_asked_about(bundled: Knowledge) -> None:
    reply = answer(bundled, "will I work with designers?")
    assert reply.intents == ["responsibilities"]
    [part] = reply.parts
    assert part.text.startswith("From the posting")
    assert "designers" in part.text
    assert "Idea generation" not in part.text  # not the whole list…
    assert "(Ask for “responsibilities” to see the whole list.)" in part.text  # …which is one line away
    assert part.full == render_intent(bundled, None, "responsibilities").text
    assert [q.line for q in reply.quotes] == [q.line for q in part.lead]


def test_a_question_about_the_whole_list_gets_the_whole_list(bundled: Knowledge) -> None:
    reply = answer(bundled, "what are the responsibilities?")
    assert reply.parts[0].lead == [] and reply.quotes == []
    assert reply.text.count("•") == 6


def test_a_near_miss_is_asked_back_with_one_or_two_intents(bundled: Knowledge) -> None:
    reply = answer(bundled, "screening calls?")
    assert reply.outcome == "did_you_mean"
    assert [s.intent for s in reply.suggestions] == ["interview"]


def test_asking_back_can_be_turned_off(bundled: Knowledge) -> None:
    import dataclasses

    off = dataclasses.replace(bundled, settings=bundled.settings.model_copy(update={"ask_back": 1.0}))
    assert answer(off, "screening calls?").outcome == "out_of_scope"


def test_a_near_miss_made_of_function_words_is_not_asked_back(bundled: Knowledge) -> None:
    """ "What's the weather?" scores near "what's the role" on "what's the" alone."""
    assert answer(bundled, "what's the weather?").outcome == "out_of_scope"


# ---- ask --json --------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_ask_json_carries_the_quotes() -> None:
    result = run_cli(
        "ask",
        "--knowledge",
        KNOWLEDGE,
        "--json",
        "-",
        stdin="how many users does Pinterest have?\nwhat's the salary?\n",
    )
    assert result.returncode == 0, result.stderr
    quoted, answered = (json.loads(line) for line in result.stdout.splitlines())
    assert quoted["outcome"] == "quoted"
    assert quoted["intents"] == []
    [quote] = quoted["quotes"]
    assert quote["line"] == 14
    assert "A/B testing" in quote["text"]
    assert quote["text"] in quoted["text"]
    assert answered["outcome"] == "answered"
    assert answered["quotes"] == []


@pytest.mark.e2e
def test_the_quoted_line_is_the_line_in_the_text_file() -> None:
    result = run_cli("ask", "--knowledge", KNOWLEDGE, "--json", "do you care about maintainable code?")
    [quote] = json.loads(result.stdout)["quotes"]
    lines = (
        (KNOWLEDGE / "postings" / "pinterest-backend-engineer.md").read_text(encoding="utf-8").splitlines()
    )
    assert quote["text"] in lines[quote["line"] - 1]
