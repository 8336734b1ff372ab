"""Press releases, the meetings they report, and the sentences that prove it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.models.meeting import Meeting, Participation

COVERAGE_RELATIONS = ("reports", "announces", "mentions")


def content_hash(body: str) -> str:
    """Hash the body with spacing folded, so re-pasted copies compare equal."""
    folded = " ".join(body.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


class PressRelease(db.Model):
    """A press release or news article about one or more meetings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet: Mapped[str] = mapped_column(String(160))
    url: Mapped[str | None] = mapped_column(String(1000), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    section: Mapped[str | None] = mapped_column(String(120))
    byline: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    retrieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="press_release", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<PressRelease {self.id} {self.title!r}>"


class Coverage(db.Model):
    """A press release reporting, announcing or mentioning a meeting."""

    __table_args__ = (
        # The unique constraint indexes (meeting, release); this index is the other way,
        # so "releases covering a public meeting" is answered from the index alone.
        UniqueConstraint("meeting_id", "press_release_id"),
        Index("ix_coverage_release_meeting", "press_release_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    press_release_id: Mapped[int] = mapped_column(
        ForeignKey("press_release.id", ondelete="CASCADE")
    )
    relation: Mapped[str] = mapped_column(String(16), default="reports")

    meeting: Mapped[Meeting] = relationship(back_populates="coverages")
    press_release: Mapped[PressRelease] = relationship(back_populates="coverages")


class Evidence(db.Model):
    """The sentence of a press release that supports a participation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )
    press_release_id: Mapped[int] = mapped_column(
        ForeignKey("press_release.id", ondelete="CASCADE"), index=True
    )
    sentence: Mapped[str] = mapped_column(Text)

    participation: Mapped[Participation] = relationship(back_populates="evidence")
    press_release: Mapped[PressRelease] = relationship()
