"""Bolt listeners, one module per trigger, as in Slack's Bolt starter template.

Each kind's `__init__` only registers triggers; each callback is a plain function that reads what it needs
from Bolt's arguments and `services_of(context)`, never imports the app, and logs its own errors.
"""

from slack_bolt import App

from bot.slack.listeners import actions, commands, events


def register_listeners(app: App) -> None:
    events.register(app)
    commands.register(app)
    actions.register(app)
