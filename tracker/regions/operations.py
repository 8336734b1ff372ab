"""Load regions and elections into the database (idempotent upserts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy import inspect as sa_inspect

from tracker import reference
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import INDONESIAN_ZONES, Election, Region
from tracker.validation import ValidationError, text_errors

_COLUMNS = ("name", "short", "kind", "timezone", "parent_id")


def _table() -> dict[str, dict[str, Any]]:
    """Every region's columns by code, read in one query without building objects."""
    columns = [Region.id, Region.code, *(getattr(Region, c) for c in _COLUMNS)]
    return {r["code"]: dict(r) for r in db.session.execute(db.select(*columns)).mappings()}


def _problem(row: reference.RegionRow, provinces: set[str]) -> str | None:
    if not row.code or not row.name:
        return _("kode dan nama wajib diisi")
    if row.kind not in ("province", "regency", "city"):
        return _("jenis harus province, regency atau city")
    if row.timezone not in INDONESIAN_ZONES:
        return _("zona waktu bukan zona Indonesia")
    # Two levels only: a province has no parent, a regency or city lies in a province
    # (which also rules out a region being its own parent or a loop of parents).
    if row.kind == "province" and row.parent_code:
        return _("provinsi tidak punya induk")
    if row.kind != "province" and row.parent_code not in provinces:
        return _("induk %(code)s bukan provinsi yang dikenal", code=row.parent_code or "-")
    text = text_errors(sa_inspect(Region), {"code": row.code, "name": row.name, "short": row.short})
    return "; ".join(f"{key}: {reason}" for key, reason in text.items()) or None


def _values(row: reference.RegionRow, ids: dict[str, int]) -> dict[str, Any]:
    parent_id = ids.get(row.parent_code) if row.parent_code else None
    return {
        "name": row.name,
        "short": row.short,
        "kind": row.kind,
        "timezone": row.timezone,
        "parent_id": parent_id,
    }


def upsert_regions(rows: list[reference.RegionRow], update_existing: bool = True) -> int:
    """Insert regions by code, and update existing ones unless told not to; returns new count.

    Rows are checked first, so a bad row stops the load before anything is written.
    Bulk statements, not one object per row: every test loads all 552 regions.
    """
    current = _table()
    provinces = {c for c, r in current.items() if r["kind"] == "province"}
    provinces |= {r.code for r in rows if r.kind == "province"}
    for number, row in enumerate(rows, start=1):
        if problem := _problem(row, provinces):
            raise ValidationError({f"row {number} ({row.code or '?'})": problem})
    rows = list({row.code: row for row in rows}.values())  # a repeated code: the last wins
    pending = [r for r in rows if r.code not in current]
    created = len(pending)
    while pending:
        # Parents before children, so each row is written with its parent's id.
        ids = {code: r["id"] for code, r in current.items()}
        wave = [r for r in pending if not r.parent_code or r.parent_code in ids] or pending
        db.session.execute(insert(Region), [{"code": r.code, **_values(r, ids)} for r in wave])
        current = _table()
        pending = [r for r in pending if r.code not in current]
    ids = {code: r["id"] for code, r in current.items()}
    changed = []
    for row in rows if update_existing else ():
        values, have = _values(row, ids), current[row.code]
        if any(have[c] != values[c] for c in _COLUMNS):
            changed.append({"id": have["id"], **values})
    if changed:
        db.session.execute(update(Region), changed)
    _expire_loaded_regions()
    return created


def _expire_loaded_regions() -> None:
    """Bulk statements bypass the identity map: reload any Region object already held."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Region):
            db.session.expire(obj)


def load_reference_regions() -> int:
    """Add the 38 provinces and 514 regencies and cities that are missing.

    Regions already there keep what they hold: a name or short form staff set (by
    `load-regions` or an earlier release) is never changed under them by an upgrade;
    other spellings live in region_name.
    """
    rows = list(reference.provinces()) + list(reference.lower_regions())
    return upsert_regions(rows, update_existing=False)


def load_regions_csv(text: str) -> int:
    """Load regencies/cities from CSV (code,name,kind,parent_code,short,timezone)."""
    try:
        rows = reference.read_region_rows(text)
    except KeyError as exc:
        raise ValidationError({"csv": _("kolom %(name)s tidak ada", name=str(exc))}) from exc
    return upsert_regions(rows)


def load_reference_elections() -> int:
    """Load Pemilu 2024 and Pilkada 2024."""
    scopes = {row.scope_code for row in reference.elections() if row.scope_code}
    found = db.session.execute(db.select(Region).where(Region.code.in_(scopes))).scalars()
    regions = {r.code: r for r in found}
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
