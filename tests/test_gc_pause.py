"""Loading pauses cyclic garbage collection and leaves it as it found it, whether the load succeeds or not;
a serving process freezes what lives as long as it does, after freeing what is already garbage."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
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


# Run in a process of its own: a freeze is for the life of the process, and pytest's must stay as it is.
_FREEZE = """
import gc, sys, weakref
from bot.knowledge.gc_pause import freeze_long_lived
from bot.knowledge.loader import load_knowledge

class Node:
    pass

knowledge = load_knowledge(sys.argv[1])
gc.collect()
alive = len(gc.get_objects())
cycle = Node()
cycle.self = cycle
gone = weakref.ref(cycle)
del cycle
freeze_long_lived()
print(alive, gc.get_freeze_count(), len(gc.get_objects(generation=2)), gone() is None)
"""


def test_a_freeze_keeps_what_lives_out_of_full_collections_and_frees_what_is_garbage() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FREEZE, str(KNOWLEDGE)], capture_output=True, text=True, check=True
    )
    alive, frozen, oldest, garbage_freed = result.stdout.split()
    assert int(alive) > 10_000  # the libraries and the knowledge
    assert int(frozen) >= int(alive)  # all of them, out of every later collection
    assert int(oldest) == 0  # none left in the generation a full collection walks
    assert garbage_freed == "True"  # a cycle already unreachable is freed first, not kept for good
