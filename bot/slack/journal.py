"""The Journal the running app uses: every question, feedback click and handoff into the question log.

It also logs, as LogJournal does, but names each user by the pseudonym their rows carry: the log is kept
longer and read more widely than the store, and must not become a per-user record of what was asked. The
store never raises: a row the database won't take is kept and written later, never costing an answer.
"""

from __future__ import annotations

from bot.answer import Reply
from bot.slack.services import LogJournal, Surface
from bot.store import QuestionLog


class StoreJournal(LogJournal):
    def __init__(self, store: QuestionLog) -> None:
        self.store = store

    def asked(self, surface: Surface, user: str, reply: Reply, event_id: str | None = None) -> bool:
        super().asked(surface, self.store.pseudonym(user), reply, event_id)
        # A reply the core marks for handoff was passed to recruiting (alert or contact) by the app. With an
        # event, the store marks it answered in the same transaction (see bot.store).
        logged = self.store.record_reply(reply, user, surface, handed_off=reply.handoff, event_id=event_id)
        return logged and event_id is not None

    def feedback(self, user: str, posting: str, intents: list[str], helpful: bool) -> None:
        super().feedback(self.store.pseudonym(user), posting, intents, helpful)
        for intent in intents:
            self.store.record_feedback(posting, intent, helpful, user)

    def handed_off(self, user: str, posting: str, notified: bool) -> None:
        super().handed_off(self.store.pseudonym(user), posting, notified)
        self.store.record_handoff(posting, notified, user)
