"""A local Slack stand-in for end-to-end tests: no Slack account, no network beyond 127.0.0.1.

- `FakeSlackWebAPI`: Slack's Web API for `WebClient(base_url=api.base_url)`; records calls, injects
  failures, records posts to `response_url(name)`.
- `FakeSocketModeServer`: Socket Mode websocket; sends envelopes, records acks.
- `payloads`: builders for events, slash commands and button clicks (`SlackPayload`).
- `http_delivery`: Slack-signed POSTs to an app's `/slack/events`.
- `fixtures`: pytest fixtures `slack_api`, `socket_mode_server`, `clean_slack_env`.
"""

from .http_delivery import HttpResult, deliver, post, signed_headers
from .payloads import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    CANDIDATE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    OTHER_BOT_ID,
    TEAM_ID,
    SlackPayload,
    app_home_opened,
    app_mention,
    block_actions,
    bot_message,
    channel_message,
    dm_message,
    event_callback,
    message_changed,
    slash_command,
    url_verification,
)
from .socket_mode import FakeSocketModeServer
from .web_api import ApiCall, FakeSlackWebAPI

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "CANDIDATE_ID",
    "CHANNEL_ID",
    "DM_CHANNEL_ID",
    "OTHER_BOT_ID",
    "TEAM_ID",
    "ApiCall",
    "FakeSlackWebAPI",
    "FakeSocketModeServer",
    "HttpResult",
    "SlackPayload",
    "app_home_opened",
    "app_mention",
    "block_actions",
    "bot_message",
    "channel_message",
    "deliver",
    "dm_message",
    "event_callback",
    "message_changed",
    "post",
    "signed_headers",
    "slash_command",
    "url_verification",
]
