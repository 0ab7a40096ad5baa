"""Admin commands in Slack, `/posting reload` and `/posting report [DAYS]`, and knowledge problems posted
to ADMIN_CHANNEL.

Only users in ADMIN_USER_IDS may run them; anyone else gets a polite refusal, and the attempt is logged
under the user's pseudonym (the keyed hash the question log uses), never their raw id.
Replies are private (the slash command's response_url).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.knowledge.reload import ProblemsCallback
from bot.knowledge.yaml_source import Problem
from bot.report import ReportError, format_report, question_report
from bot.slack.asked import Asked
from bot.slack.blocks import Message, note_message, preformatted_message
from bot.slack.delivery import send
from bot.slack.services import Services

logger = logging.getLogger(__name__)

DEFAULT_REPORT_DAYS = 7.0
MAX_PROBLEMS_SHOWN = 30  # a broken file can have hundreds; the rest are in the log and in `check`

REFUSAL = (
    "Sorry — `/posting {command}` is only for this bot's admins. "
    "To ask about the posting, type `/posting` followed by your question."
)


@dataclass(frozen=True)
class AdminCommand:
    name: str  # "reload" or "report"
    days: float = DEFAULT_REPORT_DAYS  # report: the period


def admin_command(text: str) -> AdminCommand | None:
    """`reload`, `report` or `report DAYS`, exactly; anything else is a candidate's question."""
    words = text.lower().split()
    if words == ["reload"]:
        return AdminCommand("reload")
    if words[:1] == ["report"] and len(words) <= 2:
        if len(words) == 1:
            return AdminCommand("report")
        try:
            days = float(words[1])
        except ValueError:
            return None
        if days > 0 and math.isfinite(days):
            return AdminCommand("report", days)
    return None


def run_admin_command(services: Services, asked: Asked, command: AdminCommand) -> None:
    """Run `command` for an admin and reply privately; refuse (and log) anyone else."""
    if asked.user not in services.settings.admin_user_ids:
        who = services.log_name(asked.user)
        logger.warning("refused /posting %s from user %s: not in ADMIN_USER_IDS", command.name, who)
        send(services, asked.target(), note_message(REFUSAL.format(command=command.name)))
        return
    logger.info("/posting %s run by admin %s", command.name, services.log_name(asked.user))
    message = _reload(services) if command.name == "reload" else _report(services, command.days)
    send(services, asked.target(), message)


def _reload(services: Services) -> Message:
    if services.reload is None:
        return note_message("Live reload is not running in this app.")
    result = services.reload()
    return preformatted_message(result.summary(), _problem_lines(result.problems))


def _report(services: Services, days: float) -> Message:
    if services.store is None:
        return note_message("This app keeps no question log, so there is nothing to report.")
    try:
        report = question_report(services.store, services.knowledge(), days)
    except ReportError as exc:
        logger.error("reading the question log %s for a report failed: %s", services.store.where, exc)
        return note_message(f"I couldn't read the question log just now ({exc}).")
    return preformatted_message(f"Report for the last {days:g} days", format_report(report))


def problems_poster(client: WebClient, channel: str | None) -> ProblemsCallback:
    """The on_problems callback: a failed knowledge edit's problems, posted to ADMIN_CHANNEL when set."""

    def post(problems: Sequence[Problem]) -> None:
        if not channel:
            return
        summary = (
            f"A knowledge edit was not loaded: {len(problems)} problem(s). "
            "The bot keeps answering from the last good version."
        )
        message = preformatted_message(summary, _problem_lines(problems))
        try:
            client.chat_postMessage(channel=channel, unfurl_links=False, **message.as_kwargs())
        except (SlackApiError, OSError) as exc:
            logger.error("posting knowledge problems to %s failed: %s", channel, exc)

    return post


def _problem_lines(problems: Sequence[Problem]) -> str:
    lines = [str(problem) for problem in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more (run posting-bot check)")
    return "\n".join(lines)
