"""Load regions and elections into the database (idempotent upserts)."""

from __future__ import annotations

from tracker import reference
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import INDONESIAN_ZONES, Election, Region
from tracker.validation import ValidationError


def _regions_by_code() -> dict[str, Region]:
    return {r.code: r for r in db.session.execute(db.select(Region)).scalars()}


def upsert_regions(rows: list[reference.RegionRow]) -> int:
    """Insert or update regions by code; returns how many were new.

    Rows are checked first, so a bad row stops the load before anything is written.
    """
    existing = _regions_by_code()
    known_codes = set(existing) | {r.code for r in rows}
    for number, row in enumerate(rows, start=1):
        problem = None
        if not row.code or not row.name:
            problem = _("kode dan nama wajib diisi")
        elif row.kind not in ("province", "regency", "city"):
            problem = _("jenis harus province, regency atau city")
        elif row.timezone not in INDONESIAN_ZONES:
            problem = _("zona waktu bukan zona Indonesia")
        elif row.parent_code and row.parent_code not in known_codes:
            problem = _("induk %(code)s tidak dikenal", code=row.parent_code)
        if problem:
            raise ValidationError({f"row {number} ({row.code or '?'})": problem})
    created = 0
    for row in rows:
        region = existing.get(row.code)
        if region is None:
            region = Region(code=row.code)
            db.session.add(region)
            existing[row.code] = region
            created += 1
        region.name = row.name
        region.short = row.short
        region.kind = row.kind
        region.timezone = row.timezone
        region.parent = existing.get(row.parent_code) if row.parent_code else None
    db.session.flush()
    return created


def load_reference_regions() -> int:
    """Load the 38 provinces and the regencies and cities of Kalimantan Timur."""
    return upsert_regions(list(reference.provinces()) + list(reference.lower_regions()))


def load_regions_csv(text: str) -> int:
    """Load regencies/cities from CSV (code,name,kind,parent_code,short,timezone)."""
    try:
        rows = reference.read_region_rows(text)
    except KeyError as exc:
        raise ValidationError({"csv": _("kolom %(name)s tidak ada", name=str(exc))}) from exc
    return upsert_regions(rows)


def load_reference_elections() -> int:
    """Load Pemilu 2024 and Pilkada 2024."""
    regions = _regions_by_code()
    existing = {e.slug: e for e in db.session.execute(db.select(Election)).scalars()}
    created = 0
    for row in reference.elections():
        election = existing.get(row.slug)
        if election is None:
            election = Election(slug=row.slug)
            db.session.add(election)
            created += 1
        election.name = row.name
        election.kind = row.kind
        election.polling_day = row.polling_day
        election.scope_region = regions.get(row.scope_code) if row.scope_code else None
    db.session.flush()
    return created
