"""Block Kit rendering and Slack markup: escaping, no pings, and Block Kit's limits at any input size."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from bot.answer import Part, Reply, Suggestion
from bot.knowledge.schema import Posting, Salary
from bot.passages import Quote
from bot.slack import blocks
from bot.slack.buttons import QUESTION_CHARS, ButtonError, ButtonValue
from bot.slack.handoff import how_to_reach
from bot.slack.markup import echo, escape, fit, question_text, to_plain

POSTING = Posting(id="acme", title="Engineer <R&D>", company="Acme & Co")
ORIGIN = ButtonValue("acme", question="what is the pay", message_ts="1.000001")


def part(text: str, intent: str = "salary") -> Part:
    return Part(intent, intent.title(), text, 0.9, "example", missing=False)


def texts(block_list: list[dict[str, Any]]) -> list[str]:
    found = [b["text"]["text"] for b in block_list if isinstance(b.get("text"), dict)]
    found += [e["text"] for b in block_list for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    found += [
        e["text"]["text"]
        for b in block_list
        for e in b.get("elements", [])
        if isinstance(e.get("text"), dict)
    ]
    return found


# ---- markup ---------------------------------------------------------------------------------------


def test_question_text_drops_mentions_and_keeps_typed_words() -> None:
    text = "<@U0BOT> what's the pay <https://example.com/job|for this job> &lt;in USD&gt; R&amp;D?"
    assert question_text(text, 500) == "what's the pay for this job in USD R&D?"


def test_question_text_reads_only_a_bounded_prefix() -> None:
    assert question_text("salary " + "x" * 40_000, 100) == "salary " + "x" * 93


@pytest.mark.parametrize("ping", ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S0TEAM|@recruiters>"])
def test_echo_never_carries_a_ping(ping: str) -> None:
    assert echo(f"{ping} hello", 100) == "hello"


def test_echo_turns_mentions_and_markup_into_plain_escaped_text() -> None:
    assert echo("ask <@U0X> in <#C0X|jobs> about &lt;b&gt; &amp; <http://x.io|this>", 200) == (
        "ask @someone in #jobs about &lt;b&gt; &amp; this"
    )


def test_echo_cuts_long_text_without_splitting_an_entity() -> None:
    cut = echo("&" * 100, 13)
    assert cut == "&amp;&amp;…"
    assert len(cut) <= 13


def test_fit_keeps_short_text_and_escape_escapes_the_three_characters() -> None:
    assert fit("short", 10) == "short"
    assert escape("<a & b>") == "&lt;a &amp; b&gt;"
    assert to_plain("&lt;&amp;lt;&gt;") == "<&lt;>"


# ---- buttons --------------------------------------------------------------------------------------


def test_button_values_round_trip_within_slacks_limit() -> None:
    value = ButtonValue("acme", "salary", ["a", "b"], "é" * 5000, "1.2")
    encoded = value.encode()
    assert len(encoded) <= 2000
    decoded = ButtonValue.decode(encoded)
    assert decoded == ButtonValue("acme", "salary", ["a", "b"], "é" * QUESTION_CHARS, "1.2")


@pytest.mark.parametrize("value", [None, "", "not json", "[]", '{"i": "salary"}', '{"p": "a", "is": "x"}'])
def test_values_the_app_did_not_write_are_refused(value: object) -> None:
    with pytest.raises(ButtonError, match="unrecognised button value"):
        ButtonValue.decode(value)


# ---- messages -------------------------------------------------------------------------------------


def test_answer_escapes_knowledge_text_and_carries_context_and_buttons() -> None:
    message = blocks.answer_message(POSTING, [part("Pay is <$100k> & equity")], ORIGIN, None, True)

    assert message.blocks[0]["text"]["text"] == "Pay is &lt;$100k&gt; &amp; equity"
    assert message.text == "Pay is &lt;$100k&gt; &amp; equity"
    assert message.blocks[1]["elements"][0]["text"] == "*Engineer &lt;R&amp;D&gt;* at Acme &amp; Co"
    actions = message.blocks[2]
    assert [e["action_id"] for e in actions["elements"]] == [
        "feedback_helpful",
        "feedback_unhelpful",
        "talk_to_recruiter",
    ]
    assert ButtonValue.decode(actions["elements"][0]["value"]).intents == ["salary"]
    assert ButtonValue.decode(actions["elements"][2]["value"]) == ORIGIN


def test_a_whole_list_button_comes_only_with_a_whole_list() -> None:
    quote = Quote("Relocation up to $5,000.", 7, "Benefits", 0.9)
    led = dataclasses.replace(part("From the posting…"), lead=[quote], full="• one\n• two\n• three\n• four")
    # A prepared answer whose fact is missing, given way to the posting's words: there is no list to show.
    instead = dataclasses.replace(part("From the posting…"), lead=[quote])
    for answer, buttons in ((led, ["All: Salary"]), (instead, [])):
        message = blocks.answer_message(POSTING, [answer], ORIGIN, None, True)
        assert "Relocation up to $5,000." in json.dumps(message.blocks)
        labels = [e["text"]["text"] for e in message.blocks[-1]["elements"]]
        assert [label for label in labels if label.startswith("All:")] == buttons


def test_a_huge_answer_stays_within_block_kit_limits() -> None:
    parts = [part(("word " * 700 + "\n") * 5, f"intent_{i}") for i in range(30)]
    message = blocks.answer_message(POSTING, parts, ORIGIN, "A recruiter will follow up.", False)

    assert len(message.blocks) <= 50
    assert all(len(t) <= 3000 for t in texts(message.blocks))
    assert len(message.text) <= 4000
    assert message.blocks[-1]["type"] == "actions"  # the buttons survive the cut
    assert message.blocks[-3]["elements"][0]["text"] == "_(The rest is too long for one message.)_"


def test_a_section_never_splits_an_entity() -> None:
    [first, second] = blocks.sections(escape("&" * 1000))
    assert first["text"]["text"].endswith("&amp;")
    assert len(first["text"]["text"]) <= 3000
    assert (first["text"]["text"] + second["text"]["text"]) == "&amp;" * 1000


def test_did_you_mean_offers_one_button_per_suggestion() -> None:
    reply = Reply(
        question="pay or stock",
        posting="acme",
        outcome="did_you_mean",
        text="Did you mean one of these?\n• Salary\n• Equity",
        confidence=0.6,
        suggestions=[Suggestion("salary", "Salary", 0.6), Suggestion("equity", "E" * 100, 0.59)],
    )
    message = blocks.did_you_mean_message(reply, ORIGIN)

    [section, actions] = message.blocks
    assert section["text"]["text"] == "Did you mean one of these?"
    [salary, equity] = actions["elements"]
    assert ButtonValue.decode(salary["value"]) == ButtonValue(
        "acme", "salary", question="what is the pay", message_ts="1.000001"
    )
    assert len(equity["text"]["text"]) == 75


def test_acknowledged_replaces_only_the_feedback_buttons() -> None:
    message = blocks.answer_message(POSTING, [part("Pay")], ORIGIN, None, True)
    after = blocks.acknowledged(message.blocks, "Thanks")

    assert [b["type"] for b in after] == ["section", "context", "context", "actions"]
    assert after[2]["elements"][0]["text"] == "Thanks"
    assert [e["action_id"] for e in after[3]["elements"]] == ["talk_to_recruiter"]


def test_home_view_shows_facts_topics_and_the_way_to_a_recruiter() -> None:
    posting = Posting.model_validate(
        {
            "id": "acme",
            "title": "Engineer",
            "company": "Acme",
            "teams": ["Core", "<Ads>"],
            "salary": {
                "min": 1000,
                "max": 2000,
                "currency": "USD",
                "period": "year",
                "eligibility": "US only",
            },
        }
    )
    topics = [blocks.Topic(f"t{i}", f"Topic {i}") for i in range(40)]
    view = blocks.home_view(posting, topics, "email jobs@acme.example.")

    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    shown = json.dumps(view)
    assert "Core, &lt;Ads&gt;" in shown
    assert "USD 1,000\\u20132,000 per year\\nUS only" in shown
    # A posting that states no currency or pay period gets neither made up.
    assert isinstance(posting.salary, Salary)
    silent_salary = posting.salary.model_copy(update={"currency": None, "period": None})
    silent = posting.model_copy(update={"salary": silent_salary})
    shown = json.dumps(blocks.home_view(silent, topics, "email jobs@acme.example."))
    assert "1,000\\u20132,000\\nUS only" in shown and "USD" not in shown and "per " not in shown
    [topic_actions] = [b for b in view["blocks"] if b["type"] == "actions" and len(b["elements"]) > 1]
    assert len(topic_actions["elements"]) == 25  # Block Kit's limit per actions block
    assert view["blocks"][-1]["elements"][0]["action_id"] == "talk_to_recruiter"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            {"recruiter": {"name": "Ana <A>", "slack_user": "U0ANA", "email": "ana@acme.example"}},
            "To reach recruiting: *Ana &lt;A&gt;* looks after this role; message <@U0ANA>; "
            "email ana@acme.example.",
        ),
        ({"recruiter": {"slack_user": "<!channel>"}}, "The posting doesn't name a recruiting contact."),
        (
            {"how_to_apply": "Apply at acme.example/jobs"},
            "The posting doesn't name a recruiter. How to apply: Apply at acme.example/jobs",
        ),
        (
            {"url": "https://acme.example/jobs/1"},
            "The posting doesn't name a recruiter; it is at https://acme.example/jobs/1",
        ),
        ({}, "The posting doesn't name a recruiting contact."),
    ],
    ids=["recruiter", "malformed slack user", "how to apply", "url", "nothing"],
)
def test_how_to_reach_recruiting_comes_from_the_posting(facts: dict[str, Any], expected: str) -> None:
    posting = Posting.model_validate({"id": "acme", "title": "Engineer", "company": "Acme", **facts})
    assert how_to_reach(posting) == expected
