"""Many postings: an edit reloads only what changed, a broken file keeps its own last good version and
nothing else's, postings share what intents.yaml builds, and `check` sums up instead of listing every id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bench.postings import write_knowledge
from bot.answer import answer
from bot.knowledge.loader import load_knowledge
from bot.knowledge.reload import LiveKnowledge
from bot.matcher import Matcher
from tests.environment import run_cli
from tests.fixtures.recruiter import wait_for

SALARY = "what's the salary range?"
COUNT = 30


@pytest.fixture
def many(tmp_path: Path) -> Path:
    write_knowledge(tmp_path / "kb", COUNT)
    return tmp_path / "kb"


def files(directory: Path) -> list[Path]:
    return sorted((directory / "postings").glob("*.yaml"))


def set_salary(path: Path, low: int) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index("  min: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"  min: {low}" + text[end:], encoding="utf-8")


def test_postings_share_the_index_built_from_intents_yaml(many: Path) -> None:
    knowledge = load_knowledge(many)
    matchers = [p.matcher for p in knowledge.postings.values() if isinstance(p.matcher, Matcher)]
    assert len(matchers) == COUNT
    # One index, seen through each posting's names; a name the examples use ("recruiter", "backend
    # engineer") changes how they read, and postings with that name share an index of their own.
    indexes: dict[int, int] = {}
    for m in matchers:
        indexes[id(m.vocab)] = indexes.get(id(m.vocab), 0) + 1
    assert len(indexes) <= 3 and max(indexes.values()) >= COUNT - 3


def test_an_edit_to_one_posting_swaps_that_posting_alone(
    many: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveKnowledge(many)
    before = live.current
    edited = files(many)[3]
    set_salary(edited, 12_345)
    with caplog.at_level(logging.INFO, logger="bot.knowledge.reload"):
        result = live.reload()
    assert result.loaded and not result.problems
    assert "1 file(s) read again" in caplog.text
    after = live.current
    assert "$12,345" in answer(after, SALARY, edited.stem).text
    unchanged = [pid for pid in after.postings if pid != edited.stem]
    assert len(unchanged) == COUNT - 1
    assert all(after.postings[pid] is before.postings[pid] for pid in unchanged)


def test_a_broken_posting_keeps_its_last_good_version_and_leaves_the_rest(many: Path) -> None:
    live = LiveKnowledge(many)
    broken, fixed = files(many)[0], files(many)[1]
    old_broken = live.current.postings[broken.stem]
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("  min: ", "  min: lots #"), encoding="utf-8"
    )
    set_salary(fixed, 54_321)
    result = live.reload()

    assert result.loaded
    assert {p.path for p in result.problems} == {broken}
    assert result.summary().startswith(f"Reloaded {many} except")
    assert live.current.postings[broken.stem] is old_broken  # still answering from its last good version
    assert "$54,321" in answer(live.current, SALARY, fixed.stem).text
    # Seen again with no fix: the same problems, nothing reloaded.
    again = live.reload()
    assert again.unchanged and again.problems == result.problems


def test_a_new_broken_posting_is_not_added_and_a_deleted_one_goes(many: Path) -> None:
    live = LiveKnowledge(many)
    gone = files(many)[5]
    gone.unlink()
    (many / "postings" / "new-role.yaml").write_text(
        "id: new-role\ntitle: [Nurse]\ncompany: X\n", encoding="utf-8"
    )
    result = live.reload()
    assert result.loaded
    assert gone.stem not in live.current.postings and "new-role" not in live.current.postings
    assert len(live.current.postings) == COUNT - 1
    assert [p.path.name for p in result.problems] == ["new-role.yaml"]


@pytest.mark.slow
def test_an_intents_edit_rebuilds_every_posting_over_the_new_shared_part(many: Path) -> None:
    live = LiveKnowledge(many)
    intents = many / "intents.yaml"
    text = intents.read_text(encoding="utf-8")
    opening = answer(live.current, SALARY, next(iter(live.current.postings))).text.split(" $")[0]
    assert text.count(opening) == 1, opening
    intents.write_text(text.replace(opening, "Base pay:"), encoding="utf-8")
    result = live.reload()
    assert result.loaded and not result.problems
    for posting_id in list(live.current.postings)[:: COUNT // 5]:
        assert answer(live.current, SALARY, posting_id).text.startswith("Base pay:")


@pytest.mark.slow
def test_an_intents_edit_that_would_break_a_posting_is_not_loaded(many: Path) -> None:
    live = LiveKnowledge(many)
    posting = files(many)[2]
    with posting.open("a", encoding="utf-8") as out:
        out.write("answers:\n  equity: Equity is decided at offer time.\n")
    assert live.reload().loaded
    before = live.current
    intents = many / "intents.yaml"
    intents.write_text(
        intents.read_text(encoding="utf-8").replace("- id: equity\n", "- id: stock\n"), "utf-8"
    )
    result = live.reload()
    assert not result.loaded and live.current is before
    assert any(p.path == intents for p in result.problems)
    assert any(p.path == posting and "unknown intent 'equity'" in p.message for p in result.problems)


@pytest.mark.slow
def test_a_burst_of_new_posting_files_goes_live_while_watching(tmp_path: Path) -> None:
    # `import --write` and `sync --write` write many files at once; every one of them must go live.
    write_knowledge(tmp_path / "kb", 2)
    write_knowledge(tmp_path / "more", 40, seed=7)
    with LiveKnowledge(tmp_path / "kb") as live:
        for path in files(tmp_path / "more"):
            (tmp_path / "kb" / "postings" / path.name).write_bytes(path.read_bytes())
        wait_for(lambda: len(live.current.postings) == 42, "all 42 postings served")


@pytest.mark.e2e
def test_check_sums_up_many_postings_in_one_line(many: Path) -> None:
    result = run_cli("check", "--knowledge", many)
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    ids = sorted(path.stem for path in files(many))
    assert last == f"ok: {many} — {COUNT} posting(s): {', '.join(ids[:5])} and {COUNT - 5} more"


def test_a_posting_text_reloads_with_its_posting_alone(many: Path) -> None:
    live = LiveKnowledge(many)
    posting = files(many)[4]
    text_path = posting.with_suffix(".md")
    text_path.write_text("# The role\n\nParking is free at the office.\n", encoding="utf-8")
    before = live.current
    result = live.reload()
    assert result.loaded and not result.problems
    assert "Parking is free" in (live.current.postings[posting.stem].text or "")
    assert all(
        live.current.postings[pid] is before.postings[pid] for pid in before.postings if pid != posting.stem
    )

    text_path.write_bytes(b"\x00\x01 not text")  # a broken text keeps the last good one
    result = live.reload()
    assert [p.path for p in result.problems] == [text_path]
    assert "Parking is free" in (live.current.postings[posting.stem].text or "")

    text_path.write_text("Parking costs $5 a day.\n", encoding="utf-8")
    posting.unlink()  # and the posting itself goes: its text is a problem, not silently kept
    result = live.reload()
    assert posting.stem not in live.current.postings
    assert [p.path for p in result.problems] == [text_path]
    assert "no postings/" in result.problems[0].message
