"""The feed generation: one counter row that moves whenever anything a feed shows changes.

Feeds take their ETag from ``(epoch, generation, day, settings, scope)`` instead of from
their bytes, so a conditional request costs one tiny query, and assembled bodies can be
cached per generation (``tracker/calendar/bodies.py``).

The counter is bumped at COMMIT of any transaction that wrote to a table a VEVENT or a
calendar header shows (meetings, participations, venues, agencies, people, regions,
elections). The writes are noticed on the engine, below the ORM, so bulk Core writes,
``synth`` and hand-made UPDATEs in the operations are covered as well as ORM flushes.
Bumping as the very last statement before COMMIT keeps the row lock for an instant: two
editors never wait on it while holding other rows (no deadlocks on PostgreSQL).

``reference_generation`` moves when any of those tables is updated or deleted from
outside an ORM flush (bulk UPDATEs, raw SQL) and the statement is not marked ``NOTED``:
which events such a write reaches is unknown, so every stored VEVENT built before then
is stale. Within a flush the changed objects are known, and ``upkeep.py`` makes stale
only the events that quote them. ``changed_at`` (whole seconds) feeds ``Last-Modified``; each bump
moves it at least one second on, so a date served before a change is always older than
the date after it, even within the same second.

``page_generation`` moves instead when a transaction wrote only to the other tables a
public page shows (press releases, their quotes and snapshots, corrections, the change
log, agency aliases, region names, the search and ranking tables): pages and API
answers kept between writes (``tracker/page_cache.py``) key on both counters, while
feeds, which show none of these, keep their ETag.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Integer, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import Pool

from tracker.extensions import db

if TYPE_CHECKING:
    # db.Model is built at run time from Base (plus Flask-SQLAlchemy's mixins); mypy
    # cannot follow that, so it checks the model against Base itself.
    from tracker.extensions import Base as _Model
else:
    _Model = db.Model

STATE_ID = 1
# Tables whose rows a feed shows; writes to them move the generation.
FEED_TABLES = frozenset(
    {"meeting", "participation", "venue", "agency", "person", "region", "election"}
)
# Tables public pages and API answers show besides the feed tables: writes move
# page_generation. The search and tally tables are derived from meetings, but
# ``meetings reindex`` rebuilds them alone, and searches and rankings read them.
PAGE_TABLES = frozenset(
    {
        "press_release",
        "coverage",
        "evidence",
        "release_snapshot",
        "correction",
        "change_log",
        "agency_alias",
        "agency_slug_redirect",
        "region_name",
        "meeting_search",
        "search_term",
        "body_tally",
        "body_total",
        "body_pair_total",
    }
)
# Execution option marking writes that change no feed (the VEVENT store itself).
SILENT = "calendar_silent"
# Execution option marking a bulk write whose meetings were noted for upkeep.
NOTED = "calendar_noted"
_DML = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_FEEDS = "calendar_feeds_changed"
_REFS = "calendar_references_changed"
_PAGES = "calendar_pages_changed"
# Set on the connection while a flush writes a feed table's rows (``upkeep.py``).
IN_FLUSH = "calendar_in_flush"
# Set on the migrations' connection (``migrations/env.py``): the counter row may not have
# its newer columns yet, and no process keeps pages across a schema change.
MIGRATING = "calendar_migrating"


class CalendarState(_Model):
    """The single row counting feed-visible changes (see the module docstring)."""

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A random token drawn when the row is created: a rebuilt or emptied database never
    # reuses the cache keys of an earlier one.
    epoch: Mapped[str] = mapped_column(String(32))
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    reference_generation: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[int] = mapped_column(BigInteger, default=0)  # Unix seconds
    page_generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


@dataclass(frozen=True)
class State:
    """A reading of the counter row."""

    epoch: str
    generation: int
    reference_generation: int
    changed_at: int
    page_generation: int = 0


def _plus(column: str, moves: bool) -> str:
    return f"calendar_state.{column} + 1" if moves else f"calendar_state.{column}"


def _bump_sql(
    references: bool, feeds: bool = True, pages: bool = False, migrating: bool = False
) -> str:
    # Integers and a hex token only, formatted in: the statement runs on the raw DBAPI
    # cursor, whose parameter style differs between sqlite3 and psycopg. ON CONFLICT ...
    # DO UPDATE is spelled the same on SQLite (3.24+) and PostgreSQL.
    now = int(time.time())
    page_column = "" if migrating else ", page_generation"
    page_value = "" if migrating else ", 1"
    page_set = "" if migrating else f", page_generation = {_plus('page_generation', pages)}"
    changed = (
        f"CASE WHEN calendar_state.changed_at >= {now} "
        f"THEN calendar_state.changed_at + 1 ELSE {now} END"
        if feeds
        else "calendar_state.changed_at"
    )
    return (
        "INSERT INTO calendar_state "
        f"(id, epoch, generation, reference_generation, changed_at{page_column}) "
        f"VALUES ({STATE_ID}, '{secrets.token_hex(16)}', 1, 1, {now}{page_value}) "
        f"ON CONFLICT (id) DO UPDATE SET generation = {_plus('generation', feeds)}, "
        f"reference_generation = {_plus('reference_generation', references)}, "
        f"changed_at = {changed}{page_set}"
    )


@event.listens_for(Engine, "before_cursor_execute")
def _notice_writes(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    match = _DML.match(statement)
    if match is None:
        return
    table = match.group(2).lower()
    if table in PAGE_TABLES:
        conn.info[_PAGES] = True
        return
    if table not in FEED_TABLES:
        return
    options = context.execution_options if context is not None else {}
    if options.get(SILENT):
        return
    conn.info[_FEEDS] = True
    if match.group(1).upper().startswith("INSERT") or conn.info.get(IN_FLUSH):
        return  # a new row is in no stored event yet; a flush's changes are noted (upkeep)
    if not options.get(NOTED):
        # A bulk or raw change: which events it reaches is unknown, so all are stale.
        conn.info[_REFS] = True


@event.listens_for(Engine, "commit")
def _bump_on_commit(conn: Any) -> None:
    info = conn.info
    feeds, pages = bool(info.pop(_FEEDS, False)), bool(info.pop(_PAGES, False))
    migrating = bool(info.get(MIGRATING))
    if not (feeds or (pages and not migrating)):
        return
    references = bool(info.pop(_REFS, False))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_bump_sql(references, feeds, pages and not feeds, migrating))
    finally:
        cursor.close()
    _recent.clear()  # this process wrote: its next revalidation reads afresh


def _forget(info: dict[str, Any]) -> None:
    info.pop(_FEEDS, None)
    info.pop(_REFS, None)
    info.pop(_PAGES, None)
    info.pop(IN_FLUSH, None)


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(conn: Any) -> None:
    if not conn.closed and not conn.invalidated:
        _forget(conn.info)


@event.listens_for(Engine, "rollback_savepoint")
def _forget_flush_on_savepoint_rollback(conn: Any, name: str, context: Any) -> None:
    conn.info.pop(IN_FLUSH, None)  # a flush that failed inside a savepoint


def references_pending(connection: Any) -> bool:
    """Whether this transaction's commit will make every stored VEVENT stale."""
    return bool(connection.info.get(_REFS))


@event.listens_for(Pool, "reset")
def _forget_on_reset(dbapi_connection: Any, record: Any, reset_state: Any) -> None:
    if record is not None:
        _forget(record.info)


def mark_changed(references: bool = False) -> None:
    """Note a change the listeners cannot see (e.g. raw SQL); bumps at the next commit."""
    info = db.session.connection().info
    info[_FEEDS] = True
    if references:
        info[_REFS] = True


_READ = (
    "SELECT epoch, generation, reference_generation, changed_at, page_generation "
    f"FROM calendar_state WHERE id = {STATE_ID}"
)


def _state(row: Any) -> State:
    return State(row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4]))


# The last reading per database, for revalidations: {url: (monotonic time, State)}.
_recent: dict[str, tuple[float, State]] = {}


def read_recent(max_age: float) -> State | None:
    """The reading of at most ``max_age`` seconds ago in this process, if any.

    Lets a conditional feed request answer 304 without touching the database. Writes
    in this process clear it at once; another server's write shows within ``max_age``.
    """
    if max_age <= 0:
        return None
    entry = _recent.get(str(db.engine.url))
    if entry is None or time.monotonic() - entry[0] > max_age:
        return None
    return entry[1]


def remember(reading: State) -> None:
    """Keep a fresh reading for ``read_recent``."""
    _recent[str(db.engine.url)] = (time.monotonic(), reading)


def read_existing(connection: Any) -> State | None:
    """The counter row through this connection, or None before it exists (never writes)."""
    row = connection.exec_driver_sql(_READ).first()
    return None if row is None else _state(row)


def read(connection: Any = None) -> State:
    """The current counter row, creating it (with a fresh epoch) if it is missing.

    A plain statement on the session's connection (no ORM compilation): a revalidation
    costs one tiny query, and the request's teardown ends the read transaction.
    """
    if connection is not None:
        found = read_existing(connection)
        if found is not None:
            return found
    row = db.session.connection().exec_driver_sql(_READ).first()
    if row is None:
        # A new or emptied database: draw the epoch now, for every later reader.
        db.session.connection().exec_driver_sql(_bump_sql(False))
        db.session.commit()
        row = db.session.connection().exec_driver_sql(_READ).one()
    return _state(row)
