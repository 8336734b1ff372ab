"""What calendar output depends on besides the meetings: the site's settings, a feed's identity."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

# Bump when the output of ``ical.meeting_to_event`` changes: every stored VEVENT is then rebuilt.
BUILDER_VERSION = 2
# Namespace for the stable calendar UIDs of feeds (RFC 7986 UID, never random).
FEED_NAMESPACE = uuid.UUID("5d0c2b0e-8f4f-4d8e-9b53-6f1f3c6a2a11")


@dataclass(frozen=True)
class CalendarSettings:
    """What the output depends on beyond the meeting itself."""

    base_url: str  # scheme and host (and any path prefix), no trailing slash
    organizer_email: str
    organizer_name: str
    prodid: str = "-//Rakor Tracker//Rapat Koordinasi 1.0//ID"
    refresh: timedelta = timedelta(hours=1)
    default_duration: timedelta = timedelta(hours=2)
    meeting_path: str = "/meetings/{id}"
    # False when base_url is the request's own host (development without PUBLIC_BASE_URL):
    # such output is never stored, kept as a file or cached publicly.
    shared: bool = True

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that shapes a stored VEVENT besides the meeting."""
        raw = "|".join(
            (
                str(BUILDER_VERSION),
                self.base_url,
                self.organizer_email,
                self.organizer_name,
                str(int(self.default_duration.total_seconds())),
                self.meeting_path,
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @cached_property
    def _url_parts(self) -> tuple[str, str]:
        before, _marker, after = self.meeting_path.partition("{id}")
        return self.base_url + before, after

    def meeting_url(self, meeting_id: int) -> str:
        """The absolute address of a meeting's public page."""
        before, after = self._url_parts
        return f"{before}{meeting_id}{after}"


@dataclass(frozen=True)
class FeedInfo:
    """The calendar-level properties of one feed."""

    key: str  # canonical scope, e.g. "agency=bawaslu-kaltim&region=64"
    name: str
    description: str
    source_url: str  # the https address of the feed itself
    page_url: str  # the human page about it
    home_zone: str = "Asia/Jakarta"

    @property
    def uid(self) -> str:
        """A calendar UID fixed by the scope, so the bytes do not change per request."""
        return str(uuid.uuid5(FEED_NAMESPACE, self.key))
