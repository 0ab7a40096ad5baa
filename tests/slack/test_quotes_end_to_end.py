"""The posting's own words in Slack, end to end: `posting-bot run` in HTTP mode on the bundled knowledge (the
Pinterest posting and its text), signed deliveries in, Web API calls out, against the local stand-in.

A quoted answer is a quote block under where it comes from, with 👍 / 👎 and the recruiter button; a vote
on it lands in the question log as the quote's, and `report` counts it apart from prepared answers. A near
miss is asked back with buttons, and a click answers. A long list answer leads with the sentence asked
about, the whole list one click away.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KNOWLEDGE
from tests.environment import run_cli
from tests.slack.harness import (
    SIGNING_SECRET,
    BotProcess,
    action_ids,
    blocks_of,
    button,
    conversation_ids,
    http_mode,
    shown_text,
    to_channel,
)
from tests.slack_standin import ApiCall, FakeSlackWebAPI, block_actions, deliver, dm_message, event_callback

pytestmark = pytest.mark.e2e  # the app as a process, over HTTP

fresh = conversation_ids("Q")
AB_TESTING = "A/B testing, architecture, and scalable solutions for millions of users."


@dataclass
class App:
    process: BotProcess
    url: str
    api: FakeSlackWebAPI
    workdir: Path

    def dm(self, text: str, channel: str) -> None:
        deliver(f"{self.url}/slack/events", event_callback(dm_message(text, channel=channel)), SIGNING_SECRET)

    def click(self, element: dict[str, Any], channel: str, answer: ApiCall | None = None) -> str:
        name = fresh("click")
        payload = block_actions(
            element["action_id"],
            element["value"],
            response_url=self.api.response_url(name),
            channel=channel,
        )
        if answer is not None:
            payload.data["message"]["blocks"] = blocks_of(answer)
        deliver(f"{self.url}/slack/events", payload, SIGNING_SECRET)
        return name

    def replies(self, channel: str, count: int = 1) -> list[ApiCall]:
        return self.api.wait_for("chat.postMessage", count, 10, predicate=to_channel(channel))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    workdir = tmp_path_factory.mktemp("quotes")
    with http_mode(workdir, KNOWLEDGE, HASH_KEY="e2e-quotes-key") as (bot, url, api):
        yield App(bot, url, api, workdir)


def quotes_in(call: ApiCall) -> list[str]:
    return [
        element["text"]
        for block in blocks_of(call)
        if block["type"] == "rich_text"
        for quote in block["elements"]
        if quote["type"] == "rich_text_quote"
        for element in quote["elements"]
    ]


def test_a_quoted_answer_is_a_quote_block_with_feedback_and_the_recruiter(app: App) -> None:
    channel = fresh("D")
    app.dm("how many users does Pinterest have?", channel)
    [reply] = app.replies(channel)

    [quote] = quotes_in(reply)
    assert quote.endswith(AB_TESTING)
    shown = shown_text(reply)
    assert "From the posting (Responsibilities):" in shown
    assert reply.params["text"].startswith("From the posting (Responsibilities): “Full product lifecycle")
    assert action_ids(reply) == ["feedback_helpful", "feedback_unhelpful", "talk_to_recruiter"]

    # 👎 on the quote: thanked in place, and logged as the quote's vote, not an intent's.
    name = app.click(button(reply, "feedback_unhelpful"), channel, reply)
    [response] = app.api.wait_for_response(name)
    assert "Thanks for telling me" in shown_text(response)
    assert "intents=quote:14 not helpful" in app.process.wait_for_log("intents=quote:14")

    data = report_when(app, lambda d: any(q["line"] == 14 and q["down"] for q in d["quoted"]))
    assert data["totals"]["outcomes"]["quoted"] >= 1
    [line_14] = [q for q in data["quoted"] if q["line"] == 14]
    assert line_14["examples"][0] == "how many users does Pinterest have?"
    assert (line_14["up"], line_14["down"]) == (0, 1)
    assert all(f["intent"] != "quote:14" for f in data["feedback"])


def report_when(app: App, ready: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
    """`posting-bot report --json` on the app's question log, once `ready` (the vote is logged before it
    is written)."""
    deadline = time.monotonic() + timeout
    while True:
        result = run_cli("report", "--json", "--knowledge", KNOWLEDGE, cwd=app.workdir)
        assert result.returncode == 0, result.stderr
        data: dict[str, Any] = json.loads(result.stdout)
        if ready(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.1)


def test_a_near_miss_is_asked_back_and_a_click_answers(app: App) -> None:
    channel = fresh("D")
    app.dm("screening calls?", channel)
    [question] = app.replies(channel)
    assert "Did you mean" in question.params["text"]
    choice = button(question, "pick_intent_0")
    assert choice["text"]["text"] == "Interview process"

    app.click(choice, channel)
    [_, answer] = app.replies(channel, count=2)
    assert "The posting doesn't say anything about the interview process" in answer.params["text"]


def test_a_long_list_answer_leads_with_the_sentence_and_keeps_the_list_a_click_away(app: App) -> None:
    channel = fresh("D")
    app.dm("will I work with designers?", channel)
    [reply] = app.replies(channel)
    assert any("designers" in quote for quote in quotes_in(reply))
    assert "Idea generation" not in shown_text(reply)
    whole = button(reply, "pick_intent")
    assert whole["text"]["text"] == "All: Responsibilities"

    app.click(whole, channel)
    [_, answer] = app.replies(channel, count=2)
    assert answer.params["text"].startswith("What you'd do:")
    assert answer.params["text"].count("•") == 6


def test_a_near_miss_under_its_intents_heading_leads_with_the_sentence(app: App) -> None:
    # Far under the threshold for responsibilities, but the sentence that answers sits under
    # "Responsibilities": the sentence leads, the prepared answer a click away, rated as the intent.
    channel = fresh("D")
    app.dm("how many users would my work reach", channel)
    [reply] = app.replies(channel)
    [quote] = quotes_in(reply)
    assert quote.endswith(AB_TESTING)
    assert button(reply, "pick_intent")["text"]["text"] == "All: Responsibilities"
    assert action_ids(reply)[:2] == ["feedback_helpful", "feedback_unhelpful"]
    assert json.loads(button(reply, "feedback_helpful")["value"])["is"] == ["responsibilities"]
