"""Stored VEVENTs kept fresh by the transaction that changes them.

At COMMIT of a session transaction, the VEVENTs of the meetings it touched are built
and stored in that same transaction (up to ``BUILD_AT_COMMIT``; any more stay stale for
``flask calendar-refresh`` or the next feed, which builds and stores a bounded number),
so a cold feed is assembly, not formatting. A change in a flush to a column a VEVENT
quotes (an agency's short name, a person's name, a venue, a region's or an election's
name), or the deletion of such a row, makes stale only the events that quote it. The
engine listener in ``state.py`` leaves the reference generation (which makes every
stored event stale) to writes made outside a flush, whose rows cannot be known.

The quoting meetings are looked up at commit under the lock every such commit takes
(``tracker/turns.py``; SQLite has one writer), so a participation another transaction adds
meanwhile is either seen by the lookup or built by its own commit after this one.
Pieces are built here only with a configured ``PUBLIC_BASE_URL``: without it feeds are
written for each request's own host and never read the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Select, event, inspect, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from tracker import urls
from tracker.calendar import cache, state
from tracker.extensions import db
from tracker.models import Agency, Election, Meeting, Participation, Person, Region, Venue
from tracker.turns import take_turns

# A commit that touched more meetings (an import, a region renamed) builds this many and
# leaves the rest stale: a save stays quick whatever it changed.
BUILD_AT_COMMIT = 500
# Past this many meetings quoting a changed name, every stored event is made stale at
# once (one counter) rather than row by row.
MARK_OVER = 10_000
_TOUCHED = "calendar_touched"  # session.info: meetings whose events this transaction changes
_UNVERSIONED = "calendar_unversioned"  # ... of which these without a version bump
_CHANGED = "calendar_changed_references"  # ... and (kind, id) of changed quoted rows
# The columns of each referenced row that VEVENTs quote.
QUOTED: dict[type, tuple[str, ...]] = {
    Agency: ("short_name",),
    Person: ("name", "rank", "honorific", "degrees"),
    Venue: ("name", "address", "city_id", "latitude", "longitude"),
    Region: ("name",),
    Election: ("name",),
}


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


def _notes(session: Session) -> tuple[set[int], set[int], set[tuple[type, int]]]:
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    unversioned: set[int] = session.info.setdefault(_UNVERSIONED, set())
    changed: set[tuple[type, int]] = session.info.setdefault(_CHANGED, set())
    return touched, unversioned, changed


def _lookup(connection: Connection, rows: Iterable[tuple[type, int]]) -> set[int]:
    """The meetings quoting any of these (kind, id) rows."""
    by_kind: dict[type, list[int]] = {}
    for kind, row_id in rows:
        by_kind.setdefault(kind, []).append(row_id)
    found: set[int] = set()
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), cache.CHUNK):
            part = ids[start : start + cache.CHUNK]
            found.update(connection.execute(_quoting(kind, part)).scalars())
    return found


def _quotes_changed(obj: object) -> bool:
    """Whether a flushed object's change reaches what VEVENTs show of it."""
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in QUOTED[type(obj)])


def _before_flush(session: Session, *_args: Any) -> None:
    """Note changed quoted rows; a deleted one's meetings are read now, before it goes."""
    touched, unversioned, changed = _notes(session)
    for obj in session.dirty:
        if type(obj) in QUOTED and obj.id is not None and _quotes_changed(obj):
            changed.add((type(obj), obj.id))
    deleted = [(type(o), o.id) for o in session.deleted if type(o) in QUOTED and o.id]
    if deleted:
        found = _lookup(session.connection(), deleted)
        touched.update(found)
        unversioned.update(found)


def _after_flush(session: Session, _context: Any) -> None:
    """Note the meetings whose own rows or participations were written."""
    touched, unversioned, _changed = _notes(session)
    changed = [o for o in session.dirty if session.is_modified(o)]
    for obj in [*session.new, *changed, *session.deleted]:
        if isinstance(obj, Meeting) and obj not in session.deleted:
            touched.add(obj.id)
        elif isinstance(obj, Participation):
            # Its meeting now and, if it moved, the one it left.
            history = inspect(obj).attrs.meeting_id.history
            ids = {i for i in (*history.deleted, obj.meeting_id) if i is not None}
            touched.update(ids)
            unversioned.update(ids)


def note_meetings(ids: Iterable[int]) -> None:
    """Note meetings a bulk statement changes (no flush sees it): rebuilt at commit.

    The statement then carries ``state.NOTED``, so it does not make every event stale.
    """
    touched, unversioned, _changed = _notes(db.session())
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
    if not ids or urls.configured_base(current_app) is None or state.references_pending(connection):
        return  # nothing reads them, or this commit makes every stored event stale anyway
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
    changed = session.info.pop(_CHANGED, set())
    if not (touched or changed):
        return
    take_turns(session)
    connection = session.connection()
    quoting = _lookup(connection, changed)
    if len(quoting) > MARK_OVER:
        state.mark_changed(references=True)
        return
    touched |= quoting
    _mark_stale(session, sorted(unversioned | quoting))
    _build(connection, sorted(touched)[:BUILD_AT_COMMIT])


def _writing(_mapper: Any, connection: Connection, _target: Any) -> None:
    """A flush is about to write this mapper's rows: its statements are noted here."""
    connection.info[state.IN_FLUSH] = True


def _written(_mapper: Any, connection: Connection, _target: Any) -> None:
    connection.info.pop(state.IN_FLUSH, None)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended: its notes are done with or undone."""
    if transaction.parent is None:
        for key in (_TOUCHED, _UNVERSIONED, _CHANGED):
            session.info.pop(key, None)


if not event.contains(db.session, "before_commit", _before_commit):
    # Mapper events bracket exactly the statements a flush emits for each feed table.
    for _model in (Meeting, Participation, *QUOTED):
        for _before, _after in (
            ("before_update", "after_update"),
            ("before_delete", "after_delete"),
        ):
            event.listen(_model, _before, _writing)
            event.listen(_model, _after, _written)
    event.listen(db.session, "before_flush", _before_flush)
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "before_commit", _before_commit)
    event.listen(db.session, "after_transaction_end", _forget)
