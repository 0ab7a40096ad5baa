"""The Slack stand-in's fixtures (`slack_api`, `socket_mode_server`) for every test in tests/slack."""

from tests.slack_standin.fixtures import clean_slack_env, slack_api, socket_mode_server

__all__ = ["clean_slack_env", "slack_api", "socket_mode_server"]
