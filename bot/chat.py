"""`posting-bot chat`: talk to the bot in a terminal, on the same core as Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.answer import Reply, answer, render_intent
from bot.knowledge.loader import Knowledge
from bot.role_index import MAX_CHOICES
from bot.routing import ASK_TEXT, Choice, route
from bot.store import QuestionLog

PROMPT = "you> "
QUIT = {"quit", "exit", ":q", "/quit"}


def chat(
    knowledge: Callable[[], Knowledge],
    posting_id: str | None,
    stdin: TextIO,
    stdout: TextIO,
    default_posting: str | None = None,
    store: QuestionLog | None = None,
) -> None:
    """Read questions until EOF or "quit". `knowledge` is called per question so live reloads show.

    Without `posting_id`, each question is routed (a role it names, else `default_posting`, else the bot
    asks which role and then answers the question). With `store`, every question is recorded.
    """
    interactive = stdin.isatty()
    say = stdout.write
    say(f"{_greeting(knowledge(), posting_id)} Type 'quit' to leave.\n")
    pending: Reply | None = None
    which_role: tuple[str, tuple[Choice, ...]] | None = None  # the question waiting for a role
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
        kb = knowledge()  # once per question: the whole reply comes from one version of the knowledge
        # A choice is a small number typed in ASCII digits ("²" is a digit to str.isdigit, not to int).
        number = int(question) if question.isascii() and question.isdigit() and len(question) < 4 else 0
        target: str | None
        try:
            if which_role is not None and 1 <= number <= len(which_role[1]):
                question, target = which_role[0], which_role[1][number - 1].posting
            elif pending is not None and 1 <= number <= len(pending.suggestions):
                choice = pending.suggestions[number - 1]
                say(f"bot> {render_intent(kb, pending.posting, choice.intent).text}\n")
                pending = None
                continue
            else:
                target = posting_id
                if target is None:
                    routed = route(kb, question, default_posting=default_posting)
                    if routed.posting is None:
                        pending, which_role = None, (question, routed.choices)
                        say(f"bot> {_ask_role(routed.choices)}\n")
                        stdout.flush()
                        continue
                    target = routed.posting
            which_role = None
            reply = answer(kb, question, target)
        except KeyError as exc:  # a reload removed the posting or intent being talked about
            pending = which_role = None
            say(f"bot> Sorry, I can't answer that any more: {exc.args[0]}.\n")
            continue
        pending = reply if reply.suggestions else None
        say(f"bot> {_show(reply)}\n")
        stdout.flush()
        if store is not None:  # after the reply: a locked database must not keep anyone waiting
            store.record_reply(reply, user=None, surface="chat")


def _greeting(knowledge: Knowledge, posting_id: str | None) -> str:
    if posting_id is not None or len(knowledge.postings) == 1:
        posting = knowledge.posting(posting_id).posting
        return f"Ask me about the {posting.title} posting at {posting.company}."
    if len(knowledge.postings) > MAX_CHOICES:
        count = len(knowledge.postings)
        return f"Ask me about any of {count:,} roles: name the one you mean (its title, city or company)."
    roles = "; ".join(p.posting.title + " at " + p.posting.company for p in knowledge.postings.values())
    return f"Ask me about these roles: {roles}."


def _ask_role(choices: tuple[Choice, ...]) -> str:
    lines = "\n".join(f"  {i}. {choice.label}" for i, choice in enumerate(choices, 1))
    return f"{ASK_TEXT}\n{lines}\n(type a number)"


# The terminal reaches no one; say what Slack would do rather than leave "talk to a recruiter" a dead end.
HANDOFF_NOTE = "(In Slack, I would alert the recruiting team now, and a recruiter would follow up.)"


def _show(reply: Reply) -> str:
    if reply.handoff and reply.offer is None:
        return f"{reply.text}\n{HANDOFF_NOTE}"
    if not reply.suggestions:
        return reply.text
    choices = "\n".join(f"  {i}. {s.label}" for i, s in enumerate(reply.suggestions, 1))
    return f"{reply.text.splitlines()[0]}\n{choices}\n(type a number)"
