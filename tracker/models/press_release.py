"""Press releases, the meetings they report, and the sentences that prove it."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.models.meeting import Meeting, Participation

COVERAGE_RELATIONS = ("reports", "announces", "mentions")


def content_hash(body: str) -> str:
    """Hash the body with spacing folded, so re-pasted copies compare equal."""
    folded = " ".join(body.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


class PressRelease(Model):
    """A press release or news article about one or more meetings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet: Mapped[str] = mapped_column(String(160))
    url: Mapped[str | None] = mapped_column(String(1000), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    section: Mapped[str | None] = mapped_column(String(120))
    byline: Mapped[str | None] = mapped_column(String(200))
    # The publication day as printed, in the outlet's zone; always set when anything is known.
    published_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The instant, only when the page or staff give an hour (never an invented midnight).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The IANA zone the hour was given in (Asia/Jayapura for WIT), for display.
    published_zone: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    retrieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why an import left this release for a person ({"detail", "warnings"}); None once
    # it reports a meeting, or when nobody needs to look.
    pending_review: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Staff mark an official government release to show its text in full on the public
    # page; any other release (a news outlet's article) shows only its evidence in context.
    shown_in_full: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="press_release", cascade="all, delete-orphan"
    )
    # Loaded with the release (its bytes deferred), so pages listing releases can show
    # "Arsip halaman" without a query per release.
    snapshot: Mapped[ReleaseSnapshot | None] = relationship(
        back_populates="press_release", cascade="all, delete-orphan", uselist=False, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<PressRelease {self.id} {self.title!r}>"


# Newest first, as the public lists order releases: a page walks it and stops once full
# (250 ms a page at 133,000 releases on SQLite without it, sorting them all). SQLite
# accepts no NULLS LAST in an index, and its DESC already puts NULLs last.
NEWEST_FIRST_INDEX = "ix_press_release_newest"
for _dialect in ("postgresql", "sqlite"):
    _dated: list[ColumnElement[Any]] = [
        PressRelease.published_date.desc(),
        PressRelease.published_at.desc(),
    ]
    if _dialect == "postgresql":
        _dated = [column.nulls_last() for column in _dated]
    Index(NEWEST_FIRST_INDEX, *_dated, PressRelease.id.desc()).ddl_if(dialect=_dialect)


class ReleaseSnapshot(Model):
    """The page as fetched when a release was taken in by URL: its archived copy.

    Kept apart from the release so listing releases never loads a page of HTML. A
    snapshot is stored when fetched and joins its release when staff save the review.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    press_release_id: Mapped[int | None] = mapped_column(
        ForeignKey("press_release.id", ondelete="CASCADE"), unique=True
    )
    requested_url: Mapped[str] = mapped_column(String(1000))
    final_url: Mapped[str] = mapped_column(String(1000))
    content_type: Mapped[str] = mapped_column(String(120))
    # The bytes as served; deferred so checking that a snapshot exists stays cheap.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of content
    retrieved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    press_release: Mapped[PressRelease | None] = relationship(back_populates="snapshot")

    def __repr__(self) -> str:
        return f"<ReleaseSnapshot {self.id} {self.final_url!r}>"


class Coverage(Model):
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


class Evidence(Model):
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
