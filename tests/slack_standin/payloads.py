"""Builders for what Slack sends to an app: events, slash commands, button clicks.

Each builder returns a `SlackPayload`, which can travel either way Slack delivers it:

- Socket Mode: `FakeSocketModeServer.send_payload(p)` wraps `p.data` in an envelope of type
  `p.envelope_type`.
- HTTP: `p.body` is the request body exactly as Slack POSTs it to `/slack/events` (JSON for events,
  form-encoded for slash commands, form-encoded `payload=<json>` for interactivity), with
  `p.content_type`.

IDs look like real Slack IDs (capital letters and digits only), so code that parses markup such as
`<@U0BOT>` with a realistic pattern sees realistic input.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

TEAM_ID = "T0TEAM"
TEAM_DOMAIN = "standin"
APP_ID = "A0APP"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
CANDIDATE_ID = "U0CANDIDATE"
CHANNEL_ID = "C0GENERAL"
DM_CHANNEL_ID = "D0CANDIDATE"
OTHER_BOT_ID = "B0OTHER"
OTHER_BOT_USER_ID = "U0OTHERBOT"

EnvelopeType = Literal["events_api", "slash_commands", "interactive"]

_counter = itertools.count(1)


def new_ts() -> str:
    """A fresh, unique message timestamp in Slack's `seconds.micro` form."""
    return f"{int(time.time())}.{next(_counter):06d}"


@dataclass(frozen=True)
class SlackPayload:
    envelope_type: EnvelopeType
    data: dict[str, Any]

    @property
    def body(self) -> str:
        """The HTTP request body Slack would POST for this payload."""
        if self.envelope_type == "events_api":
            return json.dumps(self.data)
        if self.envelope_type == "slash_commands":
            return urlencode(self.data)
        return urlencode({"payload": json.dumps(self.data)})

    @property
    def content_type(self) -> str:
        if self.envelope_type == "events_api":
            return "application/json"
        return "application/x-www-form-urlencoded"


# --- Events API ------------------------------------------------------------------------------


def event_callback(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_time: int | None = None,
) -> SlackPayload:
    """The outer `event_callback` body around one event. Reuse `event_id` to model a retry."""
    data: dict[str, Any] = {
        "token": "verification-token",  # legacy field; Bolt ignores it
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event.get('type', 'event')}-{team_id}-{event.get('channel', '')}",
    }
    return SlackPayload("events_api", data)


def url_verification(challenge: str = "challenge-token") -> SlackPayload:
    """The handshake Slack sends when a Request URL is saved (HTTP mode only)."""
    data = {"token": "verification-token", "challenge": challenge, "type": "url_verification"}
    return SlackPayload("events_api", data)


def _posted(
    event_type: str, text: str, user: str, channel: str, ts: str | None, thread_ts: str | None = None
) -> dict[str, Any]:
    """What every event about a posted message carries."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": event_type,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def _message(
    text: str, user: str, channel: str, channel_type: str, ts: str | None, thread_ts: str | None = None
) -> dict[str, Any]:
    return {**_posted("message", text, user, channel, ts, thread_ts), "channel_type": channel_type}


def dm_message(
    text: str,
    *,
    user: str = CANDIDATE_ID,
    channel: str = DM_CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A person's message in their DM with the bot (`message.im`)."""
    return _message(text, user, channel, "im", ts, thread_ts)


def channel_message(
    text: str, *, user: str = CANDIDATE_ID, channel: str = CHANNEL_ID, ts: str | None = None
) -> dict[str, Any]:
    """A plain message in a public channel (`message.channels`)."""
    return _message(text, user, channel, "channel", ts)


def app_mention(
    text: str,
    *,
    user: str = CANDIDATE_ID,
    channel: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An @mention of the bot. `text` is the full text, so include the mention: `f"<@{BOT_USER_ID}> hi"`."""
    return _posted("app_mention", text, user, channel, ts, thread_ts)


def app_home_opened(*, user: str = CANDIDATE_ID, tab: str = "home") -> dict[str, Any]:
    """The user opened the bot's App Home (no `view` key: the home tab was never published)."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": DM_CHANNEL_ID,
        "tab": tab,
        "event_ts": new_ts(),
    }


def bot_message(
    text: str,
    *,
    bot_id: str = OTHER_BOT_ID,
    bot_user_id: str = OTHER_BOT_USER_ID,
    channel: str = DM_CHANNEL_ID,
    channel_type: str = "im",
    subtype: str | None = None,
) -> dict[str, Any]:
    """A message posted by a bot. Apps posting with a bot token carry `bot_id` and no subtype;
    legacy integrations use `subtype="bot_message"`. Pass `bot_id=BOT_ID, bot_user_id=BOT_USER_ID`
    for the bot's own message echoed back."""
    event = _message(text, bot_user_id, channel, channel_type, None)
    del event["client_msg_id"]
    event["bot_id"] = bot_id
    event["app_id"] = "A0OTHER" if bot_id != BOT_ID else APP_ID
    event["bot_profile"] = {"id": bot_id, "app_id": event["app_id"], "name": "a bot", "team_id": TEAM_ID}
    if subtype:
        event["subtype"] = subtype
    return event


def message_changed(
    new_text: str,
    *,
    old_text: str = "",
    user: str = CANDIDATE_ID,
    channel: str = DM_CHANNEL_ID,
    channel_type: str = "im",
    message_ts: str | None = None,
) -> dict[str, Any]:
    """A user edited a message. The edited message sits under `message`; the outer event has no `user`."""
    message_ts = message_ts or new_ts()
    event_ts = new_ts()
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": channel_type,
        "ts": event_ts,
        "event_ts": event_ts,
        "message": {
            "type": "message",
            "user": user,
            "text": new_text,
            "ts": message_ts,
            "edited": {"user": user, "ts": event_ts},
        },
        "previous_message": {"type": "message", "user": user, "text": old_text, "ts": message_ts},
    }


# --- Slash commands and interactivity -----------------------------------------------------------


def _trigger_id() -> str:
    return f"{int(time.time())}.{next(_counter)}.{uuid.uuid4().hex}"


def slash_command(
    text: str,
    *,
    response_url: str,
    user_id: str = CANDIDATE_ID,
    channel_id: str = CHANNEL_ID,
    command: str = "/posting",
    trigger_id: str | None = None,
    channel_name: str = "general",
) -> SlackPayload:
    """A slash command invocation. All values are strings, as in Slack's form body.

    `response_url` is required so replies land on the stand-in: pass `slack_api.response_url("name")`.
    """
    data = {
        "token": "verification-token",
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else channel_name,
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or _trigger_id(),
    }
    return SlackPayload("slash_commands", data)


def block_actions(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user: str = CANDIDATE_ID,
    channel: str = DM_CHANNEL_ID,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    block_id: str = "actions",
    message_text: str = "",
    action_type: str = "button",
) -> SlackPayload:
    """A click on a button in a message the bot posted earlier (`message_ts`)."""
    message_ts = message_ts or new_ts()
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": message_text,
        "ts": message_ts,
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    action: dict[str, Any] = {
        "type": action_type,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "action_ts": new_ts(),
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": value, "emoji": True}
    data: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
            **({"thread_ts": thread_ts} if thread_ts else {}),
        },
        "trigger_id": _trigger_id(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    return SlackPayload("interactive", data)
