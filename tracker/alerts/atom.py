"""The Atom feed (RFC 4287) of one saved search, built with feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from tracker.alerts.searches import meeting_lines, summary_text
from tracker.models import Meeting

# The feed of a search with no meeting yet still needs an <updated>.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# Tag URIs (RFC 4151) keep entry and feed ids stable whatever the site's address.
TAG_DATE = "2026"


@dataclass(frozen=True)
class FeedInfo:
    """What the feed says about itself: host for ids, addresses, title, language."""

    host: str
    query: str
    title: str
    site_name: str
    feed_url: str
    page_url: str
    language: str
    meeting_url: str  # with "{id}" for the meeting's id


def feed_id(host: str, query: str) -> str:
    """The feed's stable id for a normalised query."""
    return f"tag:{host},{TAG_DATE}:meetings/feed.atom?{query}"


def last_change(meetings: Sequence[Meeting]) -> datetime:
    """When the newest of the meetings last changed (a fixed date for none)."""
    return max((m.updated_at for m in meetings), default=EPOCH)


def build_feed(meetings: Sequence[Meeting], info: FeedInfo) -> bytes:
    """The feed's XML: one entry per meeting, newest change first."""
    fg = FeedGenerator()
    fg.id(feed_id(info.host, info.query))
    fg.title(info.title)
    # RFC 4287 asks for an author on the feed when entries have none.
    fg.author(name=info.site_name)
    fg.language(info.language)
    fg.link(href=info.feed_url, rel="self", type="application/atom+xml")
    fg.link(href=info.page_url, rel="alternate", type="text/html")
    fg.updated(last_change(meetings))
    fg.generator("Rakor Tracker")
    # feedgen prepends each entry: add the oldest first to keep the newest on top.
    for meeting in reversed(meetings):
        lines = meeting_lines(meeting, info.language)
        entry = fg.add_entry()
        entry.id(f"tag:{info.host},{TAG_DATE}:meeting/{meeting.id}")
        entry.title(meeting.title)
        entry.link(href=info.meeting_url.format(id=meeting.id), rel="alternate", type="text/html")
        entry.updated(meeting.updated_at)
        entry.published(meeting.created_at)
        entry.summary(summary_text(lines))
    xml: bytes = fg.atom_str(pretty=True, encoding="UTF-8")
    return xml
