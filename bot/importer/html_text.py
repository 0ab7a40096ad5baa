"""HTML to the Markdown a candidate would read: headings, paragraphs and (nested) lists, nothing else.

Built on the standard library's tolerant `html.parser`. Scripts, styles and other non-text elements are
dropped with everything inside them: a posting's text never carries code, and nothing is ever run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text for a reader.
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "button"}
)
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "tr", "table",
     "dl", "dt", "dd", "pre", "figure", "figcaption", "address", "nav", "form", "fieldset"}
)  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")


class _Markdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.title: str | None = None
        self._text: list[str] = []
        self._prefix = ""  # what the line being built starts with: "## ", "  - ", "1. "
        self._skip_depth = 0
        self._lists: list[list[int]] = []  # one entry per open list: [next number] for <ol>, [] for <ul>
        self._in_title = False
        self._title_text: list[str] = []
        self._bold_only: bool | None = None  # the block so far is all bold: a heading in disguise
        self._bold = 0

    # ---- building lines ---------------------------------------------------------------------------

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._text)).strip()
        if text:
            prefix = self._prefix
            if not prefix and self._bold_only and len(text.split()) <= 8:
                prefix = "### "  # <p><strong>Key responsibilities</strong></p>
            self.lines.append(prefix + text)
        self._text = []
        self._prefix = ""
        self._bold_only = None

    def _blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    # ---- parser callbacks -------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if tag in _SKIPPED:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        if tag in _HEADINGS:
            self._flush()
            self._blank()
            self._prefix = "#" * _HEADINGS[tag] + " "
        elif tag in ("ul", "ol"):
            self._flush()
            if not self._lists:
                self._blank()
            self._lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._flush()
            depth = max(len(self._lists) - 1, 0)
            numbering = self._lists[-1] if self._lists else []
            if numbering:
                marker = f"{numbering[0]}. "
                numbering[0] += 1
            else:
                marker = "- "
            self._prefix = "  " * depth + marker
        elif tag == "br":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            if not self._lists:
                self._blank()
        elif tag in ("strong", "b"):
            self._bold += 1
            if self._bold_only is None and not "".join(self._text).strip():
                self._bold_only = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.title = _SPACES.sub(" ", "".join(self._title_text)).strip() or None
            return
        if tag in _SKIPPED:
            self._skip_depth = max(self._skip_depth - 1, 0)
            return
        if self._skip_depth:
            return
        if tag in _HEADINGS:
            self._flush()
            self._blank()
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
            if not self._lists:
                self._blank()
        elif tag == "li":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            if not self._lists:
                self._blank()
        elif tag in ("strong", "b"):
            self._bold = max(self._bold - 1, 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self._skip_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)
            return
        if self._skip_depth:
            return
        if data.strip() and not self._bold and self._bold_only:
            self._bold_only = False
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_markdown(html: str) -> tuple[str, str | None]:
    """(the text as Markdown, the document's <title> if any)."""
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    lines = parser.lines
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines), parser.title


def looks_like_html(text: str) -> bool:
    """Whether text is HTML rather than plain text or Markdown that happens to hold a `<`."""
    return bool(re.search(r"<(?:html|body|p|div|ul|ol|li|h[1-6]|br|span|strong|table)\b[^>]*>", text, re.I))
