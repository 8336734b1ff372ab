"""The per-meeting VEVENT store: fresh pieces reused, stale ones built (from ``rows.py``) and kept.

``Meeting.ical_event`` holds ``"<stamp>\\n<VEVENT text>"`` and ``Meeting.ical_version``
the ``Meeting.version`` it was built from. The stamp is the settings fingerprint plus
the feed state's ``reference_generation`` (``tracker/calendar/state.py``), so a piece is
stale when the meeting was edited (``version`` moved on), the settings changed (another
base URL or organizer), or a name it quotes (agency, person, venue, region, election)
was changed outside the ORM since. The transaction that edits a meeting or a name it
quotes builds or clears its piece (``upkeep.py``), so feeds mostly only assemble: one
Core query of the store's columns alone, in feed order. Stale pieces are rebuilt from
plain rows (``rows.py``; per chunk of stale meetings: the meetings with venue, city, region and
election joined, then their participations with person names, agency names fetched once
per feed) by the hand-written writer, and up to ``STORE_PER_REQUEST`` of them are
written back with a Core UPDATE, which leaves ``version`` alone (an ORM write would bump
it) and is marked silent (it changes no feed).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import ColumnElement, CursorResult, bindparam, select, update

from tracker import urls
from tracker.calendar import rows as event_rows
from tracker.calendar import state
from tracker.calendar.ical import event_text
from tracker.calendar.settings import CalendarSettings
from tracker.extensions import db
from tracker.models import Meeting

# Meetings are read, built and written in chunks: bounded memory for any feed size.
CHUNK = 1000
# A cold 100,000-event feed would otherwise write ~100 MB back inside one GET; the rest
# is stored by later requests or ahead of time by `flask calendar-refresh`.
STORE_PER_REQUEST = 1000
_PATH_MARKER = 918273645


def settings() -> CalendarSettings:
    """The calendar settings of the running app (memoised per app and configured base URL)."""
    config = current_app.config
    shared = not urls.from_request()
    key = (
        urls.base_url(),
        config["PUBLIC_HOST"],
        config.get("CALENDAR_ORGANIZER_EMAIL"),
        config.get("CALENDAR_ORGANIZER_NAME"),
        config["SITE_NAME"],
        config.get("CALENDAR_DEFAULT_MINUTES", 120),
    )
    # Only configured values are memoised: a key per request host would grow without bound.
    memo: dict[tuple[Any, ...], CalendarSettings] = current_app.extensions.setdefault(
        "calendar_settings", {}
    )
    found = memo.get(key) if shared else None
    if found is None:
        found = _settings(key, shared)
        if shared:
            memo[key] = found
    return found


def _settings(key: tuple[Any, ...], shared: bool) -> CalendarSettings:
    url, host, email, name, site, minutes = key
    # The page address pattern, from the URL map so it follows the meetings blueprint.
    meeting_path = current_app.url_map.bind(host).build(
        "meetings.detail", {"meeting_id": _PATH_MARKER}
    )
    return CalendarSettings(
        base_url=url,
        organizer_email=email or f"sekretariat@{host}",
        organizer_name=name or f"Sekretariat {site}",
        default_duration=timedelta(minutes=int(minutes)),
        meeting_path=meeting_path.replace(str(_PATH_MARKER), "{id}"),
        shared=shared,
    )


def piece_stamp(conf: CalendarSettings, references: int) -> str:
    """What a stored piece must start with to be fresh (before its newline)."""
    return f"{conf.fingerprint}.{references}"


def stored_rows(conditions: Sequence[ColumnElement[bool]], executor: Any = None) -> Any:
    """Id, versions and stored VEVENT of the selected meetings, in feed order, streamed.

    Only the store's columns and no joins: a feed whose pieces are fresh is assembly.
    Ordered by start, then UID compared code point by code point (COLLATE "C" on
    PostgreSQL, SQLite's default), the order Python's sort gives, so both databases
    write the same bytes. A server-side cursor on PostgreSQL.
    """
    m = Meeting.__table__.c
    uid: Any = m.uid
    if db.engine.dialect.name == "postgresql":
        uid = uid.collate("C")
    stmt = (
        select(m.id, m.version, m.ical_version, m.ical_event)
        .where(*conditions)
        .order_by(m.starts_at, uid)
        .execution_options(yield_per=CHUNK)
    )
    return (executor or db.session).execute(stmt)


def _store(
    built: list[dict[str, object]], executor: Any = None, generation: int | None = None
) -> None:
    """Write pieces back, only where the meeting is still at the version they came from.

    ``generation`` is the feed generation the pieces were read at: when another commit
    moved it meanwhile, a piece may quote a name that commit changed (a rename moves
    no ``version``), so the write is undone; the pieces stay stale and are built again.
    The UPDATE takes the rows' locks first, so a commit that changed them before is seen
    by the check, and one after waits and writes its own pieces last. Rows are written
    in id order, as upkeep marks them, so two writers never wait on each other in turn.
    """
    if not built:
        return
    table = Meeting.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(ical_event=bindparam("b_text"), ical_version=bindparam("b_version"))
    )
    options: dict[str, Any] = {state.SILENT: True}
    if executor is None:
        executor = db.session
        options["synchronize_session"] = False
    built.sort(key=lambda b: int(str(b["b_id"])))
    savepoint = executor.begin_nested() if generation is not None else None
    executor.execute(stmt, built, execution_options=options)
    if savepoint is None:
        return
    connection = executor.connection() if executor is db.session else executor
    now = state.read_existing(connection)
    if now is None or now.generation != generation:
        savepoint.rollback()
    else:
        savepoint.commit()


def build_texts(
    ids: Sequence[int], conf: CalendarSettings, names: dict[int, str], executor: Any = None
) -> dict[int, tuple[int, str]]:
    """Write the VEVENTs of these meetings (at most a chunk): (version, text) by id."""
    people = event_rows.participants(ids, names, executor)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {
            r.id: (r.version, event_text(event_rows.record(r, people.get(r.id, ())), conf))
            for r in event_rows.meeting_rows([Meeting.id.in_(ids)], executor)
        }


def stream_pieces(
    conditions: Sequence[ColumnElement[bool]],
    conf: CalendarSettings,
    references: int,
    store_limit: int = STORE_PER_REQUEST,
    executor: Any = None,
    generation: int | None = None,
) -> Iterator[list[str]]:
    """Yield the VEVENT texts of the selected meetings in feed order, chunk by chunk.

    Fresh stored pieces are reused; stale ones are built and the first ``store_limit``
    of them written back once the cursor is exhausted (SQLite must not write a table
    under an open cursor), if the feed generation is still ``generation`` (see
    ``_store``; None: built inside the committing transaction itself, no check).
    """
    if not conf.shared:
        store_limit = 0  # built for one request's host: never stored for everyone
    prefix = piece_stamp(conf, references) + "\n"
    cut = len(prefix)
    to_store: list[dict[str, object]] = []
    names: dict[int, str] = {}
    for rows in stored_rows(conditions, executor).partitions():
        stale = [
            r.id
            for r in rows
            if r.ical_version != r.version or not (r.ical_event or "").startswith(prefix)
        ]
        if not stale:
            yield [r.ical_event[cut:] for r in rows]
            continue
        built = build_texts(stale, conf, names, executor)
        for mid in [m for m in stale if m in built][: max(0, store_limit - len(to_store))]:
            version, text = built[mid]
            to_store.append({"b_id": mid, "b_version": version, "b_text": prefix + text})
        stale_ids = set(stale)
        # A stale row missing from ``built`` was deleted since the cursor started.
        yield [
            built[r.id][1] if r.id in built else r.ical_event[cut:]
            for r in rows
            if r.id in built or r.id not in stale_ids
        ]
    _store(to_store, executor, generation)


def event_texts(ids: Sequence[int], conf: CalendarSettings) -> list[str]:
    """These meetings' VEVENTs, in feed order (for small selections), stale ones stored."""
    reading = state.read()
    conditions = [Meeting.id.in_(list(ids))]
    chunks = stream_pieces(
        conditions, conf, reading.reference_generation, generation=reading.generation
    )
    return [text for chunk in chunks for text in chunk]


def forget_events(ids: Iterable[int] | None = None) -> int:
    """Drop stored VEVENTs (all, or these meetings') and assembled feeds; next build redoes them."""
    from tracker.calendar import bodies

    table = Meeting.__table__
    stmt = update(table).values(ical_event=None, ical_version=None)
    if ids is not None:
        stmt = stmt.where(table.c.id.in_(list(ids)))
    result = db.session.execute(stmt, execution_options={state.SILENT: True})
    # An UPDATE always gives a CursorResult; Session.execute is typed as the wider Result.
    assert isinstance(result, CursorResult)
    count = result.rowcount or 0
    bodies.clear()
    return count


def build_stale(conf: CalendarSettings) -> int:
    """Build every missing or stale VEVENT ahead of the first request; returns the count.

    Commits per chunk (a CLI task, not a request) so memory stays bounded.
    """
    built = 0
    while True:
        reading = state.read()
        references = reading.reference_generation
        prefix = piece_stamp(conf, references) + "\n"
        stale = (
            (Meeting.ical_version.is_(None))
            | (Meeting.ical_version != Meeting.version)
            | ~Meeting.ical_event.startswith(prefix, autoescape=True)
        )
        ids = list(
            db.session.execute(
                db.select(Meeting.id).where(stale).order_by(Meeting.id).limit(CHUNK)
            ).scalars()
        )
        if not ids:
            return built
        where = [Meeting.id.in_(ids)]
        for chunk in stream_pieces(where, conf, references, len(ids), None, reading.generation):
            built += len(chunk)
        db.session.commit()
