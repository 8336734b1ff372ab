"""Regency and city bodies become registry rows when first used, and stay current.

The catalogue (``tracker.agencies.catalogue``) describes some 4,000 bodies; a row is
made only when a meeting, a review or a person picks one, so the registry lists the
bodies that work was recorded for. Like every operation, these flush and never commit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import changes
from tracker.agencies import catalogue
from tracker.agencies.loading import refresh_fields, staff_edits
from tracker.agencies.operations import _slug_taken
from tracker.agencies.records import AGENCY_FIELDS
from tracker.extensions import db
from tracker.models import Agency, AgencyAlias, Region, User
from tracker.models.agency import normalize_name


def _region(code: str) -> Region | None:
    return db.session.execute(select(Region).filter_by(code=code)).scalar_one_or_none()


def _same_body(body: catalogue.LocalBody, region: Region) -> Agency | None:
    """A row staff made for this body before the catalogue knew it (same region and name)."""
    names = {normalize_name(n) for n in body.names}
    found = [
        a
        for a in db.session.execute(
            select(Agency)
            .where(Agency.region_id == region.id, Agency.reference_key.is_(None))
            .options(selectinload(Agency.aliases))
        ).scalars()
        if {normalize_name(a.short_name), normalize_name(a.full_name)} & names
    ]
    return found[0] if len(found) == 1 else None


def _free_slug(slug: str) -> str:
    candidate, n = slug, 2
    while _slug_taken(candidate):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _add_aliases(
    agency: Agency, body: catalogue.LocalBody, dropped: frozenset[str] | set[str] = frozenset()
) -> None:
    """Add the body's names the row lacks, except those staff removed."""
    have = {a.normalized for a in agency.aliases} | {normalize_name(agency.short_name)} | dropped
    for alias in (body.row.short_name, *body.row.aliases):
        norm = normalize_name(alias)
        if norm not in have:
            agency.aliases.append(AgencyAlias(alias=alias, normalized=norm))
            have.add(norm)


def ensure_local_body(key: str, user: User | None = None) -> Agency | None:
    """The row of a catalogue body, made now if nobody used the body before.

    A body staff already typed in by hand (same region, same name) is adopted rather
    than duplicated. None when the key is unknown or its region is not loaded.
    """
    body = catalogue.by_key().get(key)
    if body is None:
        return None
    agency = db.session.execute(select(Agency).filter_by(reference_key=key)).scalar_one_or_none()
    if agency is not None:
        return agency
    region = _region(body.region_code)
    if region is None:
        return None
    agency = _same_body(body, region)
    if agency is not None:
        agency.reference_key = key
        _add_aliases(agency, body)
        db.session.flush()
        return agency
    return _create(body, region, user)


def _create(body: catalogue.LocalBody, region: Region, user: User | None) -> Agency:
    row = body.row
    agency = Agency(
        slug=_free_slug(row.slug),
        short_name=row.short_name,
        full_name=row.full_name,
        kind=row.kind,
        head_title=row.head_title,
        region_id=region.id,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        reference_key=body.key,
    )
    db.session.add(agency)
    _add_aliases(agency, body)
    db.session.flush()
    # "reference": the values are the data's, so a later ``init`` may refresh them;
    # the user is recorded as the one whose work called the body up.
    snapshot = changes.snapshot(agency, ("slug", *AGENCY_FIELDS))
    changes.record("agency", agency.id, "reference", changes.diff({}, snapshot), user)
    return agency


def refresh_local_bodies() -> int:
    """Bring the rows of used catalogue bodies up to the data; returns how many changed.

    Run by ``init`` after the national and provincial bodies. Fields and aliases staff
    set or removed stay theirs (the change log says which); no body is created here.
    """
    edits = staff_edits()
    keys = catalogue.by_key()
    rows = db.session.execute(
        select(Agency)
        .where(Agency.reference_key.is_not(None))
        .options(selectinload(Agency.aliases), selectinload(Agency.region))
    ).scalars()
    changed = 0
    for agency in rows:
        body = keys.get(agency.reference_key or "")
        if body is None or agency.region is None or agency.region.code != body.region_code:
            continue  # a key the data no longer has, or a row staff moved: theirs now
        before = (changes.snapshot(agency, AGENCY_FIELDS), len(agency.aliases))
        row = body.row
        values = {
            "short_name": row.short_name,
            "full_name": row.full_name,
            "kind": row.kind,
            "head_title": row.head_title,
            "valid_from": row.valid_from,
            "valid_until": row.valid_until,
        }
        refresh_fields(agency, values, edits.fields.get(agency.id, set()))
        _add_aliases(agency, body, edits.dropped_aliases.get(agency.id, set()))
        changed += before != (changes.snapshot(agency, AGENCY_FIELDS), len(agency.aliases))
    db.session.flush()
    return changed
