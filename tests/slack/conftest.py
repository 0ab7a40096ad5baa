"""Fixtures every Slack test may use: the test knowledge, services on the stand-in, the app in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.settings import Settings
from bot.slack.services import Services
from tests.slack.harness import KNOWLEDGE, RECRUITER_CHANNEL
from tests.slack.in_process import InProcessApp, in_process_app, make_services
from tests.slack_standin import FakeSlackWebAPI


@pytest.fixture(scope="session")
def slack_knowledge() -> Knowledge:
    """tests/slack/knowledge: the Platform Engineer posting at Acme Widgets."""
    return load_knowledge(KNOWLEDGE)


@pytest.fixture
def services(slack_api: FakeSlackWebAPI, slack_knowledge: Knowledge) -> Services:
    """Services on the stand-in, with a recruiter channel for handoffs."""
    return make_services(slack_api, slack_knowledge, Settings(recruiter_channel=RECRUITER_CHANNEL))


@pytest.fixture
def bolt_app(slack_api: FakeSlackWebAPI, services: Services) -> Iterator[InProcessApp]:
    """The whole app in this process: `bolt_app.dispatch(payload)`. The stand-in starts the test with no
    calls recorded (building the app checked the token with auth.test)."""
    app = in_process_app(services)
    slack_api.clear()
    yield app
    app.close()
