from slack_bolt import App

from bot.slack.buttons import (
    FEEDBACK_PATTERN,
    PICK_INTENT_PATTERN,
    PICK_POSTING_PATTERN,
    TALK_TO_RECRUITER_PATTERN,
)
from bot.slack.listeners.actions.feedback import feedback
from bot.slack.listeners.actions.pick_intent import pick_intent
from bot.slack.listeners.actions.pick_posting import pick_posting
from bot.slack.listeners.actions.talk_to_recruiter import talk_to_recruiter


def register(app: App) -> None:
    app.action(PICK_INTENT_PATTERN)(pick_intent)
    app.action(PICK_POSTING_PATTERN)(pick_posting)
    app.action(FEEDBACK_PATTERN)(feedback)
    app.action(TALK_TO_RECRUITER_PATTERN)(talk_to_recruiter)
