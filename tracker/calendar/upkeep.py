"""Stored VEVENTs kept fresh by the transaction that changes them.

At COMMIT of a session transaction, the VEVENTs of the meetings it touched are built
and stored in that same transaction (up to ``BUILD_AT_COMMIT``; any more stay stale for
``flask calendar-refresh`` or the next feed, which builds and stores a bounded number),
so a cold feed is assembly, not formatting. An agency, person, venue, region or election
changed or deleted in a flush makes stale only the events that quote it; the engine
listener in ``state.py`` leaves the reference generation (which makes every stored event
stale) to writes made outside a flush, whose rows cannot be known.

Pieces are built here only with a configured ``PUBLIC_BASE_URL``: without it feeds are
written for each request's own host and never read the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Select, event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from tracker import urls
from tracker.calendar import cache, state
from tracker.extensions import db
from tracker.models import Agency, Election, Meeting, Participation, Person, Region, Venue

# A commit that touched more meetings (an import, a region renamed) builds this many and
# leaves the rest stale: a save stays quick whatever it changed.
BUILD_AT_COMMIT = 500
_TOUCHED = "calendar_touched"  # session.info: meetings whose events this transaction changes
_UNVERSIONED = "calendar_unversioned"  # ... of which these without a version bump
_REFERENCES = (Agency, Person, Venue, Region, Election)


def _quoting(kind: type, ids: Sequence[int]) -> Select[Any]:
    """The ids of the meetings whose VEVENT quotes one of these rows."""
    p = Participation.__table__.c
    m = Meeting.__table__.c
    if kind is Agency:
        return select(p.meeting_id).where(p.agency_id.in_(ids))
    if kind is Person:
        return select(p.meeting_id).where(p.person_id.in_(ids))
    if kind is Venue:
        return select(m.id).where(m.venue_id.in_(ids))
    if kind is Election:
        return select(m.id).where(m.election_id.in_(ids))
    # A region is quoted as a meeting's region and as its venue's city.
    cities = select(Venue.__table__.c.id).where(Venue.__table__.c.city_id.in_(ids))
    return select(m.id).where(or_(m.region_id.in_(ids), m.venue_id.in_(cities)))


def _notes(session: Session) -> tuple[set[int], set[int]]:
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    unversioned: set[int] = session.info.setdefault(_UNVERSIONED, set())
    return touched, unversioned


def _note_references(session: Session, objects: Iterable[object]) -> None:
    """Note the meetings quoting these reference rows (read before the flush writes)."""
    by_kind: dict[type, list[int]] = {}
    for obj in objects:
        if isinstance(obj, _REFERENCES) and obj.id is not None:
            by_kind.setdefault(type(obj), []).append(obj.id)
    if not by_kind:
        return
    touched, unversioned = _notes(session)
    connection = session.connection()
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), cache.CHUNK):
            found = connection.execute(_quoting(kind, ids[start : start + cache.CHUNK]))
            meeting_ids = set(found.scalars())
            touched.update(meeting_ids)
            unversioned.update(meeting_ids)


def _before_flush(session: Session, *_args: Any) -> None:
    """Mark the flush for the engine listener; note what changed references are quoted by."""
    session.connection().info[state.IN_FLUSH] = True
    changed = [o for o in session.dirty if session.is_modified(o)]
    _note_references(session, [*changed, *session.deleted])


def _after_flush(session: Session, _context: Any) -> None:
    """Note the meetings whose own rows or participations were written."""
    touched, unversioned = _notes(session)
    changed = [o for o in session.dirty if session.is_modified(o)]
    for obj in [*session.new, *changed, *session.deleted]:
        if isinstance(obj, Meeting) and obj not in session.deleted:
            touched.add(obj.id)
        elif isinstance(obj, Participation) and obj.meeting_id is not None:
            touched.add(obj.meeting_id)
            unversioned.add(obj.meeting_id)


def _after_flush_postexec(session: Session, _context: Any) -> None:
    session.connection().info.pop(state.IN_FLUSH, None)


def note_meetings(ids: Iterable[int]) -> None:
    """Note meetings a bulk statement changes (no flush sees it): rebuilt at commit.

    The statement then carries ``state.NOTED``, so it does not make every event stale.
    """
    touched, unversioned = _notes(db.session())
    touched.update(ids)
    unversioned.update(ids)


def _mark_stale(session: Session, ids: Sequence[int]) -> None:
    """Clear the stored versions of these meetings: their pieces are rebuilt when next read."""
    table = Meeting.__table__
    options = {state.SILENT: True, "synchronize_session": False}
    for start in range(0, len(ids), cache.CHUNK):
        part = ids[start : start + cache.CHUNK]
        stmt = update(table).where(table.c.id.in_(part)).values(ical_version=None)
        session.execute(stmt, execution_options=options)


def _build(connection: Connection, ids: Sequence[int]) -> None:
    """Build and store the pieces of these meetings, in this transaction."""
    if not ids or urls.configured_base(current_app) is None:
        return
    reading = state.read_existing(connection)
    if reading is None:
        return  # a database without its counter row yet: nothing reads the store
    conf = cache.settings()
    where = [Meeting.id.in_(list(ids))]
    for _chunk in cache.stream_pieces(where, conf, reading.reference_generation, len(ids)):
        pass


def _before_commit(session: Session) -> None:
    """Make the touched meetings' stored events current before the transaction ends."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer transaction's commit does the work
    if session.new or session.dirty or session.deleted:
        session.flush()
    touched = session.info.pop(_TOUCHED, set())
    unversioned = session.info.pop(_UNVERSIONED, set())
    if not touched:
        return
    _mark_stale(session, sorted(unversioned))
    _build(session.connection(), sorted(touched)[:BUILD_AT_COMMIT])


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended: its notes are done with or undone."""
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)
        session.info.pop(_UNVERSIONED, None)


if not event.contains(db.session, "before_commit", _before_commit):
    event.listen(db.session, "before_flush", _before_flush)
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "after_flush_postexec", _after_flush_postexec)
    event.listen(db.session, "before_commit", _before_commit)
    event.listen(db.session, "after_transaction_end", _forget)
