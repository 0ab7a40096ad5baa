from slack_bolt import App

from bot.slack.listeners.commands.posting import posting_command


def register(app: App) -> None:
    app.command("/posting")(posting_command)
