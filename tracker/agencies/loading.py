"""Load the shipped agency registry (``init``) around what staff have done to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import changes, reference
from tracker.agencies.records import AGENCY_FIELDS, restamp_meetings_naming
from tracker.extensions import db
from tracker.models import (
    Agency,
    AgencyAlias,
    AgencySlugRedirect,
    ChangeLog,
    Participation,
    Region,
)
from tracker.models.agency import normalize_name


@dataclass
class StaffEdits:
    """What people (not ``init``) set on each agency, read from the change log."""

    fields: dict[int, set[str]]
    dropped_aliases: dict[int, set[str]]


def staff_edits() -> StaffEdits:
    """The fields each agency's creator or editors set, and the aliases they removed.

    A create by a person makes every field theirs; an update, the fields it changed.
    ``init`` records its own updates as "reference", so they never count here.
    """
    edits = StaffEdits({}, {})
    rows = db.session.execute(
        select(ChangeLog.entity_id, ChangeLog.action, ChangeLog.changes).where(
            ChangeLog.entity == "agency", ChangeLog.action.in_(("create", "update"))
        )
    )
    for agency_id, action, delta in rows:
        owned = edits.fields.setdefault(agency_id, set())
        owned |= set(AGENCY_FIELDS) if action == "create" else set(delta)
        before, after = delta.get("aliases") or (None, None)
        gone = {normalize_name(a) for a in before or ()} - {normalize_name(a) for a in after or ()}
        edits.dropped_aliases.setdefault(agency_id, set()).update(gone)
    return edits


@dataclass
class _Registry:
    """The agencies ``init`` works against: by slug, merged slugs, names for adoption."""

    by_slug: dict[str, Agency]
    redirects: dict[str, int]
    by_id: dict[int, Agency]
    # (region id, normalised short or full name) -> the agencies there before this run.
    by_name: dict[tuple[int | None, str], list[Agency]]

    @classmethod
    def load(cls, generated: set[str]) -> _Registry:
        """Read every agency and slug redirect once; ``generated`` slugs are not adoptable."""
        agencies = list(
            db.session.execute(db.select(Agency).options(selectinload(Agency.aliases))).scalars()
        )
        redirects = {
            slug: agency_id
            for slug, agency_id in db.session.execute(
                db.select(AgencySlugRedirect.slug, AgencySlugRedirect.agency_id)
            )
        }
        by_name: dict[tuple[int | None, str], list[Agency]] = {}
        for a in agencies:
            if a.slug in generated:
                continue  # another reference row's body, never a duplicate to adopt
            for name in {normalize_name(a.short_name), normalize_name(a.full_name)}:
                by_name.setdefault((a.region_id, name), []).append(a)
        return cls({a.slug: a for a in agencies}, redirects, {a.id: a for a in agencies}, by_name)

    def find(self, slug: str | None) -> Agency | None:
        """The agency a slug names now, following a merge's redirect."""
        if not slug:
            return None
        agency = self.by_slug.get(slug)
        if agency is None and slug in self.redirects:
            agency = self.by_id.get(self.redirects[slug])
        return agency

    def same_body(self, row: reference.AgencyRow, region_id: int | None) -> Agency | None:
        """The one agency of the row's region that staff gave one of the row's names."""
        names = {normalize_name(n) for n in (row.short_name, row.full_name, *row.aliases)}
        found = {a.id: a for n in names for a in self.by_name.get((region_id, n), ())}
        return next(iter(found.values())) if len(found) == 1 else None


def _generated_values(
    row: reference.AgencyRow, regions: Mapping[str, Region], parent: Agency | None
) -> dict[str, Any]:
    region = regions.get(row.region_code) if row.region_code else None
    return {
        "short_name": row.short_name,
        "full_name": row.full_name,
        "kind": row.kind,
        "head_title": row.head_title,
        "region_id": region.id if region else None,
        "parent_id": parent.id if parent else None,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
    }


def _add_reference_aliases(agency: Agency, row: reference.AgencyRow, dropped: set[str]) -> None:
    """Add the row's names the agency lacks, except those staff removed.

    The generated short name is among them, so a body staff renamed is still found
    under the name releases use.
    """
    have = {a.normalized for a in agency.aliases}
    for alias in (row.short_name, *row.aliases):
        norm = normalize_name(alias)
        # Spelling variants of the name itself stay ("Kodam VI Mulawarman" for "VI/").
        if alias.lower() != agency.short_name.lower() and norm not in have | dropped:
            agency.aliases.append(AgencyAlias(alias=alias, normalized=norm))
            have.add(norm)


def refresh_fields(agency: Agency, values: dict[str, Any], staff_fields: set[str]) -> None:
    """Set the generated fields nobody edited; record what changed as "reference"."""
    before = changes.snapshot(agency, AGENCY_FIELDS)
    for name, value in values.items():
        if name not in staff_fields:
            setattr(agency, name, value)
    delta = changes.diff(before, changes.snapshot(agency, AGENCY_FIELDS))
    if delta:
        changes.record("agency", agency.id, "reference", delta)
        if "short_name" in delta and agency.id is not None:
            db.session.flush()
            restamp_meetings_naming(agency.id)


def _is_used_or_edited(agency: Agency, row: reference.AgencyRow) -> bool:
    """Whether anyone relied on or changed a generated body.

    A participation, a child body, a slug redirect, a change-log entry that is not
    ``init``'s own, or an alias the generator never made all count.
    """
    tables = (
        (Participation.agency_id, Participation.id),
        (Agency.parent_id, Agency.id),
        (AgencySlugRedirect.agency_id, AgencySlugRedirect.slug),
    )
    for column, key in tables:
        if db.session.execute(select(key).where(column == agency.id).limit(1)).first():
            return True
    logged = select(ChangeLog.id).where(
        ChangeLog.entity == "agency",
        ChangeLog.entity_id == agency.id,
        ChangeLog.action != "reference",
    )
    if db.session.execute(logged.limit(1)).first():
        return True
    generated = {normalize_name(n) for n in (row.short_name, row.full_name, *row.aliases)}
    return any(a.normalized not in generated for a in agency.aliases)


def _retire_withheld(known: _Registry) -> None:
    """Delete the bodies old releases made for a 2022 province, unless someone used them.

    A used or edited one stays, undated, for staff to date (see ``undated_recent_bodies``):
    no date is guessed for it.
    """
    for row in reference.withheld_agencies():
        agency = known.by_slug.get(row.slug)
        if agency is None or _is_used_or_edited(agency, row):
            continue
        changes.record(
            "agency",
            agency.id,
            "reference",
            changes.removed(changes.snapshot(agency, ("slug", *AGENCY_FIELDS))),
        )
        db.session.delete(agency)
        del known.by_slug[row.slug], known.by_id[agency.id]


def undated_recent_bodies() -> list[str]:
    """Slugs of the bodies old releases made for a 2022 province that staff must date."""
    slugs = [row.slug for row in reference.withheld_agencies()]
    return list(
        db.session.execute(
            select(Agency.slug)
            .where(Agency.slug.in_(slugs), Agency.valid_from.is_(None))
            .order_by(Agency.slug)
        ).scalars()
    )


def load_reference_agencies() -> int:
    """Upsert the national and provincial bodies and the Kodam table; returns new count.

    Idempotent on a live database: a merged-away slug stays merged, a body staff
    created under another slug is adopted (its generated slug redirects to it), and
    a field staff edited (the change log says so) keeps the staff's value. A body an
    old release made for a 2022 province goes unless someone used or edited it.
    """
    regions = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    rows = reference.agencies()
    known = _Registry.load({row.slug for row in rows})
    _retire_withheld(known)
    edits = staff_edits()
    created = 0
    for row in rows:
        if row.slug in known.redirects:
            continue  # merged away or adopted; the agency it leads to is staff's
        parent = known.find(row.parent_slug)
        agency = known.by_slug.get(row.slug)
        if agency is not None and parent is not None and parent.id is None:
            db.session.flush()  # an old body under a parent new in this run needs its id
        values = _generated_values(row, regions, parent)
        if agency is None:
            agency = known.same_body(row, values["region_id"])
            if agency is not None:
                db.session.add(AgencySlugRedirect(slug=row.slug, agency_id=agency.id))
                known.redirects[row.slug] = agency.id
                _add_reference_aliases(agency, row, edits.dropped_aliases.get(agency.id, set()))
                continue
            # One flush at the end: the relationship sets parent_id from a parent new too.
            agency = Agency(slug=row.slug, **values, parent=parent)
            db.session.add(agency)
            known.by_slug[row.slug] = agency
            created += 1
        else:
            refresh_fields(agency, values, edits.fields.get(agency.id, set()))
        _add_reference_aliases(agency, row, edits.dropped_aliases.get(agency.id, set()))
    db.session.flush()
    return created
