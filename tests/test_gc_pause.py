"""Loading pauses cyclic garbage collection and leaves it as it found it, whether the load succeeds or not."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError, load_knowledge
from tests.conftest import KNOWLEDGE


@pytest.fixture
def collection_restored() -> Iterator[None]:
    yield
    gc.enable()


def _collections() -> int:
    return sum(generation["collections"] for generation in gc.get_stats())


def test_no_collection_runs_during_a_load_and_collection_is_back_after_it(
    collection_restored: None,
) -> None:
    gc.enable()
    before = _collections()
    load_knowledge(KNOWLEDGE)  # allocates far more than a generation's threshold, dozens of times over
    # At most the one collection due when the load ends and collection resumes.
    assert _collections() <= before + 1
    assert gc.isenabled()


def test_a_failed_load_leaves_collection_on(tmp_path: Path, collection_restored: None) -> None:
    directory = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, directory)
    (directory / "postings" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    gc.enable()
    with pytest.raises(KnowledgeError):
        load_knowledge(directory)
    assert gc.isenabled()


def test_a_load_leaves_collection_off_when_it_was_off(collection_restored: None) -> None:
    gc.disable()
    load_knowledge(KNOWLEDGE)
    assert not gc.isenabled()
