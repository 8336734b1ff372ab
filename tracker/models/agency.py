"""Agencies, their aliases and the slugs they leave behind when merged."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.region import Region
from tracker.models.types import UTCDateTime, utcnow

AGENCY_KINDS = (
    "police",
    "military",
    "prosecutor",
    "court",
    "legislature",
    "regional_government",
    "election_commission",
    "election_supervisor",
    "intelligence",
    "other",
)


def normalize_name(text: str) -> str:
    """Fold case, punctuation and spacing so aliases compare loosely."""
    kept = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return " ".join(kept.split())


class Agency(Model):
    """A government body that takes part in meetings (Polda Kaltim, KPU Kaltim)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    short_name: Mapped[str] = mapped_column(String(120), index=True)
    full_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    head_title: Mapped[str | None] = mapped_column(String(80))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # Renamed bodies (Kodam XVI/Pattimura -> XV/Pattimura) are separate rows with dates.
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    # A regency or city body generated from data ("polres:14.02", see
    # tracker/agencies/catalogue.py): ``init`` refreshes it by this key, not by slug.
    reference_key: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    parent: Mapped[Agency | None] = relationship(remote_side=[id])
    aliases: Mapped[list[AgencyAlias]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyAlias.alias"
    )

    def existed_on(self, day: date) -> bool:
        """Whether the body existed on ``day`` (formed by then, not yet ended)."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

    def __repr__(self) -> str:
        return f"<Agency {self.slug}>"


class AgencyAlias(Model):
    """Another name an agency goes by in press copy."""

    __table_args__ = (UniqueConstraint("agency_id", "normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    normalized: Mapped[str] = mapped_column(String(255), index=True)

    agency: Mapped[Agency] = relationship(back_populates="aliases")


class AgencySlugRedirect(Model):
    """An old slug that now points at the agency it was merged into."""

    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))

    agency: Mapped[Agency] = relationship()
