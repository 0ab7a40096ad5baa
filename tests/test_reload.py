"""Live reload: edits go live without a restart, a broken edit never replaces good knowledge, and every
problem is reported (logged as path:line: message; `on_problems` once per failed version)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.answer import answer
from bot.knowledge.loader import KnowledgeError
from bot.knowledge.reload import LiveKnowledge
from bot.knowledge.yaml_source import Problem
from tests.environment import run_cli
from tests.fixtures.kb import SALARY_RANGE, copy_bundled, line_of
from tests.fixtures.recruiter import EXAMPLE, SEED, ChatProcess, multi_posting_knowledge, wait_for

# Every test here waits on a real file watcher or a process.
pytestmark = pytest.mark.e2e

SALARY = "what's the salary range?"


def posting_file(directory: Path) -> Path:
    return directory / "postings" / f"{SEED}.yaml"


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


# ---- the running chat, as a process ------------------------------------------------------------------


def test_a_saved_edit_is_answered_without_a_restart(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    with ChatProcess("--knowledge", knowledge) as chat:
        chat.ask(SALARY, SALARY_RANGE)
        edit(posting_file(knowledge), "min: 118938", "min: 120000")
        assert "$120,000\u2013$244,872" in chat.ask_until(SALARY, "$120,000")
    assert chat.process.returncode == 0, chat.stderr


def test_a_broken_edit_keeps_old_answers_and_a_fix_goes_live(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    path = posting_file(knowledge)
    with ChatProcess("--knowledge", knowledge) as chat:
        chat.ask(SALARY, SALARY_RANGE)

        broken = edit(path, "min: 118938", "min: lots")
        problem = f"{path}:{line_of(broken, 'min: lots')}: salary.min"
        wait_for(lambda: problem in chat.stderr, "the problem on stderr")
        assert "still answering from the last good version" in chat.stderr
        chat.ask(SALARY, SALARY_RANGE)  # the last good knowledge, not an error and not a crash

        edit(path, "min: lots", "min: 125000")
        chat.ask_until(SALARY, "$125,000")
    assert chat.process.returncode == 0, chat.stderr
    assert "Traceback" not in chat.stderr


def test_chat_does_not_start_on_broken_knowledge(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    broken = edit(posting_file(knowledge), "min: 118938", "min: lots")
    result = run_cli("chat", "--knowledge", knowledge, stdin="salary?\n")
    assert result.returncode == 1
    assert f"{posting_file(knowledge)}:{line_of(broken, 'min: lots')}: salary.min" in result.stderr
    assert result.stdout == ""


# ---- LiveKnowledge, the holder every surface reads -----------------------------------------------------


class Reported:
    """An on_problems callback that remembers each call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, problems: Sequence[Problem]) -> None:
        self.calls.append([str(p) for p in problems])


def test_problems_are_logged_and_reported_once_per_failed_version(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    path = posting_file(knowledge)
    reported = Reported()
    live = LiveKnowledge(knowledge, on_problems=reported)
    first = live.current

    broken = edit(path, "min: 118938", "min: lots")
    with caplog.at_level(logging.ERROR, logger="bot.knowledge.reload"):
        result = live.reload()
    expected = f"{path}:{line_of(broken, 'min: lots')}: salary.min"
    assert not result.loaded and result.problems
    assert any(str(p).startswith(expected) for p in result.problems)
    assert any(record.getMessage().startswith(expected) for record in caplog.records)
    assert live.current is first
    assert reported.calls == [[str(p) for p in result.problems]]

    # The same broken version seen again (another file event, an admin's reload): not reported again,
    # and the admin still sees its problems.
    again = live.reload()
    assert again.problems == result.problems and again.unchanged
    assert len(reported.calls) == 1

    # A different mistake is a new failed version: reported.
    broken = edit(path, "min: lots", "min: 1\n  bonus: yes")
    assert live.reload().problems
    assert len(reported.calls) == 2
    assert any(f"{path}:{line_of(broken, 'bonus: yes')}: unknown key 'bonus'" in p for p in reported.calls[1])

    edit(path, "min: 1\n  bonus: yes", "min: 130000")
    fixed = live.reload()
    assert fixed.loaded and not fixed.problems
    assert live.current is not first
    assert "$130,000" in answer(live.current, SALARY).text
    assert "Reloaded" in fixed.summary()


def test_an_explicit_reload_of_unchanged_files_changes_nothing(tmp_path: Path) -> None:
    live = LiveKnowledge(copy_bundled(tmp_path / "kb"))
    before = live.current
    result = live.reload()
    assert result.unchanged and not result.loaded and not result.problems
    assert live.current is before
    assert result.summary().startswith("Nothing to reload")


def test_the_first_load_must_succeed(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    edit(posting_file(knowledge), "min: 118938", "min: lots")
    with pytest.raises(KnowledgeError):
        LiveKnowledge(knowledge)


def test_a_failing_callback_does_not_stop_reloads(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")

    def explode(problems: Sequence[Problem]) -> None:
        raise RuntimeError("the admin channel is down")

    live = LiveKnowledge(knowledge, on_problems=explode)
    edit(posting_file(knowledge), "min: 118938", "min: lots")
    assert live.reload().problems
    edit(posting_file(knowledge), "min: lots", "min: 119000")
    assert live.reload().loaded


def test_the_watcher_reports_a_broken_save_and_loads_the_fix(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    reported = Reported()
    with LiveKnowledge(knowledge, on_problems=reported) as live:
        first = live.current
        edit(posting_file(knowledge), "min: 118938", "min: lots")
        wait_for(lambda: len(reported.calls) == 1, "the problems of the broken save")
        assert live.current is first
        edit(posting_file(knowledge), "min: lots", "min: 121000")
        wait_for(lambda: live.current is not first, "the fixed knowledge")
    assert "$121,000" in answer(live.current, SALARY).text
    assert len(reported.calls) == 1


def test_a_save_goes_live_within_two_seconds(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    with LiveKnowledge(knowledge) as live:
        time.sleep(1.5)  # the watch is up (its first timeout has passed)
        first = live.current
        saved = time.monotonic()
        edit(posting_file(knowledge), "min: 118938", "min: 122000")
        wait_for(lambda: live.current is not first, "the saved edit", deadline=2.0)
        took = time.monotonic() - saved
    assert took < 2.0, f"the edit took {took:.2f} s to go live"
    assert "$122,000" in answer(live.current, SALARY).text


def test_an_edit_saved_before_the_watch_starts_is_loaded(tmp_path: Path) -> None:
    # A bot loads its knowledge, then spends a moment starting up before it watches the files: an edit in
    # that moment raises no file event, and must not wait for the next edit to go live.
    knowledge = copy_bundled(tmp_path / "kb")
    live = LiveKnowledge(knowledge)
    first = live.current
    edit(posting_file(knowledge), "min: 118938", "min: 123000")
    with live:
        wait_for(lambda: live.current is not first, "the edit saved before watching began")
    assert "$123,000" in answer(live.current, SALARY).text


def test_a_question_is_answered_wholly_by_one_version(tmp_path: Path) -> None:
    knowledge = copy_bundled(tmp_path / "kb")
    path = posting_file(knowledge)
    old_text = path.read_text(encoding="utf-8")
    # One edit changes two facts that one question asks about.
    new_text = old_text.replace("min: 118938", "min: 99000").replace(
        "relocation:\n  provided: false", "relocation:\n  provided: true"
    )
    assert new_text.count("99000") == 1 and "provided: true\n\nlevel" in new_text
    live = LiveKnowledge(knowledge)
    question = "what's the salary range, and is relocation covered?"
    old_reply = answer(live.current, question).text
    path.write_text(new_text, encoding="utf-8")
    live.reload()
    new_reply = answer(live.current, question).text
    assert "99,000" in new_reply and "is provided" in new_reply and old_reply != new_reply

    seen: set[str] = set()
    stop = threading.Event()

    def ask_repeatedly() -> None:
        while not stop.is_set():
            seen.add(answer(live.current, question).text)

    readers = [threading.Thread(target=ask_repeatedly) for _ in range(2)]
    for reader in readers:
        reader.start()
    for i in range(20):
        path.write_text(old_text if i % 2 == 0 else new_text, encoding="utf-8")
        assert live.reload().loaded
    stop.set()
    for reader in readers:
        reader.join()
    assert seen <= {old_reply, new_reply}
    assert seen == {old_reply, new_reply}


def test_chat_survives_a_reload_that_removes_its_posting(tmp_path: Path) -> None:
    knowledge = multi_posting_knowledge(tmp_path / "kb")
    with ChatProcess("--knowledge", knowledge, "--posting", EXAMPLE) as chat:
        chat.ask("is relocation covered?", "Up to $5,000")
        (knowledge / "postings" / f"{EXAMPLE}.yaml").unlink()
        reply = chat.ask_until("is relocation covered?", "can't answer that any more")
        assert f"unknown posting '{EXAMPLE}'" in reply
        chat.ask("still there?", "bot> ")  # and the chat goes on
    assert chat.process.returncode == 0, chat.stderr
    assert "Traceback" not in chat.stderr
