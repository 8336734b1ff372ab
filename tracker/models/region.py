"""Regions (provinces, regencies, cities) and elections."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model

REGION_KINDS = ("province", "regency", "city")
ELECTION_KINDS = ("pemilu", "pilkada")
# The zones Indonesia uses (Keppres 41/1987); nothing else is accepted.
INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


class Region(Model):
    """A province, regency or city, with the IANA zone its clocks follow."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    short: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    parent: Mapped[Region | None] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    @property
    def province(self) -> Region:
        """The province this region lies in (itself for a province)."""
        return self.parent if self.parent is not None else self

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Election(Model):
    """An election with its polling day; no scope region means national."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    polling_day: Mapped[date]
    scope_region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))

    scope_region: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<Election {self.slug}>"
