"""Getting a message to the candidate: in a conversation (chat.postMessage) or privately (response_url).

Both paths retry 429 (honouring Retry-After), 5xx and dropped connections; what still fails raises
DeliveryError carrying enough context to log, and the caller decides what that means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack.blocks import Message
from bot.slack.services import Services, retry_handlers


class DeliveryError(Exception):
    """A message could not be delivered even after retries."""


@dataclass(frozen=True)
class Target:
    """Where a reply goes. A response_url wins (private replies); else a channel, maybe a thread."""

    channel: str | None = None  # a user ID posts to the user's DM with the app
    thread_ts: str | None = None
    response_url: str | None = None
    replace_original: bool = False  # with response_url: replace the clicked message


def send(services: Services, target: Target, message: Message) -> None:
    """Deliver `message` to `target`; DeliveryError when Slack still refuses after retries."""
    if target.response_url:
        _respond(target.response_url, target.replace_original, message)
        return
    if not target.channel:
        raise DeliveryError("nowhere to send the reply: no channel and no response_url")
    try:
        services.client.chat_postMessage(
            channel=target.channel, thread_ts=target.thread_ts, unfurl_links=False, **message.as_kwargs()
        )
    except SlackApiError as exc:
        raise DeliveryError(f"chat.postMessage to {target.channel} failed: {_error(exc)}") from exc
    except OSError as exc:  # connection errors that outlasted the retries
        raise DeliveryError(f"chat.postMessage to {target.channel} failed: {exc}") from exc


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
