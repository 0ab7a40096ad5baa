"""Socket Mode under a burst and a lost server: `posting-bot run` against the stand-in's websocket.

A thousand envelopes sent at once are all acknowledged and answered (slack_sdk's built-in client once
wedged after 79); a websocket server killed and replaced by another is reconnected to, and answered on.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.slack.harness import APP_TOKEN, BOT_TOKEN, KNOWLEDGE, BotProcess, conversation_ids
from tests.slack_standin import FakeSlackWebAPI, FakeSocketModeServer, dm_message, event_callback
from tests.slack_standin.load import answers_per_channel, wait_for_answers

pytestmark = pytest.mark.e2e

fresh = conversation_ids("W")
BURST = 1_000


def socket_mode_bot(workdir: Path, api: FakeSlackWebAPI) -> BotProcess:
    return BotProcess(
        workdir,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_BASE_URL=api.base_url,
        KNOWLEDGE_DIR=str(KNOWLEDGE),
    )


def test_a_burst_of_a_thousand_events_is_all_acknowledged_and_answered(tmp_path: Path) -> None:
    with FakeSlackWebAPI() as api, FakeSocketModeServer() as socket:
        api.socket_mode_url = socket.url
        with socket_mode_bot(tmp_path, api) as bot:
            socket.wait_for_connection(timeout=30)
            channels = [fresh("D") for _ in range(BURST)]
            envelopes = [
                socket.send_payload(event_callback(dm_message("what's the salary range?", channel=c)))
                for c in channels
            ]
            deadline = time.monotonic() + 120
            while len(set(envelopes) & set(socket.acks)) < BURST and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(set(envelopes) & set(socket.acks)) == BURST
            counts = wait_for_answers(api, set(channels), timeout=120)
            assert sorted(set(counts[c] for c in channels)) == [1]
            bot.assert_alive()
            assert "RecursionError" not in bot.log()


def test_a_killed_websocket_server_is_reconnected_to_and_answered_on(tmp_path: Path) -> None:
    # The servers outlive the bot: a bot left without one would only keep reconnecting.
    with FakeSlackWebAPI() as api, FakeSocketModeServer() as first, FakeSocketModeServer() as second:
        api.socket_mode_url = first.url
        with socket_mode_bot(tmp_path, api) as bot:
            first.wait_for_connection(timeout=30)
            before = fresh("D")
            first.send_payload(event_callback(dm_message("what's the salary range?", channel=before)))
            wait_for_answers(api, {before}, timeout=10)
            api.socket_mode_url = second.url  # what apps.connections.open hands out from now on
            first.stop()  # the connection drops under the app
            second.wait_for_connection(timeout=30)
            after = fresh("D")
            envelope = second.send_payload(
                event_callback(dm_message("what's the salary range?", channel=after))
            )
            second.wait_for_ack(envelope, timeout=10)
            wait_for_answers(api, {after}, timeout=10)
            bot.assert_alive()
        counts = answers_per_channel(api)
        assert (counts[before], counts[after]) == (1, 1)
