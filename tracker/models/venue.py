"""Venues where meetings are held."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.region import Region


class Venue(Model):
    """A place: a hotel, an office hall, a command headquarters."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    city: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<Venue {self.name}>"
