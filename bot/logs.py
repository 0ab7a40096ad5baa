"""The one logging set-up, for every command: LOG_LEVEL (checked with the other settings), to stderr.

stdout stays for what a command prints (a reply, a report, the chat), so logs never mix into it.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Log at `level` (a name `logging` knows, as the LOG_LEVEL setting guarantees) to stderr."""
    logging.basicConfig(level=level.upper(), format=FORMAT, stream=sys.stderr, force=True)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # a line per file event is noise
