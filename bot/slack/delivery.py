"""Getting a message to the candidate: in a conversation (chat.postMessage) or privately (response_url).

Both paths retry 429 (honouring Retry-After), 5xx and dropped connections; what still fails raises
DeliveryError carrying enough context to log, and the caller decides what that means.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack.blocks import Message
from bot.slack.services import Services, retry_handlers

# Slack message metadata on every answer to an event: a process that died after posting can't say it did,
# so whoever answers the event next looks for this first (see `already_answered`).
ANSWER_EVENT_TYPE = "posting_bot_answer"

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered even after retries."""


@dataclass(frozen=True)
class Target:
    """Where a reply goes. A response_url wins (private replies); else a channel, maybe a thread."""

    channel: str | None = None  # a user ID posts to the user's DM with the app
    thread_ts: str | None = None
    response_url: str | None = None
    replace_original: bool = False  # with response_url: replace the clicked message
    event_id: str | None = None  # the event this answers, carried in the message's metadata


def send(services: Services, target: Target, message: Message) -> None:
    """Deliver `message` to `target`; DeliveryError when Slack still refuses after retries."""
    if target.response_url:
        _respond(target.response_url, target.replace_original, message)
        return
    if not target.channel:
        raise DeliveryError("nowhere to send the reply: no channel and no response_url")
    metadata = None
    if target.event_id:
        metadata = {"event_type": ANSWER_EVENT_TYPE, "event_payload": {"event_id": target.event_id}}
    try:
        services.client.chat_postMessage(
            channel=target.channel,
            thread_ts=target.thread_ts,
            unfurl_links=False,
            metadata=metadata,
            **message.as_kwargs(),
        )
    except SlackApiError as exc:
        raise DeliveryError(f"chat.postMessage to {target.channel} failed: {_error(exc)}") from exc
    except OSError as exc:  # connection errors that outlasted the retries
        raise DeliveryError(f"chat.postMessage to {target.channel} failed: {exc}") from exc


def already_answered(services: Services, target: Target, since_ts: str | None) -> bool:
    """Whether the conversation already holds the app's answer to `target.event_id` (posted by an attempt
    that died before it could record so). False when it can't be told: answering twice beats silence."""
    if not (target.event_id and target.channel and since_ts):
        return False
    try:
        if target.thread_ts:
            response = services.client.conversations_replies(
                channel=target.channel, ts=target.thread_ts, oldest=since_ts, include_all_metadata=True
            )
        else:
            response = services.client.conversations_history(
                channel=target.channel, oldest=since_ts, include_all_metadata=True
            )
    except (SlackApiError, OSError) as exc:
        logger.warning("could not look for an earlier answer to event %s: %s", target.event_id, exc)
        return False
    for message in response.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == ANSWER_EVENT_TYPE and payload.get("event_id") == target.event_id:
            return True
    return False


def _respond(url: str, replace_original: bool, message: Message) -> None:
    body: dict[str, Any] = {"response_type": "ephemeral", "replace_original": replace_original}
    body.update(message.as_kwargs())
    try:
        response = WebhookClient(url, retry_handlers=retry_handlers()).send_dict(body)
    except OSError as exc:
        raise DeliveryError(f"response_url post failed: {exc}") from exc
    if response.status_code != 200:
        raise DeliveryError(f"response_url post failed: HTTP {response.status_code} {response.body[:200]}")


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return f"HTTP {exc.response.status_code} {data.get('error', 'unknown error')}"
