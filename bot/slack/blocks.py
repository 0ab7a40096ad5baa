"""Block Kit rendering: what the app's messages and App Home look like. No Slack calls, no decisions.

Every text the knowledge or a candidate supplies is escaped here (`markup.escape` / `markup.echo`), and
every message stays inside Block Kit's limits: 50 blocks, 3,000 characters per section, 75 per button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.answer import Part, Reply, quote_intro
from bot.knowledge.schema import Posting
from bot.passages import Quote
from bot.routing import ASK_TEXT, Choice
from bot.slack import buttons
from bot.slack.buttons import ButtonValue
from bot.slack.markup import ELLIPSIS, escape, fit, safe_cut, unescape

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION = 3000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS = 25
MAX_HEADER = 150
MAX_FALLBACK = 4000  # Slack truncates at 40,000, but the fallback is for notifications: keep it short
EXAMPLE_TOPICS = 5  # topic buttons under an out-of-scope reply

FEEDBACK_BLOCK = "feedback"
RECRUITER_LABEL = "Talk to a recruiter"


@dataclass(frozen=True)
class Topic:
    """Something the bot can answer for a posting: a button that answers one intent."""

    intent: str
    label: str


@dataclass(frozen=True)
class Message:
    text: str  # plain-text fallback for notifications and screen readers
    blocks: list[Block]

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


# ---- messages -------------------------------------------------------------------------------------


def answer_message(
    posting: Posting,
    parts: Sequence[Part],
    origin: ButtonValue,
    handoff_note: str | None,
    offer_recruiter: bool,
) -> Message:
    """An answer: its text, the posting it comes from, feedback buttons and a way to a recruiter."""
    blocks: list[Block] = []
    whole_lists: list[Block] = []
    for part in parts:
        if part.lead:  # the sentences that answer: a long list's whole one click away, when there is one
            blocks.extend(quote_blocks(part.lead))
            if part.full is not None:
                whole_lists.append(_whole_list_button(len(whole_lists), part, origin))
        else:
            blocks.extend(sections(escape(part.text)))
    if handoff_note:
        blocks.extend(sections(handoff_note))
    rated = [p.intent for p in parts]
    tail = [_context(_provenance(posting)), _answer_actions(origin, rated, offer_recruiter, whole_lists)]
    blocks = _cap(blocks, MAX_BLOCKS - len(tail)) + tail
    texts = [part.text for part in parts] + ([_unformatted(handoff_note)] if handoff_note else [])
    return Message(_fallback("\n\n".join(texts)), blocks)


def quoted_message(posting: Posting, reply: Reply, origin: ButtonValue) -> Message:
    """The posting's own sentences, as quote blocks, with feedback buttons and a way to a recruiter."""
    rated = [q.feedback_key for q in reply.quotes]
    tail = [_context(_provenance(posting)), _answer_actions(origin, rated, True)]
    blocks = _cap(quote_blocks(reply.quotes), MAX_BLOCKS - len(tail)) + tail
    return Message(_fallback(reply.text), blocks)


def quote_blocks(quotes: Sequence[Quote]) -> list[Block]:
    """Each quote under a line saying where in the posting it comes from. Rich-text quotes hold literal
    text, so a posting's "<!channel>" or "*" shows as written and pings or formats nothing."""
    blocks: list[Block] = []
    for quote in quotes:
        blocks.append(_context(escape(quote_intro(quote))))
        element = {"type": "text", "text": fit(quote.text, MAX_SECTION)}
        blocks.append({"type": "rich_text", "elements": [{"type": "rich_text_quote", "elements": [element]}]})
    return blocks


def did_you_mean_message(reply: Reply, origin: ButtonValue) -> Message:
    """'Did you mean…' with one button per close intent; a click answers that intent."""
    first_line = reply.text.splitlines()[0] if reply.text else ""
    choices = [
        _button(
            f"{buttons.PICK_INTENT}_{i}",
            s.label,
            ButtonValue(
                origin.posting,
                s.intent,
                question=origin.question,
                message_ts=origin.message_ts,
                asker=origin.asker,
            ),
        )
        for i, s in enumerate(reply.suggestions[:MAX_ACTIONS])
    ]
    blocks = [*sections(escape(first_line)), {"type": "actions", "elements": choices}]
    return Message(_fallback(reply.text), blocks)


def out_of_scope_message(reply: Reply, topics: Sequence[Topic], origin: ButtonValue) -> Message:
    """The core's fallback text, a few topics the bot can answer, and the way to a recruiter."""
    blocks = [*sections(escape(reply.text))]
    actions = [*_topic_buttons(topics[:EXAMPLE_TOPICS], origin), _recruiter_button(origin)]
    blocks.append({"type": "actions", "elements": actions})
    return Message(_fallback(reply.text), _cap(blocks, MAX_BLOCKS))


def help_message(posting: Posting, topics: Sequence[Topic], origin: ButtonValue) -> Message:
    """`/posting` alone (or a bare mention): what to ask, and topics to click."""
    intro = (
        f"I answer questions about the *{escape(posting.title)}* posting at {escape(posting.company)}. "
        "Ask in your own words — `/posting what's the salary range?` — or pick a topic:"
    )
    elements = [*_topic_buttons(topics[: MAX_ACTIONS - 1], origin), _recruiter_button(origin)]
    blocks = [*sections(intro), {"type": "actions", "elements": elements}]
    return Message(_fallback(_unformatted(intro)), blocks)


def which_role_message(
    choices: Sequence[Choice], question: str, message_ts: str | None, asker: str | None = None
) -> Message:
    """Asks "Which role do you mean?" with a button per posting; a click answers `question` for that role."""
    elements = [
        _button(
            f"{buttons.PICK_POSTING}_{i}",
            choice.label,
            ButtonValue(choice.posting, question=question, message_ts=message_ts, asker=asker),
        )
        for i, choice in enumerate(choices[:MAX_ACTIONS])
    ]
    blocks = [*sections(ASK_TEXT), {"type": "actions", "elements": elements}]
    return Message(_fallback(f"{ASK_TEXT} " + "; ".join(c.label for c in choices)), blocks)


def preformatted_message(summary: str, text: str) -> Message:
    """An admin's reply: a summary line, then `text` (a report, a list of problems) in code blocks."""
    fence = "```"
    budget = MAX_SECTION - 2 * len(fence) - 2
    chunks: list[str] = []
    for line in escape(text).splitlines():
        line = line[:budget]
        if chunks and len(chunks[-1]) + len(line) + 1 <= budget:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    blocks = sections(escape(summary)) + [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{fence}\n{chunk}\n{fence}"}}
        for chunk in chunks
        if chunk.strip()
    ]
    return Message(_fallback(summary), _cap(blocks, MAX_BLOCKS))


def note_message(mrkdwn: str) -> Message:
    """A short note, such as a recruiter handoff's confirmation."""
    return Message(_fallback(_unformatted(mrkdwn)), sections(mrkdwn))


def recruiter_alert(posting: Posting, user: str, question: str, where: str, permalink: str | None) -> Message:
    """What the recruiter channel sees: who asked what, where, and a link to the message.

    `question` must already be safe to show (`markup.echo`).
    """
    asked = f"<@{user}> asked about *{escape(posting.title)}* at {escape(posting.company)} {where}:"
    quoted = "\n".join(f">{line}" for line in (question or "(wants to talk to a recruiter)").splitlines())
    blocks = sections(f"{asked}\n{quoted}")
    if permalink:
        blocks.append(_context(f"<{permalink}|View the conversation>"))
    fallback = _unformatted(f"A candidate asked about {escape(posting.title)}: {question}")
    return Message(_fallback(fallback), _cap(blocks, MAX_BLOCKS))


def acknowledged(blocks: Sequence[Block], note: str) -> list[Block]:
    """The clicked message again with its feedback buttons replaced by `note` (so nobody clicks twice)."""
    kept: list[Block] = []
    for block in blocks:
        if block.get("block_id") != FEEDBACK_BLOCK:
            kept.append(block)
            continue
        others = [
            e for e in block.get("elements", []) if not buttons.FEEDBACK_PATTERN.match(e.get("action_id", ""))
        ]
        kept.append(_context(note))
        if others:
            kept.append({"type": "actions", "elements": others})
    return _cap(kept, MAX_BLOCKS)


# ---- App Home -------------------------------------------------------------------------------------


def home_view(posting: Posting, topics: Sequence[Topic], reach: str) -> dict[str, Any]:
    """The App Home tab: what the bot knows, topics to ask about, and how to reach a recruiter."""
    origin = ButtonValue(posting.id)
    title = f"{posting.title} at {posting.company}"
    blocks: list[Block] = [{"type": "header", "text": _plain(title, MAX_HEADER)}]
    if posting.summary:
        blocks.extend(sections(escape(f"It's {posting.summary}.")))
    facts = _facts(posting)
    if facts:
        blocks.append({"type": "section", "fields": facts})
    blocks.append(_context(_provenance(posting)))
    blocks.append({"type": "divider"})
    blocks.extend(sections("*Ask me anything about the role* in a message here, or pick a topic:"))
    if topics:
        blocks.append({"type": "actions", "elements": _topic_buttons(topics[:MAX_ACTIONS], origin)})
    blocks.append({"type": "divider"})
    blocks.extend(sections(f"*Talk to a recruiter*\n{reach}"))
    blocks.append({"type": "actions", "elements": [_recruiter_button(origin)]})
    return {"type": "home", "blocks": _cap(blocks, MAX_HOME_BLOCKS)}


def _facts(posting: Posting) -> list[Block]:
    fields: list[str] = []
    if posting.teams:
        fields.append(f"*Teams*\n{escape(', '.join(posting.teams))}")
    if posting.salary:
        ranges = posting.salary if isinstance(posting.salary, list) else [posting.salary]
        shown = []
        for s in ranges:  # one range, or one per currency or zone
            line = " ".join(
                part
                for part in (s.currency, f"{s.min:,.0f}\u2013{s.max:,.0f}", s.period and f"per {s.period}")
                if part
            )  # an en dash between the numbers
            shown.append(escape(line) + (f"\n{escape(s.eligibility)}" if s.eligibility else ""))
        fields.append("*Base salary*\n" + "\n".join(shown))
    if posting.relocation:
        fields.append(f"*Relocation*\n{'provided' if posting.relocation.provided else 'not provided'}")
    # A section holds at most 10 fields of at most 2,000 characters.
    return [{"type": "mrkdwn", "text": fit(text, 2000)} for text in fields[:10]]


# ---- pieces ---------------------------------------------------------------------------------------


def sections(mrkdwn: str) -> list[Block]:
    """`mrkdwn` in as many sections as it takes, each within Block Kit's 3,000 characters."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in _chunks(mrkdwn)]


def _chunks(text: str, limit: int = MAX_SECTION) -> list[str]:
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        # Prefer a paragraph, then a line, then a word boundary; never split an &entity;.
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = safe_cut(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _cap(blocks: list[Block], limit: int) -> list[Block]:
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], _context("_(The rest is too long for one message.)_")]


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(mrkdwn, MAX_SECTION)}]}


def _plain(text: str, limit: int) -> dict[str, Any]:
    short = text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
    return {"type": "plain_text", "text": short, "emoji": True}


def _button(action_id: str, label: str, value: ButtonValue, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label, MAX_BUTTON_TEXT),
        "value": value.encode(),
    }
    if style:
        button["style"] = style
    return button


def _topic_buttons(topics: Sequence[Topic], origin: ButtonValue) -> list[Block]:
    return [
        _button(f"{buttons.PICK_INTENT}_{i}", t.label, ButtonValue(origin.posting, t.intent))
        for i, t in enumerate(topics)
    ]


def _whole_list_button(number: int, part: Part, origin: ButtonValue) -> Block:
    value = ButtonValue(origin.posting, part.intent, message_ts=origin.message_ts, asker=origin.asker)
    return _button(f"{buttons.PICK_INTENT}_{number}", f"All: {part.label}", value)


def _recruiter_button(origin: ButtonValue) -> Block:
    return _button(buttons.TALK_TO_RECRUITER, RECRUITER_LABEL, origin)


def _answer_actions(
    origin: ButtonValue, rated: list[str], offer_recruiter: bool, extra: Sequence[Block] = ()
) -> Block:
    """Feedback on what was answered (intent ids, or the quotes' feedback keys), then `extra` buttons and
    the way to a recruiter."""
    value = ButtonValue(origin.posting, intents=rated)
    elements = [
        _button(buttons.FEEDBACK_HELPFUL, "👍 Helpful", value),
        _button(buttons.FEEDBACK_UNHELPFUL, "👎 Not helpful", value),
        *extra,
    ]
    if offer_recruiter:
        elements.append(_recruiter_button(origin))
    return {"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": elements}


def _provenance(posting: Posting) -> str:
    line = f"*{escape(posting.title)}* at {escape(posting.company)}"
    if posting.last_verified:
        line += f" · from the posting, last verified {_date(posting.last_verified)}"
    return line


def _date(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _unformatted(mrkdwn: str) -> str:
    """mrkdwn as a notification shows it: entities decoded, emphasis marks dropped."""
    return unescape(mrkdwn.replace("*", ""))


def _fallback(text: str) -> str:
    # Slack shows `text` as plain text in notifications; it still must not ping or smuggle markup.
    return fit(escape(text), MAX_FALLBACK)
