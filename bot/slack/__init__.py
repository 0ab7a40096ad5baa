"""The Slack app: Bolt listeners wire Slack triggers to the core (`bot.answer`); `blocks` renders replies.

`runner.run` starts it in Socket Mode (with SLACK_APP_TOKEN) or behind waitress in HTTP mode.
"""
