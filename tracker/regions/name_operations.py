"""Load the other names of regions into the database, and index them for lookups."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import Region, RegionName
from tracker.regions.names import NameRow, RegionIndex, region_name_rows


def load_region_names(rows: tuple[NameRow, ...] | None = None) -> int:
    """Insert or update the curated names of the regions loaded; returns how many were new.

    A row whose region is not in the database yet is skipped, so the load works
    before and after the regions it names arrive, and again after each.
    """
    regions = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    existing = {
        (n.region_id, n.name, n.kind): n
        for n in db.session.execute(db.select(RegionName)).scalars()
    }
    created = 0
    for row in region_name_rows() if rows is None else rows:
        region = regions.get(row.code)
        if region is None:
            continue
        name = existing.get((region.id, row.name, row.kind))
        if name is None:
            name = RegionName(region=region, name=row.name, kind=row.kind)
            db.session.add(name)
            existing[(region.id, row.name, row.kind)] = name
            created += 1
        name.valid_from = row.valid_from
        name.valid_until = row.valid_until
        name.former_code = row.former_code
    db.session.flush()
    return created


def database_index() -> RegionIndex:
    """Index the regions and names in the database (staff-loaded regions included)."""
    regions = list(db.session.execute(db.select(Region)).scalars())
    query = db.select(
        Region.code,
        RegionName.name,
        RegionName.kind,
        RegionName.valid_from,
        RegionName.valid_until,
        RegionName.former_code,
    ).join(RegionName.region)
    names = [NameRow(*row) for row in db.session.execute(query)]
    return RegionIndex.build(regions, names)
