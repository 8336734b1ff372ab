"""A release taken in by URL: fetch it, keep the page as its snapshot, read the article.

The snapshot is stored when the page is fetched, before staff review it, so the
review form carries only its id and hash (never the page); saving the review gives
it to the new release. Snapshots no release claimed within a day are removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import Response, current_app

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import PressRelease, utcnow
from tracker.models.press_release import ReleaseSnapshot
from tracker.press import fetch
from tracker.press.article import looks_like_html, read_article

UNCLAIMED_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Source:
    """A release's text and what its page says about it, before review."""

    body: str
    title: str | None = None
    published_date: date | None = None
    published_at: datetime | None = None
    outlet: str | None = None
    snapshot: ReleaseSnapshot | None = None

    @property
    def snapshot_token(self) -> str:
        """What the review form carries to claim the snapshot on save."""
        return token(self.snapshot) if self.snapshot is not None else ""


def token(snapshot: ReleaseSnapshot) -> str:
    """The snapshot's id and hash, so a typed id alone cannot claim another page."""
    return f"{snapshot.id}:{snapshot.content_hash}"


def policy() -> fetch.Policy:
    """The fetch limits in the app's config (PRESS_FETCH_TIMEOUT, PRESS_FETCH_ALLOW_PRIVATE)."""
    from tracker.press.intake import MAX_RELEASE_BYTES

    config = current_app.config
    return fetch.Policy(
        timeout=float(config.get("PRESS_FETCH_TIMEOUT", 10)),
        max_bytes=int(config.get("PRESS_FETCH_MAX_BYTES", MAX_RELEASE_BYTES)),
        # Checked at start-up (tracker.production): bool("false") would be True.
        allow_private=fetch.strict_bool(config.get("PRESS_FETCH_ALLOW_PRIVATE", False)),
    )


def from_text(text: str) -> Source:
    """A pasted or uploaded text: HTML gives its article, title and date."""
    if not looks_like_html(text):
        return Source(text)
    article = read_article(text)
    return Source(
        article.text, article.title, article.published_date, article.published_at, article.sitename
    )


def take_in(url: str) -> Source:
    """Fetch a release page and store it as an unclaimed snapshot (flushed, not committed).

    :raises fetch.FetchRefused: when the page may not or could not be fetched.
    """
    page = fetch.fetch(url, policy())
    _prune()
    snapshot = ReleaseSnapshot(
        requested_url=page.requested_url[:1000],
        final_url=page.final_url[:1000],
        content_type=page.content_type[:120],
        content=page.content,
        size=len(page.content),
        content_hash=page.sha256,
        retrieved_at=page.retrieved_at,
    )
    db.session.add(snapshot)
    db.session.flush()
    source = from_text(page.text()) if page.is_html else Source(page.text())
    outlet = source.outlet or urlsplit(page.final_url).hostname
    return replace(source, outlet=outlet, snapshot=snapshot)


def _prune() -> None:
    """Drop snapshots fetched for reviews nobody saved."""
    db.session.execute(
        db.delete(ReleaseSnapshot).where(
            ReleaseSnapshot.press_release_id.is_(None),
            ReleaseSnapshot.retrieved_at < utcnow() - UNCLAIMED_FOR,
        )
    )


def unclaimed(value: str | None) -> ReleaseSnapshot | None:
    """The unclaimed snapshot a review form's token names, if it still exists."""
    snapshot_id, _sep, digest = (value or "").partition(":")
    if not snapshot_id.isdigit() or not digest:
        return None
    snapshot = db.session.get(ReleaseSnapshot, int(snapshot_id))
    if snapshot is None or snapshot.content_hash != digest or snapshot.press_release_id:
        return None
    return snapshot


def claim(release: PressRelease, value: str | None) -> ReleaseSnapshot | None:
    """Give a release the snapshot its review fetched, when it has none yet."""
    snapshot = unclaimed(value)
    if snapshot is None or release.snapshot is not None:
        return None
    release.snapshot = snapshot
    db.session.flush()
    return snapshot


def snapshot_text(snapshot: ReleaseSnapshot) -> str:
    """The archived page as text, to serve as text/plain (never as HTML from our origin)."""
    return fetch.decode(snapshot.content, fetch.charset_of(snapshot.content_type))


def public_record(release: PressRelease) -> str:
    """What the public archive link shows: the snapshot's facts and the stored text."""
    snapshot = release.snapshot
    assert snapshot is not None
    facts = [
        (_("Alamat akhir"), public_url(snapshot.final_url)),
        (_("Diambil"), snapshot.retrieved_at.isoformat()),
        (_("Jenis"), snapshot.content_type),
        (_("Ukuran"), f"{snapshot.size} B"),
        ("SHA-256", snapshot.content_hash),
    ]
    lines = [release.title, *(f"{label}: {value}" for label, value in facts), "", release.body]
    return "\n".join(lines) + "\n"


def public_url(url: str) -> str:
    """A fetched address fit to publish: no user name, password, query or fragment.

    Staff may paste a link carrying a session token or credentials; the public record
    shows only where the page lives (the snapshot keeps both full addresses for staff).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


def plain_response(text: str, filename: str) -> Response:
    """Serve stored third-party text as plain text that no browser runs or sniffs as HTML."""
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
