"""The core answer function: question (+ posting) -> Reply, on the bundled knowledge and on small ones."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.answer import Reply, answer, render_intent
from bot.knowledge.loader import Knowledge, load_knowledge
from tests.conftest import KNOWLEDGE, ROOT
from tests.fixtures.kb import (
    AMBIGUOUS,
    AMBIGUOUS_POSTING,
    MINIMAL_INTENTS,
    MINIMAL_POSTING,
    SALARY_RANGE,
    copy_bundled,
    write_knowledge,
)


@pytest.fixture(scope="module")
def bundled() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


def ask(knowledge: Knowledge, question: str) -> Reply:
    return answer(knowledge, question)


def assert_offers_recruiter(text: str) -> None:
    assert "recruiter" in text.lower(), text


# ---- the Done-when checks of the core issue ---------------------------------------------------------


def test_salary_range(bundled: Knowledge) -> None:
    reply = ask(bundled, "what's the salary range?")
    assert reply.outcome == "answered"
    assert reply.intents == ["salary"]
    assert SALARY_RANGE in reply.text
    assert "US-based applicants" in reply.text
    assert "equity" in reply.text.lower()


def test_relocation_is_not_provided(bundled: Knowledge) -> None:
    reply = ask(bundled, "do you offer relocation?")
    assert reply.intents == ["relocation"]
    assert "not provided" in reply.text


def test_remote_is_not_stated(bundled: Knowledge) -> None:
    reply = ask(bundled, "is this remote?")
    assert reply.intents == ["remote"]
    assert "doesn't say" in reply.text
    assert_offers_recruiter(reply.text)
    assert reply.handoff is True
    assert reply.parts[0].missing is True


def test_weather_is_declined_helpfully(bundled: Knowledge) -> None:
    reply = ask(bundled, "what's the weather?")
    assert reply.outcome == "out_of_scope", (reply.outcome, reply.intents, reply.candidates[:3])
    assert reply.intents == []
    assert_helpful_fallback(reply)


def test_salary_typo_is_understood(bundled: Knowledge) -> None:
    reply = ask(bundled, "salery?")
    assert reply.intents == ["salary"]
    assert SALARY_RANGE in reply.text


# ---- matching ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("salery?", "salary"),
        ("relocatoin", "relocation"),
        ("waht is the salray", "salary"),
        ("is there equitty", "equity"),
        ("visa sponsership", "visa"),
        ("benifits", "benefits"),
        ("remtoe?", "remote"),
    ],
)
def test_typos(bundled: Knowledge, question: str, intent: str) -> None:
    assert ask(bundled, question).intents == [intent]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("comp", "salary"),
        ("what's the comp like", "salary"),
        ("wfh", "remote"),
        ("is wfh ok", "remote"),
        ("h1b", "visa"),
        ("do you do h1b", "visa"),
        ("relo", "relocation"),
        ("any relo", "relocation"),
        ("pto", "benefits"),
        ("how much pto", "benefits"),
        ("do I need to be a US citizen?", "visa"),
    ],
)
def test_synonyms(bundled: Knowledge, question: str, intent: str) -> None:
    assert ask(bundled, question).intents == [intent]


@pytest.mark.parametrize(
    "question",
    [
        "<@U0BOT1> what's the salary?",
        "<@U0BOT1>   what\u2019s the salary?  <!channel>",
        "\uff33\uff21\uff2c\uff21\uff32\uff39\uff1f",
        "WHAT'S THE SALARY???",
        "what is the salary &amp; range",
    ],
)
def test_slack_markup_and_unicode_reach_the_same_answer(bundled: Knowledge, question: str) -> None:
    assert ask(bundled, question).intents == ["salary"]


def assert_helpful_fallback(reply: Reply) -> None:
    # The fallback says what the bot can answer and how to reach a person.
    text = reply.text.lower()
    assert "salary" in text and "relocation" in text, reply.text
    assert_offers_recruiter(reply.text)
    assert "$" not in reply.text  # no posting answer slipped in


@pytest.mark.parametrize(
    "question",
    [
        "recommend a good pizza place",
        "what is the capital of peru",
        "write me a poem about cats",
        "who won the game last night",
        "asdfgh qwerty",
    ],
)
def test_out_of_scope(bundled: Knowledge, question: str) -> None:
    reply = ask(bundled, question)
    assert reply.outcome == "out_of_scope", (reply.outcome, reply.intents, reply.candidates[:3])
    assert reply.intents == [] and reply.parts == []
    assert_helpful_fallback(reply)
    assert len(reply.candidates) >= 3  # still ranked, so a reviewer can see what came close


def test_candidates_are_ranked(bundled: Knowledge) -> None:
    reply = ask(bundled, "how much does the role pay")
    scores = [c.score for c in reply.candidates]
    assert len(scores) >= 3
    assert scores == sorted(scores, reverse=True)
    assert reply.candidates[0].intent == "salary"
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert reply.confidence == reply.candidates[0].score


def test_several_questions_are_answered_in_order(bundled: Knowledge) -> None:
    reply = ask(bundled, "what's the salary and is relocation covered?")
    assert reply.intents == ["salary", "relocation"]
    salary, relocation = reply.parts
    assert SALARY_RANGE in salary.text and "not provided" in relocation.text
    assert reply.text.index(SALARY_RANGE) < reply.text.index("not provided")


@pytest.mark.parametrize(
    ("question", "intent"),
    [("what's the pay for this one?", "salary"), ("do you pay for relocation?", "relocation")],
)
def test_the_pay_for_the_job_is_salary_and_paying_for_a_thing_covers_it(
    bundled: Knowledge, question: str, intent: str
) -> None:
    assert ask(bundled, question).intents == [intent]


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("Could you share the pay range?", ["salary"]),  # to share is to tell
        ("are there part-time options?", []),  # options to choose from, not stock options
        ("do I get shares?", ["equity"]),
        ("is there a share plan?", ["equity"]),
        ("any stock options?", ["equity"]),
        ("do I get stock?", ["equity"]),
    ],
)
def test_share_and_options_are_stock_only_when_they_mean_it(
    bundled: Knowledge, question: str, intents: list[str]
) -> None:
    assert ask(bundled, question).intents == intents


@pytest.mark.parametrize("question", ["will I lead the stock team?", "do I work in the stock room?"])
def test_stock_on_the_shelves_is_no_equity(question: str) -> None:
    knowledge = load_knowledge(ROOT / "eval" / "round2" / "knowledge")
    assert "equity" not in answer(knowledge, question, "oakline-shift-supervisor").intents


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("Is Pacific Smiles Dental hiring?", "out_of_scope"),  # not the dental benefits
        ("is costco hiring right now", "out_of_scope"),
        ("is BrightSmile still hiring for this?", "quoted"),  # the posting's own company
        ("Is your office hiring other assistants too?", "quoted"),
        ("how long is the hiring process?", "answered"),
        ("what does Costco pay its assistants?", "out_of_scope"),  # not this posting's pay
        ("heartland salaries?", "out_of_scope"),
        ("what's the salary for assistants at Aspenwood", "out_of_scope"),
        ("what's the salary for assistants at BrightSmile", "answered"),  # the posting's own company
        ("does overtime pay extra?", "answered"),  # "overtime" is pay, no employer
        ("what does this job pay?", "answered"),
    ],
)
def test_whether_another_employer_is_hiring_or_what_it_pays_is_not_the_postings_to_say(
    question: str, outcome: str
) -> None:
    knowledge = load_knowledge(ROOT / "eval" / "round2" / "knowledge")
    assert answer(knowledge, question, "brightsmile-dental-assistant").outcome == outcome


def test_a_second_question_nearly_as_clear_as_the_whole_is_answered_too(bundled: Knowledge) -> None:
    # Whole, the message reads as experience; cut at the comma and "and", as two questions.
    reply = ask(bundled, "How many years of experience are required, and how should I apply?")
    assert reply.intents == ["experience", "apply"]


def test_a_phrase_with_and_in_it_is_one_thing(bundled: Knowledge) -> None:
    # "roles and responsibilities" is the knowledge's phrase for the duties, not "roles" and then duties.
    assert ask(bundled, "tell me the roles and responsibilities").intents == ["responsibilities"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("For this position, the relocation will be paid?", "relocation"),
        ("For this job, the equity will be given?", "equity"),
    ],
)
def test_a_clause_that_only_sets_the_scene_is_no_second_question(
    bundled: Knowledge, question: str, intent: str
) -> None:
    # "For this job" alone reads like "what's this job?": answered on its own, it would add the role's
    # overview to the question asked.
    scene = question.split(",")[0]
    assert bundled.posting().matcher.rank(scene)[0].intent == "role_overview"
    reply = ask(bundled, question)
    assert "role_overview" not in reply.intents
    assert intent in reply.intents or reply.outcome == "quoted"


def test_a_missing_fact_gives_way_to_the_postings_own_words(tmp_path: Path) -> None:
    # The facts say nothing of relocation; the posting's text does. "Doesn't say" would be untrue.
    base = write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {"acme-dev.yaml": MINIMAL_POSTING})
    (base / "postings" / "acme-dev.md").write_text("# Developer\n\nRelocation assistance up to $5,000.\n")
    reply = answer(load_knowledge(base), "is there relocation assistance?")
    assert reply.intents == ["relocation"]
    assert "$5,000" in reply.text and "doesn't say" not in reply.text
    assert (reply.offer, reply.handoff, [q.line for q in reply.quotes]) == (None, False, [3])
    # Without the text, the honest reply stands.
    (base / "postings" / "acme-dev.md").unlink()
    silent = answer(load_knowledge(base), "is there relocation assistance?")
    assert "doesn't say" in silent.text and silent.offer is not None


BENEFITS_INTENTS = """\
synonyms:
  benefits: [perks, parking, childcare, 401k, health insurance]
intents:
  - id: benefits
    examples: [what benefits do you offer, any perks, is there a 401k match, what are the benefits]
    answer: "Benefits listed in the posting: {benefits|list}."
  - id: salary
    examples: [what does it pay, how much is the salary]
    answer: "{salary.min|number}"
"""


@pytest.mark.parametrize(
    ("question", "unmentioned"),
    [
        ("is there parking?", "parking"),  # a kind of benefit, in neither the text nor the answer
        ("do you offer childcare?", "childcare"),
        ("is there a 401k?", None),  # the benefits are the answer to that, whatever they hold
        ("any perks?", None),
        ("is there health insurance?", None),  # the answer names it
        ("is there parkng?", None),  # a typo is understood, but never said to be missing
    ],
)
def test_a_kind_of_the_topic_the_posting_never_names_is_said_to_be_missing(
    tmp_path: Path, question: str, unmentioned: str | None
) -> None:
    posting = MINIMAL_POSTING + "benefits: [health insurance, paid holidays]\n"
    base = write_knowledge(tmp_path / "kb", BENEFITS_INTENTS, {"acme-dev.yaml": posting})
    (base / "postings" / "acme-dev.md").write_text("# Developer\n\nWe offer health insurance.\n")
    reply = answer(load_knowledge(base), question)
    assert reply.intents == ["benefits"]
    assert reply.text.split("\n\n")[0].endswith("health insurance and paid holidays.")
    if unmentioned is None:
        assert "mention" not in reply.text and reply.offer is None
    else:
        assert reply.text.startswith(f"The posting doesn't mention {unmentioned}. Benefits listed")
        assert reply.offer is not None and reply.handoff


def test_three_questions_in_one_message(bundled: Knowledge) -> None:
    reply = ask(bundled, "do you sponsor visas? also is it hybrid? how many years of experience do I need")
    assert reply.intents == ["visa", "remote", "experience"]
    # Visa and remote aren't stated: the offer of a recruiter comes once, after every answer.
    assert reply.offer is not None
    assert reply.text == "\n\n".join([*(part.text for part in reply.parts), reply.offer])
    assert "2+ years" in reply.parts[2].text
    assert reply.handoff is True  # visa and remote aren't stated


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("hi, what's the salary?", "salary"),
        ("hey! is relocation covered?", "relocation"),
        ("thanks! and do you offer equity?", "equity"),
    ],
)
def test_greetings_are_dropped_when_a_real_question_comes_too(
    bundled: Knowledge, question: str, intent: str
) -> None:
    reply = ask(bundled, question)
    assert reply.intents == [intent]
    assert "Hi!" not in reply.text and "welcome" not in reply.text


def test_a_clear_question_inside_a_rambling_message_is_still_answered(bundled: Knowledge) -> None:
    # Whole, the small talk drags the message below the threshold; the question in it stands on its own.
    question = "thanks so much, that was useful! one last thing before I go, is relocation covered?"
    whole = bundled.posting().matcher.rank(question)[0]
    assert whole.score < bundled.settings.threshold
    reply = ask(bundled, question)
    assert reply.outcome == "answered" and reply.intents == ["relocation"]


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        # Sentences about the asker, beside a question, are context: only the question is answered.
        ("I'm moving to a new city next spring with my family. What's the salary range?", ["salary"]),
        ("My current team is tiny and I do everything. We ship weekly. Is there equity?", ["equity"]),
        # …and beside a request with no question mark.
        (
            "Good morning. I would like to know how the final salary within the range is decided. I have "
            "five years of backend experience at a bank.",
            ["salary"],
        ),
        # Any statement after the question, or in a story around it, tells rather than asks…
        ("Is there relocation help? The posting mentions equity.", ["relocation"]),
        ("The posting mentions equity. That part looks generous. Is there relocation help?", ["relocation"]),
        # …while a statement just before a short question may be what it asks about.
        ("The range is quite wide. What decides where I land in it?", ["salary"]),
        # A condition before the question is no question of its own…
        ("If I move to Denver next year, can I keep working from home?", ["remote"]),
        ("After the interviews, is there relocation help?", ["relocation"]),
        # …but a question opening with "when" is a question.
        ("when does health insurance start, day one?", ["benefits"]),
        # A request dressed as a statement is still asked.
        ("I'm wondering whether you sponsor visas. What's the salary range?", ["visa", "salary"]),
    ],
)
def test_context_about_the_asker_is_not_a_second_question(
    bundled: Knowledge, question: str, intents: list[str]
) -> None:
    assert ask(bundled, question).intents == intents


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # Saying that one would like to know is no part of what is asked: the words after it are.
        ("I would be most interested to understand how the stock grants work.", "equity"),
        ("I should like to know where the office is.", "location"),
    ],
)
def test_a_formal_opening_is_read_past(bundled: Knowledge, question: str, intent: str) -> None:
    assert ask(bundled, question).intents == [intent]


@pytest.mark.parametrize(
    "question",
    [
        # The tail of a question cut at "and" is no question of its own: "sit in the office" is no remote
        # question here, and "tie in the office" none there.
        "Do engineers wear a shirt and tie in the office?",
        "can I bring my cat and sit in the office?",
        # Thanks beside a question the bot can't answer: the question gets the reply, not the thanks.
        "thanks! is there a company band?",
        # A greeting before a request the bot can't place, with no question mark to tell it apart.
        "hey! could you recommend a good pasta recipe",
        "Good evening. I play football on Sunday mornings, which means a great deal to me. I would be "
        "grateful to hear about the dress code at the office.",
    ],
)
def test_a_fragment_or_a_greeting_does_not_answer_for_the_message(bundled: Knowledge, question: str) -> None:
    reply = ask(bundled, question)
    assert (reply.outcome, reply.intents) == ("out_of_scope", [])


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("good morning", "greeting"),
        ("thank you!", "thanks"),
        ("Hi there, hope your week is going well.", "greeting"),
        ("Hello there! I hope you are well, I only just found this chat.", "greeting"),
    ],
)
def test_a_greeting_alone_is_answered(bundled: Knowledge, question: str, intent: str) -> None:
    assert ask(bundled, question).intents == [intent]


def test_asking_for_a_recruiter_advises_a_handoff(bundled: Knowledge) -> None:
    reply = ask(bundled, "talk to a recruiter")
    assert reply.intents == ["contact_recruiter"]
    assert reply.handoff is True


def test_a_stated_fact_needs_no_handoff(bundled: Knowledge) -> None:
    assert ask(bundled, "what's the salary range?").handoff is False


# ---- ambiguity: two close intents -> "did you mean" --------------------------------------------------


@pytest.fixture
def ambiguous(tmp_path: Path) -> Knowledge:
    return load_knowledge(write_knowledge(tmp_path / "kb", AMBIGUOUS, {"acme-dev.yaml": AMBIGUOUS_POSTING}))


def test_two_close_intents_give_did_you_mean(ambiguous: Knowledge) -> None:
    reply = answer(ambiguous, "the office?")
    assert reply.outcome == "did_you_mean", (reply.outcome, reply.candidates)
    assert reply.intents == [] and reply.parts == []
    assert {s.intent for s in reply.suggestions} == {"parking", "office_hours"}
    assert "Parking" in reply.text and "Office hours" in reply.text
    # Neither answer is given while the bot is unsure.
    assert "Free parking" not in reply.text and "9 to 5" not in reply.text


def test_a_clear_question_in_the_ambiguous_knowledge_is_answered(ambiguous: Knowledge) -> None:
    assert answer(ambiguous, "is there parking at the office").intents == ["parking"]
    assert answer(ambiguous, "what are the office hours").text == "9 to 5."


def test_picking_a_suggestion_gives_its_answer(ambiguous: Knowledge) -> None:
    reply = answer(ambiguous, "the office?")
    picked = render_intent(ambiguous, None, reply.suggestions[0].intent)
    assert picked.text in {"Free parking on site.", "9 to 5."}


# ---- answers are rendered from facts ----------------------------------------------------------------


def test_changing_the_salary_changes_every_answer_that_shows_it(tmp_path: Path) -> None:
    directory = copy_bundled(tmp_path / "kb")
    posting = directory / "postings" / "pinterest-backend-engineer.yaml"
    text = posting.read_text(encoding="utf-8")
    assert "min: 118938" in text and "max: 244872" in text
    posting.write_text(text.replace("min: 118938", "min: 123456").replace("max: 244872", "max: 234567"))

    before, after = load_knowledge(KNOWLEDGE), load_knowledge(directory)
    intents = sorted(before.posting().intents)
    shown = 0
    for intent in intents:
        old, new = render_intent(before, None, intent).text, render_intent(after, None, intent).text
        assert "118,938" not in new and "244,872" not in new, intent
        if "118,938" in old:
            shown += 1
            assert new == old.replace("118,938", "123,456").replace("244,872", "234,567"), intent
        else:
            assert new == old, intent
    assert shown >= 1
    assert "$123,456\u2013$234,567 USD" in answer(after, "what's the salary range?").text


def test_a_salary_without_currency_or_period_invents_neither(tmp_path: Path) -> None:
    posting = MINIMAL_POSTING + "salary: {min: 90000, max: 120000}\n"
    directory = copy_bundled(tmp_path / "kb")
    (directory / "postings" / "acme-dev.yaml").write_text(posting, encoding="utf-8")
    knowledge = load_knowledge(directory)
    text = answer(knowledge, "what's the salary range?", "acme-dev").text
    assert "$90,000\u2013$120,000." in text
    assert "USD" not in text and "per " not in text


def test_changing_a_yes_no_fact_flips_the_answer(tmp_path: Path) -> None:
    directory = copy_bundled(tmp_path / "kb")
    posting = directory / "postings" / "pinterest-backend-engineer.yaml"
    text = posting.read_text(encoding="utf-8")
    assert "relocation:\n  provided: false" in text
    posting.write_text(text.replace("relocation:\n  provided: false", "relocation:\n  provided: true"))
    reply = answer(load_knowledge(directory), "do you offer relocation?")
    assert "not provided" not in reply.text and "provided" in reply.text


def test_the_company_name_comes_from_the_posting(tmp_path: Path) -> None:
    directory = copy_bundled(tmp_path / "kb")
    posting = directory / "postings" / "pinterest-backend-engineer.yaml"
    posting.write_text(posting.read_text(encoding="utf-8").replace("company: Pinterest", "company: Examplo"))
    reply = answer(load_knowledge(directory), "recommend a good pizza place")
    assert "Examplo" in reply.text


@pytest.mark.parametrize("question", ["tell me about Examplo", "whats examplo even"])
def test_a_company_is_known_by_its_first_word(tmp_path: Path, question: str) -> None:
    directory = copy_bundled(tmp_path / "kb")
    posting = directory / "postings" / "pinterest-backend-engineer.yaml"
    text = posting.read_text(encoding="utf-8")
    posting.write_text(text.replace("company: Pinterest", "company: Examplo Home & Garden"))
    reply = answer(load_knowledge(directory), question)
    assert [p.intent for p in reply.parts] == ["company"], reply.text


def test_a_first_word_questions_use_anyway_is_no_short_name(tmp_path: Path) -> None:
    directory = copy_bundled(tmp_path / "kb")
    posting = directory / "postings" / "pinterest-backend-engineer.yaml"
    text = posting.read_text(encoding="utf-8")
    posting.write_text(text.replace("company: Pinterest", "company: Home Examplo"))
    matcher = load_knowledge(directory).posting().matcher
    assert matcher.features("home examplo") == ["company"]
    assert matcher.features("home") == ["home"]


# ---- a posting that states almost nothing -----------------------------------------------------------


@pytest.fixture
def minimal(tmp_path: Path) -> Knowledge:
    """The bundled intents with a posting that has only id, title and company."""
    directory = tmp_path / "kb"
    (directory / "postings").mkdir(parents=True)
    (directory / "intents.yaml").write_text((KNOWLEDGE / "intents.yaml").read_text(encoding="utf-8"))
    (directory / "postings" / "acme-dev.yaml").write_text(MINIMAL_POSTING)
    return load_knowledge(directory)


# Nothing from the bundled posting, and no number, may appear in an answer about a posting that states none.
INVENTED = re.compile(
    r"\d|\$|Pinterest|USD|Core|Monetization|not provided|is provided|equity is offered", re.I
)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what's the salary range?", "salary"),
        ("is this remote?", "remote"),
        ("do you offer relocation?", "relocation"),
        ("is there equity", "equity"),
        ("do you sponsor visas", "visa"),
        ("which team would I join", "teams"),
    ],
)
def test_a_missing_fact_says_so_and_offers_the_recruiter(
    minimal: Knowledge, question: str, intent: str
) -> None:
    reply = answer(minimal, question)
    assert reply.intents == [intent]
    assert "doesn't" in reply.text, reply.text
    assert_offers_recruiter(reply.text)
    assert reply.handoff is True
    assert reply.parts[0].missing is True
    assert not INVENTED.search(reply.text), reply.text


def test_every_intent_renders_for_a_minimal_posting(minimal: Knowledge) -> None:
    for intent in minimal.posting().intents:
        part = render_intent(minimal, None, intent)
        assert part.text.strip(), intent
        assert "{" not in part.text and "None" not in part.text, (intent, part.text)
        assert not INVENTED.search(part.text), (intent, part.text)


def test_plain_text_answers_need_no_facts(tmp_path: Path) -> None:
    # The contract: intents.yaml with plain-text answers and one minimal posting must work.
    intents = """\
    intents:
      - id: parking
        examples: [is there parking]
        answer: There is free parking.
      - id: dress_code
        examples: [what is the dress code]
        answer: Dress is casual.
    """
    knowledge = load_knowledge(write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING}))
    assert answer(knowledge, "is there parking").text == "There is free parking."
    assert answer(knowledge, "what is the dress code?").intents == ["dress_code"]


# ---- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_an_error(bundled: Knowledge, question: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        answer(bundled, question)


def test_an_unknown_posting_is_an_error(bundled: Knowledge) -> None:
    with pytest.raises(KeyError, match="no-such-posting"):
        answer(bundled, "what's the salary?", "no-such-posting")


def test_the_reply_names_its_posting(bundled: Knowledge) -> None:
    assert answer(bundled, "what's the salary?", "pinterest-backend-engineer").posting == (
        "pinterest-backend-engineer"
    )


def test_topics_are_what_the_posting_states(bundled: Knowledge) -> None:
    topics = bundled.posting().topics
    assert {"salary", "relocation", "teams", "equity"} <= set(topics)
    # Silent in the posting (remote, visa), small talk, and the recruiter request are not topics.
    assert not {"remote", "visa", "greeting", "thanks", "contact_recruiter"} & set(topics)
    assert list(topics) == [i for i in bundled.posting().intents if i in topics]  # the knowledge's order


# ---- a clear leader ---------------------------------------------------------------------------------

LEADER_INTENTS = """\
settings: {threshold: 0.5, margin: 0.02, lead: 2.5, lead_threshold: 0.6}
intents:
  - id: parking
    examples: [is there parking, where do I park, is parking free]
    answer: There is free parking.
  - id: dress_code
    examples: [what is the dress code, what should I wear]
    answer: Dress is casual.
  - id: greeting
    smalltalk: true
    examples: [hello, hi there]
    answer: Hello!
"""


@pytest.fixture
def leader(tmp_path: Path) -> Knowledge:
    return load_knowledge(
        write_knowledge(tmp_path / "kb", LEADER_INTENTS, {"acme-dev.yaml": MINIMAL_POSTING})
    )


def test_a_clear_leader_is_answered_below_the_threshold(leader: Knowledge) -> None:
    question = "is there parking for bikes nearby"  # words no example uses drag the score down
    top, runner_up = leader.posting().matcher.rank(question)[:2]
    assert 0.5 * 0.6 <= top.score < 0.5 and top.score >= 2.5 * runner_up.score
    assert answer(leader, question).intents == ["parking"]


def test_small_talk_gets_no_relief_for_leading(leader: Knowledge) -> None:
    question = "hello there in french"
    top, runner_up = leader.posting().matcher.rank(question)[:2]
    assert top.intent == "greeting" and 0.5 * 0.6 <= top.score < 0.5 and top.score >= 2.5 * runner_up.score
    assert answer(leader, question).outcome == "out_of_scope"


def test_without_a_clear_lead_the_threshold_holds(leader: Knowledge) -> None:
    question = "is there parking or a dress code"
    top, runner_up = leader.posting().matcher.rank(question)[:2]
    assert top.score < 0.5 and top.score < 2.5 * runner_up.score
    assert answer(leader, question).outcome == "out_of_scope"


def test_a_message_naming_an_absent_fact_falls_back_to_the_built_in_wording(tmp_path: Path) -> None:
    intents = """\
    messages:
      out_of_scope: "Only questions about the role, paying up to {salary.max|number}."
    intents:
      - id: parking
        examples: [is there parking]
        answer: There is free parking.
    """
    knowledge = load_knowledge(write_knowledge(tmp_path / "kb", intents, {"acme-dev.yaml": MINIMAL_POSTING}))
    reply = answer(knowledge, "what's the weather like on mars")
    assert reply.outcome == "out_of_scope"
    assert reply.text.startswith("I couldn't find an answer to that in the Developer posting at Acme.")
    assert "{" not in reply.text


# ---- the limit on how much of a message is matched ---------------------------------------------------


def test_only_the_first_max_question_chars_of_a_message_are_matched(bundled: Knowledge) -> None:
    question = "what's the salary range? and is relocation covered?"
    assert ask(bundled, question).intents == ["salary", "relocation"]  # both questions, uncut
    cut_at = question.index(" and") + 1
    settings = bundled.settings.model_copy(update={"max_question_chars": cut_at})
    short = dataclasses.replace(bundled, settings=settings)

    reply = ask(short, question)

    # The relocation question lies past the cut: only the salary one is answered, and the reply still
    # carries the whole question as it was asked.
    assert reply.intents == ["salary"]
    assert reply.question == question
    assert SALARY_RANGE in reply.text
