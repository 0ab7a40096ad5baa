"""`posting-bot run` refuses a missing or malformed setting with one line naming the variable, exit 2,
before serving anything, and never prints a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.environment import run_cli
from tests.slack.harness import APP_TOKEN, BOT_TOKEN, KNOWLEDGE, SIGNING_SECRET
from tests.slack_standin import FakeSlackWebAPI
from tests.slack_standin.fixtures import free_port

pytestmark = pytest.mark.e2e

HTTP = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "KNOWLEDGE_DIR": str(KNOWLEDGE)}


def assert_refused(result: object, variable: str) -> str:
    """Exit 2 and exactly one stderr line that names `variable`; returns the line."""
    assert getattr(result, "returncode", None) == 2, result
    lines = str(getattr(result, "stderr", "")).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("posting-bot: ")
    assert variable in lines[0]
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "xoxp-typo-token"):
        assert secret not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"KNOWLEDGE_DIR": str(KNOWLEDGE)}, "SLACK_BOT_TOKEN"),
        ({**HTTP, "SLACK_BOT_TOKEN": "xoxp-typo-token"}, "SLACK_BOT_TOKEN"),
        ({**HTTP, "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        ({**HTTP, "SLACK_APP_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN"),
        ({**HTTP, "PORT": "eighty"}, "PORT"),
        ({**HTTP, "PORT": "70000"}, "PORT"),
        ({**HTTP, "SLACK_API_BASE_URL": "slack.com/api"}, "SLACK_API_BASE_URL"),
        ({**HTTP, "RECRUITER_CHANNEL": "#recruiting"}, "RECRUITER_CHANNEL"),
        ({**HTTP, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({**HTTP, "DEFAULT_POSTING": "no-such-posting"}, "DEFAULT_POSTING"),
    ],
    ids=[
        "no bot token",
        "user token",
        "no signing secret",
        "bot token as app token",
        "port not a number",
        "port out of range",
        "base url without scheme",
        "channel name",
        "log level",
        "unknown posting",
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, settings: dict[str, str], variable: str
) -> None:
    assert_refused(run_cli("run", cwd=tmp_path, env=settings), variable)


def test_settings_are_read_from_dotenv_and_a_blank_one_counts_as_unset(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET=\nKNOWLEDGE_DIR={KNOWLEDGE}\n", encoding="utf-8"
    )
    assert_refused(run_cli("run", cwd=tmp_path), "SLACK_SIGNING_SECRET")


def test_a_token_slack_refuses_is_named(tmp_path: Path) -> None:
    with FakeSlackWebAPI() as api:
        api.respond_with("auth.test", {"ok": False, "error": "invalid_auth"})
        result = run_cli("run", cwd=tmp_path, env={**HTTP, "SLACK_API_BASE_URL": api.base_url})
    line = assert_refused(result, "SLACK_BOT_TOKEN")
    assert "invalid_auth" in line


def test_an_app_token_slack_refuses_is_named(tmp_path: Path) -> None:
    with FakeSlackWebAPI() as api:
        api.respond_with("apps.connections.open", {"ok": False, "error": "invalid_auth"})
        settings = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_BASE_URL": api.base_url,
            "KNOWLEDGE_DIR": str(KNOWLEDGE),
        }
        result = run_cli("run", cwd=tmp_path, env=settings)
    line = assert_refused(result, "SLACK_APP_TOKEN")
    assert "invalid_auth" in line


def test_an_unreachable_web_api_names_the_base_url_setting(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    assert_refused(
        run_cli("run", cwd=tmp_path, env={**HTTP, "SLACK_API_BASE_URL": nowhere}), "SLACK_API_BASE_URL"
    )


def test_without_a_token_or_chat_opens_the_terminal_chat(tmp_path: Path) -> None:
    result = run_cli("run", "--or-chat", cwd=tmp_path, env={"KNOWLEDGE_DIR": str(KNOWLEDGE)})
    assert result.returncode == 0, result.stderr
    assert "No SLACK_BOT_TOKEN configured: starting the terminal chat instead." in result.stderr
    assert "Ask me about the Platform Engineer posting at Acme Widgets" in result.stdout
