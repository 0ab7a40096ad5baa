"""What admins deploy from: a manifest asking for exactly what the app uses, every setting documented."""

from __future__ import annotations

import re

import yaml

from bot.settings import Settings
from bot.slack.server import EVENTS_PATH, HEALTH_PATH
from tests.conftest import ROOT


def test_manifest_is_socket_mode_with_exactly_the_scopes_and_events_used() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))

    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
    ]
    settings = manifest["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_home_opened",
        "app_mention",
        "message.im",
    ]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/posting"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


def test_the_http_variant_points_every_request_url_at_the_events_path() -> None:
    guide = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    [variant] = re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL)
    http = yaml.safe_load(variant)

    assert http["features"]["slash_commands"][0]["url"].endswith(EVENTS_PATH)
    assert http["settings"]["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert http["settings"]["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert http["settings"]["socket_mode_enabled"] is False
    assert f"`GET {HEALTH_PATH}`" in guide


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    listed = {line.split("=", 1)[0]: i for i, line in enumerate(lines) if re.match(r"^[A-Z_]+=", line)}

    assert set(listed) == {name.upper() for name in Settings.model_fields}
    for name, i in listed.items():
        assert lines[i - 1].startswith("#"), f"{name} has no comment above it"


def test_make_run_starts_the_slack_app_or_else_the_terminal_chat() -> None:
    # `run --or-chat` serves Slack when SLACK_BOT_TOKEN is configured and opens the chat otherwise
    # (both proven in test_run_settings.py).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None, "the Makefile has no run target"
    assert "posting-bot run --or-chat" in recipe.group(1)
