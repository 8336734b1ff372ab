"""Meetings and the participations of agencies and people in them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.agency import Agency
from tracker.models.person import Person
from tracker.models.region import Election, Region
from tracker.models.types import RoleSet, UTCDateTime, utcnow
from tracker.models.venue import Venue

if TYPE_CHECKING:
    from tracker.models.press_release import Coverage, Evidence
    from tracker.models.user import User

MEETING_KINDS = (
    "rakor",
    "rakor_forkopimda",
    "rapat_terbatas",
    "rapat_kerja",
    "apel",
    "sosialisasi",
    "other",
)
STATUSES = ("scheduled", "held", "postponed", "cancelled")
VISIBILITIES = ("public", "internal")
ROLES = ("chair", "host", "speaker", "attendee")
ATTENDANCE = ("present", "represented", "absent", "unknown")
# Caps on TEXT columns (the database has none): the staff forms, importers and the
# flush guard all read them from the column (tracker.validation.max_length).
LONG_TEXT_MAX = 100_000
REASON_MAX = 2_000


def new_uid() -> str:
    """Make a meeting UID: generated once, never changed (it keys calendar events)."""
    return f"{uuid.uuid4()}@rakor-tracker"


class Meeting(Model):
    """A coordination meeting, held (or planned) at one place and time."""

    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="end_after_start"),
        # Public lists walk this in order (newest first) and stop at the page's end,
        # instead of sorting every public meeting.
        Index("ix_meeting_visibility_starts_at", "visibility", "starts_at", "id"),
        # Counting public meetings by region (region pages) and those a ranking counts
        # (not cancelled, within a region or not) from the index alone.
        Index("ix_meeting_visibility_region_status", "visibility", "region_id", "status"),
        # A region's meetings within dates (the list, rankings): one range per region,
        # where the date index alone reads every region's meetings of those days.
        Index("ix_meeting_visibility_region_starts_at", "visibility", "region_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="rakor")
    theme: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text, info={"max_length": LONG_TEXT_MAX})
    # Stored in UTC; ``timezone`` is the IANA zone the meeting is held in.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(32))
    # The seed names a date but no hour: then starts_at is local midnight.
    time_unknown: Mapped[bool] = mapped_column(default=False)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    election_id: Mapped[int | None] = mapped_column(ForeignKey("election.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, info={"max_length": REASON_MAX})
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    # A public note on the sources, e.g. a misprinted date in the press release.
    source_note: Mapped[str | None] = mapped_column(Text, info={"max_length": LONG_TEXT_MAX})
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The meeting's VEVENT, built once per change and reused by every feed;
    # ``ical_version`` is the ``version`` it was built from (stale when they differ).
    ical_event: Mapped[str | None] = mapped_column(Text, deferred=True)
    ical_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    venue: Mapped[Venue | None] = relationship()
    region: Mapped[Region] = relationship()
    election: Mapped[Election | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    participations: Mapped[list[Participation]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="Participation.order",
    )
    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    # SQLAlchemy checks the version on every UPDATE: a stale edit raises
    # StaleDataError instead of silently overwriting someone else's save.
    __mapper_args__ = {"version_id_col": version}

    @property
    def zone(self) -> ZoneInfo:
        """The meeting's zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """The start in the meeting's own zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime | None:
        """The end in the meeting's own zone, if known."""
        return self.ends_at.astimezone(self.zone) if self.ends_at else None

    @property
    def local_date(self) -> date:
        """The calendar date in the meeting's zone."""
        return self.local_start.date()

    @property
    def chair(self) -> Participation | None:
        """The participation that chaired the meeting."""
        return next((p for p in self.participations if "chair" in p.roles), None)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


class Participation(Model):
    """One agency, person or collective group taking part in a meeting."""

    __table_args__ = (
        CheckConstraint(
            "agency_id IS NOT NULL OR person_id IS NOT NULL OR collective_label IS NOT NULL",
            name="has_participant",
        ),
        # Both directions, index-only: an agency's meetings, and a meeting's agencies
        # (co-attendance counts, counts per agency).
        Index("ix_participation_agency_meeting", "agency_id", "meeting_id"),
        Index("ix_participation_meeting_agency", "meeting_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    collective_label: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))  # as stated in the source
    roles: Mapped[frozenset[str]] = mapped_column(RoleSet, default=frozenset)
    attendance: Mapped[str] = mapped_column(String(16), default="unknown")
    represented_by: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(500))
    order: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="participations")
    agency: Mapped[Agency | None] = relationship()
    person: Mapped[Person | None] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="participation", cascade="all, delete-orphan"
    )

    @property
    def is_speaker(self) -> bool:
        """Whether the participant spoke (pemateri, narasumber, sambutan)."""
        return "speaker" in self.roles

    @property
    def label(self) -> str:
        """How the participant is named in lists: the body, else the group, else the person.

        A person added to a group row ("camat se-Kaltim") is one of that group: the
        group still names the row, and the person shows beside it.
        """
        if self.agency is not None:
            return self.agency.short_name
        if self.collective_label:
            return self.collective_label
        return self.person.name if self.person is not None else ""

    def __repr__(self) -> str:
        return f"<Participation {self.meeting_id} {self.label!r}>"
