"""Each body's part in each meeting, reduced to the figures the rankings add up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model

# The 0/1 columns, in the order the rankings sum them.
TALLY_FLAGS = (
    "attended",
    "chair",
    "host",
    "speaker",
    "attendee",
    "present",
    "represented",
    "unknown",
    "absent",
)


class BodyTally(Model):
    """One body in one meeting: whether it attended, in which roles, how it was recorded.

    Derived data, rebuilt at commit for every meeting a transaction touches
    (``tracker/rankings/tally.py``), so a ranking sums one narrow row per body and
    meeting instead of grouping participations and matching role codes. ``counted``
    copies the meeting's public, not-cancelled state. Flags are small integers, which
    both databases can sum.
    """

    # Covering: a ranking reads its sums from the index alone, already in body order.
    __table_args__ = (Index("ix_body_tally_counted_agency", "counted", "agency_id", *TALLY_FLAGS),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    counted: Mapped[bool]
    attended: Mapped[int] = mapped_column(SmallInteger)
    chair: Mapped[int] = mapped_column(SmallInteger)
    host: Mapped[int] = mapped_column(SmallInteger)
    speaker: Mapped[int] = mapped_column(SmallInteger)
    attendee: Mapped[int] = mapped_column(SmallInteger)
    present: Mapped[int] = mapped_column(SmallInteger)
    represented: Mapped[int] = mapped_column(SmallInteger)
    unknown: Mapped[int] = mapped_column(SmallInteger)
    absent: Mapped[int] = mapped_column(SmallInteger)
