"""Corrections readers report on a public meeting page, and what staff made of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.change import ChangeLog
from tracker.models.meeting import Meeting
from tracker.models.types import UTCDateTime, utcnow
from tracker.models.user import User

# What a reader says is wrong: the meeting's title, date/time, place, a participant, a
# role, the evidence, or something else.
CORRECTION_FIELDS = ("title", "when", "place", "participant", "role", "evidence", "other")
CORRECTION_STATUSES = ("pending", "accepted", "declined")
DESCRIPTION_MAX = 2_000
NOTE_MAX = 1_000


class Correction(Model):
    """One reader's report of an error on a meeting page; staff accept or decline it.

    ``contact`` is for staff to ask back and is never shown publicly, exported or served
    by the API; ``staff_reason`` is the public note of an accepted correction (what was
    changed) or the reason a declined one was refused.
    """

    __table_args__ = (
        # The staff queue: pending first, newest first within a status.
        Index("ix_correction_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, info={"max_length": DESCRIPTION_MAX})
    source_url: Mapped[str | None] = mapped_column(String(2000))
    contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    staff_reason: Mapped[str | None] = mapped_column(Text, info={"max_length": NOTE_MAX})
    # The meeting edit the correction was accepted with (none when nothing needed changing).
    change_id: Mapped[int | None] = mapped_column(ForeignKey("change_log.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship()
    change: Mapped[ChangeLog | None] = relationship()
    resolved_by: Mapped[User | None] = relationship()
