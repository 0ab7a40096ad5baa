"""The cyclic garbage collector kept off objects that live as long as the process.

Loading thousands of postings allocates millions of objects that all live on; the collector, triggered by
allocation counts, walks them over and over (a third of the time to load 10,000 postings) and finds
nothing to free. Paused for the load, it runs as usual afterwards.

A serving bot holds about 95,000 such objects (its libraries' modules, the knowledge) and every full pass
of the collector walks them all: 55-85 ms during which no question is answered, every 12 s or so at 100
events/s. Frozen once they are in place, they are left out of every pass (which then took 12-17 ms).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block; left as it was found (a caller may have paused it too)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Leave every object alive now out of later collections: called once, when a serving process has
    built what it serves with. A reload adds only the changed files' objects, which the collector walks."""
    gc.collect()  # what is garbage already is freed, not kept for good
    gc.freeze()
