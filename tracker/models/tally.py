"""Each body's part in each meeting, reduced to the figures the rankings add up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, SmallInteger, String, text
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


# The meetings whose statutory members' absences the rankings flag (PP 12/2022).
FORUM_KIND = "rakor_forkopimda"
# Each body's absences and representations as a statutory member of its province's
# Forkopimda: the products ``seat * absent`` and ``seat * represented`` summed.
FORUM_FLAGS = ("forum_absent", "forum_represented")


class BodyTally(Model):
    """One body in one meeting: whether it attended, in which roles, how it was recorded.

    Derived data, rebuilt at commit for every meeting a transaction touches
    (``tracker/rankings/tally.py``), so a ranking sums one narrow row per body and
    meeting instead of grouping participations and matching role codes. ``counted``
    copies the meeting's public, not-cancelled state, ``forum`` whether it is a
    Forkopimda and ``seat`` whether the body sat there as a statutory member of the
    meeting's province that day (``tracker/rankings/seats.py``). The province and
    local month let province rankings and agency pages read index ranges. Flags are
    small integers, which both databases can sum.
    """

    __table_args__ = (
        # Covering: a ranking reads its sums (forum flags too) from the index alone,
        # already in body order.
        Index("ix_body_tally_counted_agency", "counted", "agency_id", *TALLY_FLAGS, "seat"),
        # The same per province: a province's ranking is one index range.
        Index(
            "ix_body_tally_counted_province",
            "counted",
            "province_id",
            "agency_id",
            *TALLY_FLAGS,
            "seat",
        ),
        # An agency page's months and cancelled meetings, from the index alone.
        Index("ix_body_tally_agency_month", "agency_id", "month", "counted", "called_off"),
        # The bodies of cancelled public meetings (the meeting list's agency menu).
        Index(
            "ix_body_tally_called_off",
            "agency_id",
            sqlite_where=text("called_off = 1"),
            postgresql_where=text("called_off = 1"),
        ),
        # SQLite keeps the rows in key order (meeting, body): a meeting's rows, which
        # partner counts and rebuilds read, come from the key alone.
        {"sqlite_with_rowid": False},
    )

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    counted: Mapped[bool]
    # The meeting's province (its region's parent, or its region when that is one).
    province_id: Mapped[int] = mapped_column(server_default="0")
    # 'YYYY-MM' of the meeting's start in its own zone.
    month: Mapped[str] = mapped_column(String(7), server_default="")
    # 1 for a public meeting that was cancelled (``counted`` is then false).
    called_off: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # 1 in a Forkopimda meeting (FORUM_KIND).
    forum: Mapped[int] = mapped_column(SmallInteger)
    # 1 for a statutory member of the meeting's province's Forkopimda (only when forum).
    seat: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    attended: Mapped[int] = mapped_column(SmallInteger)
    chair: Mapped[int] = mapped_column(SmallInteger)
    host: Mapped[int] = mapped_column(SmallInteger)
    speaker: Mapped[int] = mapped_column(SmallInteger)
    attendee: Mapped[int] = mapped_column(SmallInteger)
    present: Mapped[int] = mapped_column(SmallInteger)
    represented: Mapped[int] = mapped_column(SmallInteger)
    unknown: Mapped[int] = mapped_column(SmallInteger)
    absent: Mapped[int] = mapped_column(SmallInteger)


class BodyTotal(Model):
    """One body's sums over every counted meeting: the national ranking without a filter.

    Re-summed at commit from the tally rows of every body a transaction names
    (``tracker/rankings/tally.py``), so the unfiltered ranking reads one row per body
    however large the record grows.
    ``meetings`` counts the body's counted meetings, absences included; a body at zero has
    no row in the ranking.
    """

    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    meetings: Mapped[int]
    attended: Mapped[int]
    chair: Mapped[int]
    host: Mapped[int]
    speaker: Mapped[int]
    attendee: Mapped[int]
    present: Mapped[int]
    represented: Mapped[int]
    unknown: Mapped[int]
    absent: Mapped[int]
    forum_absent: Mapped[int] = mapped_column(default=0, server_default="0")
    forum_represented: Mapped[int] = mapped_column(default=0, server_default="0")


class BodyPairTotal(Model):
    """How many counted meetings two bodies both attended: the national ranking's partners.

    Kept in step at commit by adding what a re-tallied meeting's pairs changed
    (``tracker/rankings/pairs.py``); one row per ordered pair, so each body's partners
    are an index range. A pair that no longer meets has no row.
    """

    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    meetings: Mapped[int]
