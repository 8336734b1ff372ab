"""Keep ``body_pair_total``: how many counted meetings each two bodies both attended.

The national ranking lists the frequent partners of its top bodies. Counting them
from the tally joins every meeting of those bodies with itself (tens of thousands of
rows at national scale) on the first request after each write; the kept pairs make it
an index range per body. A re-tally adds what its meetings' pairs changed: the pairs
of the old rows are counted before they go, those of the new rows after, and only the
difference is written.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, true, tuple_
from sqlalchemy.orm import Session, aliased

from tracker.models import BodyPairTotal, BodyTally

Pair = tuple[int, int]
# Pairs per statement (two or three bound parameters each).
_BATCH = 1000


def _pairs(meeting_ids: list[int] | None) -> Any:
    """(body, partner, shared meetings) over counted meetings both attended."""
    other = aliased(BodyTally)
    stmt = (
        select(BodyTally.agency_id, other.agency_id, func.count())
        .join(other, other.meeting_id == BodyTally.meeting_id)
        .where(
            BodyTally.counted == true(),
            BodyTally.attended == 1,
            other.attended == 1,
            other.agency_id != BodyTally.agency_id,
        )
        .group_by(BodyTally.agency_id, other.agency_id)
    )
    if meeting_ids is not None:
        stmt = stmt.where(BodyTally.meeting_id.in_(meeting_ids))
    return stmt


def counts(executor: Session | Connection, meeting_ids: list[int]) -> Counter[Pair]:
    """The pairs these meetings' tally rows make now."""
    found = executor.execute(_pairs(meeting_ids))
    return Counter({(a, b): int(n) for a, b, n in found})


def by_meeting(executor: Session | Connection, meeting_ids: list[int]) -> dict[int, Counter[Pair]]:
    """The pairs each of these meetings' tally rows make now."""
    stmt = _pairs(meeting_ids).add_columns(BodyTally.meeting_id).group_by(BodyTally.meeting_id)
    out: dict[int, Counter[Pair]] = {i: Counter() for i in meeting_ids}
    for a, b, n, meeting_id in executor.execute(stmt):
        out[meeting_id][(a, b)] += int(n)
    return out


def apply(executor: Session | Connection, change: dict[Pair, int]) -> None:
    """Add a change per pair to the kept totals; pairs at zero leave."""
    changed = sorted(pair for pair, n in change.items() if n)
    table = BodyPairTotal.__table__
    key = tuple_(table.c.agency_id, table.c.partner_id)
    for start in range(0, len(changed), _BATCH):
        chunk = changed[start : start + _BATCH]
        kept = select(table.c.agency_id, table.c.partner_id, table.c.meetings).where(key.in_(chunk))
        now = {(a, b): n for a, b, n in executor.execute(kept)}
        executor.execute(delete(table).where(key.in_(chunk)))
        rows = [
            {"agency_id": a, "partner_id": b, "meetings": now.get((a, b), 0) + change[(a, b)]}
            for a, b in chunk
        ]
        rows = [row for row in rows if row["meetings"] > 0]
        if rows:
            executor.execute(insert(table), rows)


def rebuild(executor: Session | Connection) -> None:
    """Count every pair again from the tally (after a full rebuild)."""
    table = BodyPairTotal.__table__
    executor.execute(delete(table))
    columns = ["agency_id", "partner_id", "meetings"]
    executor.execute(insert(table).from_select(columns, _pairs(None)))
