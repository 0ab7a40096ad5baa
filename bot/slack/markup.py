"""Slack's message markup, both ways: reading a candidate's text, and writing text Slack shows safely.

Incoming text carries markup (`<@U123>`, `<#C1|name>`, `<https://x|label>`, `<!channel>`) and has `&`,
`<` and `>` escaped as entities. Anything echoed back is made plain first, so a candidate can never make
the bot ping a channel or a person, and then escaped again.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is a literal "&lt;"
ELLIPSIS = "…"


def _markup_to_words(text: str, mention: str) -> str:
    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith(("@U", "@W", "@B")):
            return mention
        if target.startswith("#"):
            return f"#{label or 'a-channel'}"
        if target.startswith("!"):
            # <!channel>, <!here>, <!everyone>, <!subteam^S1|@team>: dropped; dates keep their fallback.
            return label if target.startswith("!date") else ""
        return label or target  # a link: its label, or the URL itself

    return _MARKUP.sub(replace, text)


def to_plain(text: str) -> str:
    """A candidate's Slack text as the plain words they see: no pings, people as "@someone"."""
    return unescape(_markup_to_words(text, "@someone"))


def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>`."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def question_text(text: str, limit: int) -> str:
    """What the core matches: words only, from at most `limit` characters of the message.

    Mentions go (the bot's own name is no part of the question), and a typed `<` or `>` becomes a space
    so the core's markup stripping can't swallow the words between them. Bounding first keeps a
    40,000-character message as cheap as a short one.
    """
    words = _markup_to_words(text[:limit], " ")
    words = words.replace("&lt;", " ").replace("&gt;", " ").replace("&amp;", "&")
    return " ".join(words.split())


def escape(text: str) -> str:
    """Escape the three characters Slack's text formats treat as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def echo(text: str, limit: int) -> str:
    """A candidate's text made safe to show: plain, escaped, and at most `limit` characters long."""
    return fit(escape(" ".join(to_plain(text).split())), limit)


def fit(escaped: str, limit: int) -> str:
    """Cut already-escaped text to `limit` characters with an ellipsis, never inside an entity."""
    if len(escaped) <= limit:
        return escaped
    return escaped[: safe_cut(escaped, limit - len(ELLIPSIS))] + ELLIPSIS


def safe_cut(escaped: str, limit: int) -> int:
    """The largest index <= `limit` that doesn't split an `&entity;` of escaped text."""
    amp = escaped.rfind("&", max(0, limit - 4), limit)  # "&amp;" is the longest: 5 characters
    end = escaped.find(";", amp) if amp != -1 else -1
    return amp if amp != -1 and not 0 <= end < limit else limit
