"""A posting's text, `postings/<id>.md`: loaded beside its facts, checked as strictly as the YAML, reloaded
live. Each problem is reported as `path:line: message` by `check`, with every other problem of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.posting_text import MAX_TEXT_BYTES
from bot.knowledge.reload import LiveKnowledge
from tests.conftest import KNOWLEDGE, SHARED, require_shared
from tests.environment import run_cli
from tests.fixtures.kb import MINIMAL_INTENTS, MINIMAL_POSTING, problems, write_knowledge

TEXT = "# Developer at Acme\n\n## Qualifications\n\n- Three years of Go.\n- Kindness.\n"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {"acme-dev.yaml": MINIMAL_POSTING})


def write_text(base: Path, data: bytes | str, name: str = "acme-dev.md") -> Path:
    path = base / "postings" / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_a_posting_text_is_loaded_beside_its_facts(base: Path) -> None:
    write_text(base, TEXT)
    assert load_knowledge(base).posting("acme-dev").text == TEXT


def test_a_posting_with_answers_of_its_own_keeps_its_text(tmp_path: Path) -> None:
    # A posting's own answers are compiled beside its text; neither may stand in for the other.
    posting = MINIMAL_POSTING + "answers:\n  relocation: Relocation is decided case by case.\n"
    base = write_knowledge(tmp_path / "kb", MINIMAL_INTENTS, {"acme-dev.yaml": posting})
    write_text(base, TEXT)
    loaded = load_knowledge(base).posting("acme-dev")
    assert loaded.text == TEXT
    assert loaded.passages is not None
    assert [q.text for q in loaded.passages.find("how many years of Go?")] == ["Three years of Go."]


def test_a_posting_without_text_still_loads(base: Path) -> None:
    assert load_knowledge(base).posting("acme-dev").text is None


def test_the_bundled_text_is_the_seed_posting_word_for_word() -> None:
    """Markdown marks (headings, bullets) aside, the bundled text is the seed posting's exact words."""
    seed_path = SHARED / "postings" / "pinterest-backend-engineer.txt"
    require_shared(seed_path)
    seed = seed_path.read_text(encoding="utf-8")
    text = load_knowledge(KNOWLEDGE).posting().text
    assert text is not None

    def words(s: str) -> list[str]:
        return [w for line in s.splitlines() for w in line.lstrip("#-• ").split()]

    assert words(text) == words(seed)


def test_not_utf8_is_reported_at_its_line(base: Path) -> None:
    path = write_text(base, "# Developer\n\nCaf\xe9 on site.\n".encode("latin-1"))
    assert problems(base) == [f"{path}:3: not UTF-8 (byte 0xe9): save the file as UTF-8"]


def test_binary_content_is_refused(base: Path) -> None:
    path = write_text(base, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert problems(base) == [f"{path}:3: not text: the file holds binary data"]  # after \r\n and \n


def test_a_text_over_the_size_cap_is_refused(base: Path) -> None:
    path = write_text(base, "word " * (MAX_TEXT_BYTES // 5 + 1))
    found = problems(base)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:1: posting text is ")
    assert f"the most is {MAX_TEXT_BYTES:,}" in found[0]


def test_an_empty_text_is_refused(base: Path) -> None:
    path = write_text(base, "\n  \n")
    assert problems(base) == [f"{path}:1: posting text is empty: paste the posting, or delete the file"]


def test_a_text_without_its_yaml_is_refused(base: Path) -> None:
    path = write_text(base, TEXT, "acme-designer.md")
    assert problems(base) == [
        f"{path}:1: posting text without a posting: there is no postings/acme-designer.yaml for it"
    ]


def test_a_text_beside_a_broken_yaml_reports_only_the_yaml(base: Path) -> None:
    write_text(base, TEXT)
    (base / "postings" / "acme-dev.yaml").write_text("id: acme-dev\ntitle: Developer\n", encoding="utf-8")
    found = problems(base)
    assert len(found) == 1 and "company: required key is missing" in found[0]


@pytest.mark.e2e
def test_check_lists_text_problems_with_the_others(base: Path) -> None:
    bad_text = write_text(base, b"ok\n\xff\n")
    orphan = write_text(base, TEXT, "gone.md")
    result = run_cli("check", "--knowledge", base)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad_text}:2: not UTF-8 (byte 0xff): save the file as UTF-8",
        f"{orphan}:1: posting text without a posting: there is no postings/gone.yaml for it",
    ]


def test_live_reload_covers_the_text(base: Path) -> None:
    path = write_text(base, TEXT)
    live = LiveKnowledge(base)
    path.write_text(TEXT.replace("Three years", "Four years"), encoding="utf-8")
    assert live.reload().loaded
    assert "Four years" in (live.current.posting("acme-dev").text or "")

    path.write_bytes(b"\xff broken")
    result = live.reload()
    assert not result.loaded and result.problems
    assert "Four years" in (live.current.posting("acme-dev").text or "")  # the last good version

    path.unlink()
    assert live.reload().loaded
    assert live.current.posting("acme-dev").text is None
