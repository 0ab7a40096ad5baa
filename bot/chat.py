"""`posting-bot chat`: talk to the bot in a terminal, on the same core as Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.answer import Reply, answer, render_intent
from bot.knowledge.loader import Knowledge

PROMPT = "you> "
QUIT = {"quit", "exit", ":q", "/quit"}


def chat(knowledge: Callable[[], Knowledge], posting_id: str | None, stdin: TextIO, stdout: TextIO) -> None:
    """Read questions until EOF or "quit". `knowledge` is called per question so live reloads show."""
    kb = knowledge()
    posting = kb.posting(posting_id).posting
    interactive = stdin.isatty()
    say = stdout.write
    say(f"Ask me about the {posting.title} posting at {posting.company}. Type 'quit' to leave.\n")
    pending: Reply | None = None
    while True:
        if interactive:
            say(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in QUIT:
            break
        kb = knowledge()
        if pending is not None and question.isdigit() and 1 <= int(question) <= len(pending.suggestions):
            choice = pending.suggestions[int(question) - 1]
            say(f"bot> {render_intent(kb, posting_id, choice.intent).text}\n")
            pending = None
            continue
        reply = answer(kb, question, posting_id)
        pending = reply if reply.suggestions else None
        say(f"bot> {_show(reply)}\n")
        stdout.flush()


def _show(reply: Reply) -> str:
    if not reply.suggestions:
        return reply.text
    choices = "\n".join(f"  {i}. {s.label}" for i, s in enumerate(reply.suggestions, 1))
    return f"{reply.text.splitlines()[0]}\n{choices}\n(type a number)"
