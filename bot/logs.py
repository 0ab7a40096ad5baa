"""The one logging set-up, for every command: LOG_LEVEL (checked with the other settings), to stderr.

stdout stays for what a command prints (a reply, a report, the chat), so logs never mix into it.

One record is one line, whatever text from outside it quotes. A Slack request, a question or a YAML value
can carry newlines and terminal escapes; logged raw, a newline forges a whole record (`... CRITICAL
bot.security: ...`) and an escape sequence rewrites the terminal. Every control character in a record's
message is written as a visible escape (`\\n`, `\\x1b`), and the lines of a traceback are indented, so only
a record's first line ever starts at the left margin.
"""

from __future__ import annotations

import logging
import re
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# C0 controls, DEL and C1 controls, plus the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """`text` with every control character written as a visible escape."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), repr(m.group())[1:-1]), text)


class OneLineFormatter(logging.Formatter):
    """A Formatter whose records are one line each (tracebacks follow, indented)."""

    def format(self, record: logging.LogRecord) -> str:
        # logging caches a record's traceback text; another handler's formatter may have cached it unindented.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatMessage(self, record: logging.LogRecord) -> str:  # logging names it in camelCase
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        return _indent(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indent(super().formatStack(stack_info))


def _indent(text: str) -> str:
    return "\n".join("    " + escape_controls(line) for line in text.splitlines())


def configure_logging(level: str) -> None:
    """Log at `level` (a name `logging` knows, as the LOG_LEVEL setting guarantees) to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # a line per file event is noise
