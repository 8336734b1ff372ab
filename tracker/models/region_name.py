"""The other names a region goes by: abbreviations, spellings, former names."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.region import Region

# abbreviation: Inhu, Kaltim; variant: another spelling or a common form (Solo);
# official: the legal name where it differs, or one that took effect on a date;
# former: a name, or a code, the region had until ``valid_until``.
REGION_NAME_KINDS = ("abbreviation", "variant", "official", "former")


class RegionName(Model):
    """A name people write for a region, with the dates it held where known."""

    __table_args__ = (UniqueConstraint("region_id", "name", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint leads with region_id, so it also serves lookups by region.
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    # The Kemendagri code the region had while this name held (the regencies that
    # moved to the provinces formed in 2022 were renumbered).
    former_code: Mapped[str | None] = mapped_column(String(16))

    region: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"<RegionName {self.kind} {self.name}>"
