"""The article in an HTML page: its body text, title and publication date (trafilatura).

Trafilatura finds the article among menus, share buttons and lists of other
headlines. Its date comes from the page's metadata only (meta tags, JSON-LD, the
URL), never from the text, where the dates are the meeting's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import trafilatura
from trafilatura.settings import Document

# Tags a pasted page has and a plain-text release does not.
_HTML_HINT = re.compile(
    r"<\s*(?:!doctype|p|div|br|span|a|html|body|h[1-6]|li|article|section|td)\b", re.I
)

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": DATE_FORMAT,
}


@dataclass(frozen=True)
class Article:
    """What a page says about itself."""

    text: str
    title: str | None = None
    published_date: date | None = None
    # Only when the metadata gives an hour with its offset.
    published_at: datetime | None = None
    sitename: str | None = None


def looks_like_html(text: str) -> bool:
    """Whether a pasted text is a page's HTML rather than its words."""
    return bool(_HTML_HINT.search(text[:20000]))


def _lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def publication(value: str | None) -> tuple[date | None, datetime | None]:
    """(day, instant) from trafilatura's date; the instant only with an hour and offset."""
    if not value:
        return None, None
    try:
        moment = datetime.strptime(value, DATE_FORMAT)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None, None
    # A bare midnight is how pages without an hour print a date: not a time of day.
    if moment.tzinfo is None or moment.timetz().replace(tzinfo=None) == time(0):
        return moment.date(), None
    return moment.date(), moment


def read_article(html: str) -> Article:
    """The article body (paragraphs one a line) and metadata of an HTML page."""
    found = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
        date_extraction_params=DATE_PARAMS,
    )
    # Without as_dict trafilatura gives a Document (or None), never a dict.
    doc = found if isinstance(found, Document) else None
    text = (doc.text if doc is not None else "") or ""
    if not text.strip():
        # No article found (a bare fragment): keep all of the page's text rather than none.
        text = trafilatura.html2txt(html) or ""
    day, moment = publication(doc.date if doc is not None else None)
    title = " ".join((doc.title or "").split()) if doc is not None else ""
    site = " ".join((doc.sitename or "").split()) if doc is not None else ""
    return Article(_lines(text), title or None, day, moment, site or None)


def plain_text(html: str) -> str:
    """The readable body of an HTML page, as stored and quoted for evidence."""
    return read_article(html).text
