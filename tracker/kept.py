"""Read results kept in the process until the next committed write.

The calendar change counter (``tracker/calendar/state.py``) moves at the commit of every
write to meetings, participations, venues, agencies, people, regions and elections, and
its epoch is drawn per database. A result computed only from those tables and kept under
a reading of the counter is therefore never served stale, whichever process wrote: the
next request reads the new generation and computes afresh. Reading the counter costs
one tiny statement.

Keep only plain data (never ORM objects, which belong to one session). Press releases
and coverage do not move the counter: a result that reads them is kept with
``pages=True``, under the page counter as well.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from threading import Lock
from typing import Any, TypeVar

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import QueryableAttribute

from tracker.calendar import state
from tracker.extensions import db

T = TypeVar("T")
# Distinct keys kept at once (filter combinations are many); least recently used go first.
MAX_ENTRIES = 512

_entries: OrderedDict[tuple[str, Hashable], tuple[tuple[str, int, int], Any]] = OrderedDict()
_lock = Lock()


def kept(key: Hashable, compute: Callable[[], T], *, pages: bool = False) -> T:
    """``compute()``'s result for ``key``, reused until a committed write moves the counter.

    ``pages``: the result also reads the tables a meeting page shows besides the feeds'
    (press releases, coverage, evidence), so it is kept under ``page_generation`` too.
    """
    reading = state.read()
    version = (reading.epoch, reading.generation, reading.page_generation if pages else 0)
    slot = (str(db.engine.url), key)
    with _lock:
        entry = _entries.get(slot)
        if entry is not None and entry[0] == version:
            _entries.move_to_end(slot)
            return entry[1]
    value = compute()
    with _lock:
        _entries[slot] = (version, value)
        _entries.move_to_end(slot)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept result (tests, or after changing a database behind the app's back)."""
    with _lock:
        _entries.clear()


class IdPagination(Pagination):
    """A page over ids ordered beforehand: only the page's rows are loaded, in id order."""

    def _query_items(self) -> list[Any]:
        start = self._query_offset
        ids = list(self._query_args["ids"][start : start + self.per_page])
        if not ids:
            return []
        stmt = self._query_args["select"].where(self._query_args["id_column"].in_(ids))
        found = {row.id: row for row in db.session.execute(stmt).unique().scalars()}
        # The select may filter further (public only): what it drops stays dropped.
        return [found[i] for i in ids if i in found]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def paginate_ids(
    select: Select[Any],
    id_column: ColumnElement[int] | QueryableAttribute[int],
    ids: Sequence[int],
    *,
    page: int,
    per_page: int,
    max_per_page: int,
) -> Pagination:
    """Paginate ``ids`` (already in display order), loading each page through ``select``."""
    return IdPagination(
        page=page,
        per_page=per_page,
        max_per_page=max_per_page,
        error_out=False,
        select=select,
        id_column=id_column,
        ids=ids,
    )
