"""The per-meeting VEVENT store: build once per change, reuse in every feed.

``Meeting.ical_event`` holds ``"<settings fingerprint>\\n<VEVENT text>"`` and
``Meeting.ical_version`` the ``Meeting.version`` it was built from. A piece is stale when
the version moved on (every edit bumps it) or the settings changed (another base URL or
organizer). Stale pieces are rebuilt from the full meeting and written back with a Core
UPDATE, which leaves ``version`` alone: an ORM write would bump it and make the piece
stale at once.

Agency, venue or person records edited elsewhere do not bump the meetings that name
them; ``forget_events`` (or ``flask --app tracker calendar-refresh``) drops pieces so
they are rebuilt on the next request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import Select, bindparam, update
from sqlalchemy.orm import selectinload

from tracker.calendar.ical import CalendarSettings, event_text
from tracker.extensions import db
from tracker.models import Meeting, Participation, Venue

# Stale meetings are rebuilt in chunks: bounded memory for a cold 10,000-event feed.
CHUNK = 500
_PATH_MARKER = 918273645


@dataclass(frozen=True)
class Piece:
    """One meeting's stored VEVENT with what the feed needs to order and wrap it."""

    id: int
    uid: str
    starts_at: datetime
    timezone: str
    time_unknown: bool
    updated_at: datetime
    text: str


def base_url() -> str:
    """PUBLIC_BASE_URL if configured, else the scheme and host of the request."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "https://" + current_app.config["PUBLIC_HOST"]


def settings() -> CalendarSettings:
    """The calendar settings of the running app."""
    config = current_app.config
    host = config["PUBLIC_HOST"]
    # The page address pattern, from the URL map so it follows the meetings blueprint.
    meeting_path = current_app.url_map.bind(host).build(
        "meetings.detail", {"meeting_id": _PATH_MARKER}
    )
    return CalendarSettings(
        base_url=base_url(),
        organizer_email=config.get("CALENDAR_ORGANIZER_EMAIL") or f"sekretariat@{host}",
        organizer_name=config.get("CALENDAR_ORGANIZER_NAME")
        or f"Sekretariat {config['SITE_NAME']}",
        default_duration=timedelta(minutes=int(config.get("CALENDAR_DEFAULT_MINUTES", 120))),
        meeting_path=meeting_path.replace(str(_PATH_MARKER), "{id}"),
    )


def _full_meetings(ids: Sequence[int]) -> list[Meeting]:
    """The meetings with everything their VEVENT shows, loaded in a few queries."""
    stmt = (
        db.select(Meeting)
        .where(Meeting.id.in_(ids))
        .options(
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.region),
            selectinload(Meeting.election),
            selectinload(Meeting.participations).selectinload(Participation.agency),
            selectinload(Meeting.participations).selectinload(Participation.person),
        )
    )
    return list(db.session.execute(stmt).scalars())


def _store(built: list[dict[str, object]]) -> None:
    """Write pieces back, only where the meeting is still at the version they came from."""
    if not built:
        return
    table = Meeting.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(ical_event=bindparam("b_text"), ical_version=bindparam("b_version"))
    )
    db.session.execute(stmt, built, execution_options={"synchronize_session": False})


def rebuild(ids: Sequence[int], conf: CalendarSettings) -> dict[int, str]:
    """Build and store the VEVENTs of these meetings; returns id -> VEVENT text."""
    texts: dict[int, str] = {}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for start in range(0, len(ids), CHUNK):
            built: list[dict[str, object]] = []
            for meeting in _full_meetings(ids[start : start + CHUNK]):
                text = event_text(meeting, conf)
                texts[meeting.id] = text
                built.append(
                    {
                        "b_id": meeting.id,
                        "b_version": meeting.version,
                        "b_text": f"{conf.fingerprint}\n{text}",
                    }
                )
            _store(built)
    return texts


def pieces(where: Select[tuple[int]] | None, conf: CalendarSettings) -> list[Piece]:
    """The stored VEVENTs of the meetings a feed selects, rebuilding stale ones.

    ``where`` is a select of meeting ids (the feed's filters); None means every meeting.
    """
    cols = (
        Meeting.id,
        Meeting.uid,
        Meeting.starts_at,
        Meeting.timezone,
        Meeting.time_unknown,
        Meeting.updated_at,
        Meeting.version,
        Meeting.ical_version,
        Meeting.ical_event,
    )
    stmt = db.select(*cols)
    if where is not None:
        stmt = stmt.where(Meeting.id.in_(where))
    rows = db.session.execute(stmt).all()
    prefix = conf.fingerprint + "\n"
    cut = len(prefix)
    stale = [
        r.id
        for r in rows
        if r.ical_version != r.version or not (r.ical_event or "").startswith(prefix)
    ]
    fresh = rebuild(stale, conf) if stale else {}
    result = [
        Piece(
            r.id,
            r.uid,
            r.starts_at,
            r.timezone,
            r.time_unknown,
            r.updated_at,
            fresh[r.id] if r.id in fresh else r.ical_event[cut:],
        )
        for r in rows
        if r.id in fresh or r.ical_version == r.version
    ]
    # Python's sort, not the database's collation: the same order on SQLite and PostgreSQL.
    result.sort(key=lambda p: (p.starts_at, p.uid))
    return result


def forget_events(ids: Iterable[int] | None = None) -> int:
    """Drop stored VEVENTs (all, or these meetings') so the next feed rebuilds them."""
    table = Meeting.__table__
    stmt = update(table).values(ical_event=None, ical_version=None)
    if ids is not None:
        stmt = stmt.where(table.c.id.in_(list(ids)))
    return db.session.execute(stmt).rowcount or 0


def build_stale(conf: CalendarSettings) -> int:
    """Build every missing or stale VEVENT ahead of the first request; returns the count.

    Commits per chunk (a CLI task, not a request) so memory stays bounded.
    """
    prefix = conf.fingerprint + "\n"
    stale = db.select(Meeting.id).where(
        (Meeting.ical_version.is_(None))
        | (Meeting.ical_version != Meeting.version)
        | ~Meeting.ical_event.startswith(prefix, autoescape=True)
    )
    ids = list(db.session.execute(stale.order_by(Meeting.id)).scalars())
    for start in range(0, len(ids), CHUNK):
        rebuild(ids[start : start + CHUNK], conf)
        db.session.commit()
        db.session.expunge_all()
    return len(ids)
