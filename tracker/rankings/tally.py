"""Keep ``body_tally`` in step: the meetings a transaction touches are re-tallied at commit.

Rankings sum ``body_tally`` rows instead of grouping participations on every request
(a national ranking would otherwise group every participation in the country after
each write). The rows are derived, so they are rebuilt, never edited: at commit, each
touched meeting's rows are deleted and selected again from its participations, in the
same transaction as the change itself.

Touched means: a Meeting or Participation flushed through the ORM, or a bulk statement
executed through the session on either table (agency merges, synthetic loads), whose
meetings are read before it runs; and the Forkopimda meetings of an agency whose seat
there may have changed (``seats.py``). Each re-tally also keeps the bodies' totals and
the partner pairs (``pairs.py``) in step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Delete,
    Insert,
    Update,
    delete,
    event,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from tracker.calendar import state as calendar_state
from tracker.extensions import db
from tracker.models import Agency, Meeting, Participation, Region
from tracker.models.tally import FORUM_FLAGS, TALLY_FLAGS, BodyTally, BodyTotal
from tracker.rankings import pairs, seats
from tracker.rankings.pairs import Pair
from tracker.rankings.rows import Rows, fill, tally_rows
from tracker.turns import take_turns

# session.info keys of the meeting ids to re-tally at commit, and of bodies to re-total
# whose rows leave by cascade (a deleted meeting's).
_TOUCHED = "body_tally_touched"
_BODIES = "body_tally_bodies"
# Agencies whose seat at a Forkopimda may have changed, and the partner pairs of
# meetings deleted (their rows leave by cascade, so their pairs are taken off apart).
_AGENCIES = "body_tally_agencies"
_PAIRS_GONE = "body_tally_pairs_gone"
# Set by a bulk statement whose meetings cannot be read beforehand: rebuild all at commit.
_REBUILD = "body_tally_rebuild"
# Meetings per DELETE / INSERT ... SELECT (bound parameters stay well under the limits).
_CHUNK = 500
# Past this many touched meetings a transaction rebuilds the whole tally instead.
_REBUILD_OVER = 20_000
# Meeting columns whose change can change a tally (``counted``, ``forum``, ``called_off``,
# the province, the month and the seat: the meeting's province and day).
_MEETING_COLUMNS = frozenset({"visibility", "status", "kind", "region_id", "starts_at", "timezone"})
# Agency columns a seat depends on: kind and place, and for a Kodam its name and validity
# (the Kodam table covers provinces by name and date).
_SEAT_COLUMNS = ("kind", "region_id", "parent_id")
_KODAM_COLUMNS = ("short_name", "valid_from", "valid_until")


def remark_seats() -> int:
    """Decide every Forkopimda seat again, as after new reference data (the Kodam table).

    Re-totals the bodies whose seats changed and moves the change counter if any did;
    returns how many bodies that was.
    """
    _take_turns()
    table = BodyTally.__table__
    seated = select(table.c.meeting_id, table.c.agency_id).where(table.c.seat == 1)
    before = {tuple(row) for row in db.session.execute(seated)}
    db.session.execute(update(table).where(table.c.seat == 1).values(seat=0))
    seats.mark(db.session(), None)
    after = {tuple(row) for row in db.session.execute(seated)}
    bodies = sorted({agency_id for _meeting, agency_id in before ^ after})
    if bodies:
        _retotal(bodies)
        calendar_state.mark_changed()  # kept rankings show the new flags
    return len(bodies)


def _take_turns() -> None:
    """On PostgreSQL, let one committing transaction at a time rebuild derived rows.

    Two transactions deleting and inserting the same body's total (two edits sharing a
    body) would otherwise both insert it: the second's DELETE skips the row the first
    already replaced, and its INSERT breaks the primary key. The lock (``turns.py``)
    ends with the transaction; each statement after it sees what the previous holder
    committed.
    """
    take_turns(db.session())


def refresh(
    meeting_ids: Iterable[int],
    agency_ids: Iterable[int] = (),
    gone: dict[int, Counter[Pair]] | None = None,
) -> None:
    """Rebuild the tally rows of these meetings, then the totals of every body they name.

    ``agency_ids`` adds bodies whose rows went another way (a deleted meeting's, by
    cascade), and ``gone`` the partner pairs of deleted meetings' rows, by meeting.
    """
    _take_turns()
    wanted = sorted(set(meeting_ids))
    if len(wanted) > _REBUILD_OVER:
        rebuild_all()  # a bulk load: one pass over everything beats chunks of IN lists
        return
    bodies = set(agency_ids)
    change = _gone_pairs(gone or {})
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        bodies.update(_bodies_of(chunk))
        change.subtract(pairs.counts(db.session(), chunk))
        db.session.execute(delete(BodyTally).where(BodyTally.meeting_id.in_(chunk)))
        db.session.execute(fill(tally_rows().where(Participation.meeting_id.in_(chunk))))
        seats.mark(db.session(), chunk)
        change.update(pairs.counts(db.session(), chunk))
        bodies.update(_bodies_of(chunk))
    _retotal(sorted(bodies))
    pairs.apply(db.session(), change)


def _gone_pairs(gone: dict[int, Counter[Pair]]) -> Counter[Pair]:
    """Minus the pairs of the deleted meetings that are still gone.

    A delete undone by a savepoint's rollback left its tally rows, which the re-tally
    counts; a deleted meeting's rows went by cascade (a new meeting that took its id on
    SQLite has none yet: it is tallied below).
    """
    alive = select(BodyTally.meeting_id).where(BodyTally.meeting_id.in_(sorted(gone)))
    kept = set(db.session.execute(alive).scalars()) if gone else set()
    change: Counter[Pair] = Counter()
    for meeting_id, made in gone.items():
        if meeting_id not in kept:
            change.subtract(made)
    return change


def _bodies_of(meeting_ids: list[int]) -> set[int]:
    found = select(BodyTally.agency_id).where(BodyTally.meeting_id.in_(meeting_ids))
    return set(db.session.execute(found).scalars())


def tally_sums() -> list[ColumnElement[Any]]:
    """A body's sums over tally rows: TALLY_FLAGS, then FORUM_FLAGS (the seat's marks)."""
    sums = [func.sum(getattr(BodyTally, name)) for name in TALLY_FLAGS]
    return [
        *sums,
        func.sum(BodyTally.seat * BodyTally.absent),
        func.sum(BodyTally.seat * BodyTally.represented),
    ]


def totals(rows: Rows) -> Insert:
    """INSERT INTO body_total each body's sums over its counted tally rows."""
    grouped = (
        rows.add_columns(BodyTally.agency_id, func.count(), *tally_sums())
        .where(BodyTally.counted == true())
        .group_by(BodyTally.agency_id)
    )
    columns = ["agency_id", "meetings", *TALLY_FLAGS, *FORUM_FLAGS]
    return insert(BodyTotal.__table__).from_select(columns, grouped)


def _retotal(agency_ids: list[int]) -> None:
    """Sum these bodies' totals again from their tally rows (an index range each)."""
    for start in range(0, len(agency_ids), _CHUNK):
        chunk = agency_ids[start : start + _CHUNK]
        db.session.execute(delete(BodyTotal.__table__).where(BodyTotal.agency_id.in_(chunk)))
        db.session.execute(totals(select().where(BodyTally.agency_id.in_(chunk))))


def rebuild_all() -> None:
    """Rebuild every tally row and total (after loads that went past the session)."""
    _take_turns()
    db.session.execute(delete(BodyTally))
    db.session.execute(fill(tally_rows()))
    seats.mark(db.session(), None)
    db.session.execute(delete(BodyTotal.__table__))
    db.session.execute(totals(select()))
    pairs.rebuild(db.session())


def _touched(session: Session) -> set[int]:
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    return touched


def _bodies(session: Session) -> set[int]:
    bodies: set[int] = session.info.setdefault(_BODIES, set())
    return bodies


def _note_gone(session: Session, meeting_ids: list[int]) -> None:
    """Deleted meetings' tally rows go by cascade: note their bodies and pairs first.

    Read under the lock, so no other commit re-tallies these meetings in between.
    """
    take_turns(session)
    _bodies(session).update(_bodies_of(meeting_ids))
    gone: dict[int, Counter[Pair]] = session.info.setdefault(_PAIRS_GONE, {})
    gone.update(pairs.by_meeting(session, meeting_ids))


def _before_flush(session: Session, *_args: Any) -> None:
    ids = [o.id for o in session.deleted if isinstance(o, Meeting) and o.id is not None]
    if ids:
        _note_gone(session, ids)


def _collect_flushed(session: Session, _context: Any) -> None:
    """Note the meetings of flushed meetings and participations, and edited agencies."""
    touched = _touched(session)
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, Meeting) and obj.id is not None:
            touched.add(obj.id)
        elif isinstance(obj, Participation):
            history = db.inspect(obj).attrs.meeting_id.history
            touched.update(i for i in (*history.deleted, obj.meeting_id) if i is not None)
    for obj in session.dirty:  # a new agency or region is in no tally row yet
        if isinstance(obj, Agency) and _seat_may_change(obj):
            session.info.setdefault(_AGENCIES, set()).add(obj.id)
        elif isinstance(obj, Region) and _changed(obj, ("parent_id",)):
            session.info[_REBUILD] = True  # every meeting below it has another province


def _seat_may_change(agency: Agency) -> bool:
    if _changed(agency, _SEAT_COLUMNS):
        return True
    return agency.kind == seats.MILITARY and _changed(agency, _KODAM_COLUMNS)


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    attrs = db.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _collect_bulk(state: ORMExecuteState) -> None:
    """Note the meetings a bulk statement on meetings or participations is about to change."""
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return
    # ORM statements hold an annotated copy of the table: compare names.
    table = getattr(statement.table, "name", None)
    touched = _touched(state.session)
    if table == Participation.__tablename__:
        if isinstance(statement, Insert):
            _note_inserted(state, touched)
            return
        if isinstance(statement, Update) and "meeting_id" in _set_columns(statement):
            state.session.info[_REBUILD] = True  # rows move to meetings not named here
        column = Participation.meeting_id
    elif table == Meeting.__tablename__ and not isinstance(statement, Insert):
        if isinstance(statement, Update) and not _changes_tally(statement):
            return
        column = Meeting.id
    else:
        if table == Region.__tablename__ and isinstance(statement, Update):
            _note_regions(state)
        return
    where = statement.whereclause
    found = select(column).where(where) if where is not None else select(column)
    ids = list(state.session.execute(found).scalars())
    touched.update(ids)
    if isinstance(statement, Delete) and table == Meeting.__tablename__ and ids:
        _note_gone(state.session, ids)


def _note_regions(state: ORMExecuteState) -> None:
    """A bulk UPDATE that moves a region under another parent moves its meetings' seats."""
    params: Any = state.parameters
    rows = list(params) if isinstance(params, list | tuple) else [params or {}]
    moved = {r["id"]: r["parent_id"] for r in rows if "id" in r and "parent_id" in r}
    if not moved and "parent_id" not in _set_columns(state.statement):  # type: ignore[arg-type]
        return
    if not moved:
        state.session.info[_REBUILD] = True  # parents set by a WHERE: which moved is unknown
        return
    now = select(Region.id, Region.parent_id).where(Region.id.in_(sorted(moved)))
    if any(moved[i] != parent for i, parent in state.session.execute(now)):
        state.session.info[_REBUILD] = True


def _note_inserted(state: ORMExecuteState, touched: set[int]) -> None:
    """The meetings of participations inserted in bulk, from the rows given."""
    params: Any = state.parameters
    rows = list(params) if isinstance(params, list | tuple) else [params or {}]
    given = [r.get("meeting_id") for r in rows]
    if not rows or None in given:
        # .values() or .from_select(): the new rows' meetings are not known here.
        state.session.info[_REBUILD] = True
    touched.update(int(i) for i in given if i is not None)


def _set_columns(statement: Update) -> set[str]:
    """The column names a bulk UPDATE sets (empty when they come another way)."""
    return {str(getattr(key, "key", key)) for key in statement._values or {}}


def _changes_tally(statement: Update) -> bool:
    """Whether a bulk UPDATE of meetings sets a column the tally copies."""
    names = _set_columns(statement)
    return bool(names & _MEETING_COLUMNS) or not names


def _refresh_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer transaction's commit does the work
    if session.new or session.dirty or session.deleted:
        session.flush()  # so _collect_flushed sees what is still pending
    touched = session.info.pop(_TOUCHED, None) or set()
    if touched or session.info.get(_AGENCIES) or session.info.get(_BODIES):
        _take_turns()  # before reading anything the rebuild depends on
    bodies = session.info.pop(_BODIES, None)
    gone = session.info.pop(_PAIRS_GONE, None)
    agencies = session.info.pop(_AGENCIES, None)
    if session.info.pop(_REBUILD, False):
        rebuild_all()
        return
    if agencies:
        touched |= _forum_meetings(sorted(agencies))
    if touched or bodies:
        refresh(touched, bodies or (), gone)


def _forum_meetings(agency_ids: list[int]) -> set[int]:
    """The Forkopimda meetings these agencies took part in (their seats to decide again)."""
    found = select(BodyTally.meeting_id).where(
        BodyTally.agency_id.in_(agency_ids), BodyTally.forum == 1
    )
    return set(db.session.execute(found).scalars())


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended: what it touched is done with or undone.

    A savepoint's rollback keeps the notes: re-tallying a meeting that did not change
    after all costs little, forgetting one that did would leave it stale.
    """
    if transaction.parent is None:
        for key in (_TOUCHED, _BODIES, _AGENCIES, _PAIRS_GONE, _REBUILD):
            session.info.pop(key, None)


if not event.contains(db.session, "after_flush", _collect_flushed):
    event.listen(db.session, "before_flush", _before_flush)
    event.listen(db.session, "after_flush", _collect_flushed)
    event.listen(db.session, "do_orm_execute", _collect_bulk)
    event.listen(db.session, "before_commit", _refresh_before_commit)
    event.listen(db.session, "after_transaction_end", _forget)
