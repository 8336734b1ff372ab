"""HTML in imported descriptions (Google Calendar writes ``<b>``, ``<br>``, links) as plain text.

The HTML is first reduced by nh3 (the ammonia sanitiser) to an allow-list of tags that
carry layout, with scripts, styles and comments removed and only ``href`` kept; the
parser of the standard library then walks that well-formed result: line breaks for
``<br>`` and block ends, a link's address after its text, entities decoded. Text that
is not HTML (nh3's own test) is returned as it came.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
KEPT = BLOCKS | {"br", "a", "td", "th", "table", "tbody", "thead"}


class _Text(HTMLParser):
    """Collects the text of sanitised HTML, line by line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.words: list[str] = []
        self.links: list[tuple[str, int]] = []

    def break_line(self, blank: bool = False) -> None:
        """End the current line; a ``<br>`` on an empty one leaves one blank line at most."""
        line = " ".join(self.words)
        self.words = []
        if line or (blank and self.lines and self.lines[-1]):
            self.lines.append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.break_line(blank=True)
        elif tag in BLOCKS:
            self.break_line()
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.words)))
        elif tag in ("td", "th") and self.words:
            self.words.append("|")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.break_line()
        elif tag == "a" and self.links:
            href, first = self.links.pop()
            text = " ".join(self.words[first:])
            # Keep where a link goes (a meeting's video call) unless its text says it.
            if href and href not in text and href.removeprefix("mailto:") not in text:
                self.words.append(f"({href})")

    def handle_data(self, data: str) -> None:
        # HTML collapses whitespace: the source's own line breaks are not breaks.
        self.words.extend(data.split())

    def text(self) -> str:
        """The collected lines, without leading or trailing blank ones."""
        self.close()
        self.break_line()
        return "\n".join(self.lines).strip()


def html_to_text(value: str) -> str:
    """The plain text of a description that may be HTML."""
    if not nh3.is_html(value):
        return value
    clean = nh3.clean(
        value,
        tags=set(KEPT),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
    parser = _Text()
    parser.feed(clean)
    return parser.text()
