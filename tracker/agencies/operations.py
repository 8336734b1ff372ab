"""Write operations for the agency registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from tracker import changes, reference
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import (
    AGENCY_KINDS,
    Agency,
    AgencyAlias,
    AgencySlugRedirect,
    ChangeLog,
    Meeting,
    Participation,
    Region,
    User,
    utcnow,
)
from tracker.models.agency import normalize_name
from tracker.validation import ValidationError, check

AGENCY_FIELDS = (
    "short_name",
    "full_name",
    "kind",
    "head_title",
    "region_id",
    "parent_id",
    "valid_from",
    "valid_until",
)


def restamp_meetings_naming(agency_id: int) -> None:
    """Move the edit stamp of every meeting that names the agency.

    Their VEVENTs quote its short name, so a rename changes what subscribers see: the
    events' LAST-MODIFIED and DTSTAMP (taken from ``updated_at``) move with it. SEQUENCE
    stays (no time, place or title changed), and so does the edit ``version``, so an
    editor's open form is not turned into a conflict. The UPDATE itself moves the feed
    generation; the agency's own UPDATE makes every stored VEVENT stale.
    """
    naming = select(Participation.meeting_id).where(Participation.agency_id == agency_id)
    _restamp(naming)


def _restamp(meeting_ids: Any) -> None:
    db.session.execute(
        update(Meeting).where(Meeting.id.in_(meeting_ids)).values(updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    agency = db.session.execute(db.select(Agency).filter_by(slug=slug)).scalar_one_or_none()
    if agency is not None and agency.id != exclude_id:
        return True
    return db.session.get(AgencySlugRedirect, slug) is not None


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    for key in ("short_name", "full_name"):
        values[key] = " ".join((values.get(key) or "").split())
        if not values[key]:
            errors[key] = _("Wajib diisi.")
    if values.get("kind") not in AGENCY_KINDS:
        errors["kind"] = _("Jenis instansi tidak dikenal.")
    if values.get("region_id") and db.session.get(Region, values["region_id"]) is None:
        errors["region_id"] = _("Wilayah tidak ditemukan.")
    if values.get("valid_from") and values.get("valid_until"):
        if values["valid_until"] < values["valid_from"]:
            errors["valid_until"] = _("Akhir masa berlaku tidak boleh sebelum awalnya.")
    check(errors)


def create_agency(
    data: Mapping[str, Any], aliases: Iterable[str] = (), user: User | None = None
) -> Agency:
    """Add an agency to the registry with a unique slug."""
    values = {f: data.get(f) for f in AGENCY_FIELDS}
    _validate(values)
    slug = data.get("slug") or reference.slugify(values["short_name"])
    if not slug:
        raise ValidationError({"short_name": _("Nama singkat tidak bisa dijadikan alamat.")})
    if _slug_taken(slug):
        raise ValidationError({"short_name": _("Instansi dengan nama ini sudah ada.")})
    agency = Agency(slug=slug, **values)
    db.session.add(agency)
    db.session.flush()
    for alias in aliases:
        add_alias(agency, alias, user=None)
    changes.record(
        "agency",
        agency.id,
        "create",
        changes.diff({}, changes.snapshot(agency, AGENCY_FIELDS) | {"aliases": alias_list(agency)}),
        user,
    )
    return agency


def alias_list(agency: Agency) -> list[str]:
    """The agency's aliases as a sorted list."""
    return sorted(a.alias for a in agency.aliases)


def update_agency(
    agency: Agency, data: Mapping[str, Any], user: User | None = None
) -> dict[str, list[Any]]:
    """Change an agency's fields (the slug stays, so links keep working)."""
    values = {f: getattr(agency, f) for f in AGENCY_FIELDS}
    values.update({k: v for k, v in data.items() if k in AGENCY_FIELDS})
    _validate(values)
    before = changes.snapshot(agency, AGENCY_FIELDS)
    for field in AGENCY_FIELDS:
        setattr(agency, field, values[field])
    delta = changes.diff(before, changes.snapshot(agency, AGENCY_FIELDS))
    if delta:
        changes.record("agency", agency.id, "update", delta, user)
        db.session.flush()
        if "short_name" in delta:
            restamp_meetings_naming(agency.id)
    return delta


def add_alias(agency: Agency, alias: str, user: User | None = None) -> AgencyAlias | None:
    """Add an alias unless the agency already has it; returns the new alias."""
    alias = " ".join(alias.split())
    normalized = normalize_name(alias)
    if not normalized:
        raise ValidationError({"alias": _("Alias kosong.")})
    if normalized == normalize_name(agency.short_name) or any(
        a.normalized == normalized for a in agency.aliases
    ):
        return None
    entry = AgencyAlias(alias=alias, normalized=normalized)
    agency.aliases.append(entry)
    if user is not None:
        changes.record("agency", agency.id, "alias_add", {"aliases": [None, alias]}, user)
    db.session.flush()
    return entry


def set_aliases(agency: Agency, aliases: Iterable[str], user: User | None = None) -> None:
    """Replace the agency's aliases with the given list."""
    before = alias_list(agency)
    wanted = {normalize_name(a): " ".join(a.split()) for a in aliases if normalize_name(a)}
    for entry in list(agency.aliases):
        if entry.normalized not in wanted:
            agency.aliases.remove(entry)
    db.session.flush()
    for alias in wanted.values():
        add_alias(agency, alias)
    after = alias_list(agency)
    if before != after:
        changes.record("agency", agency.id, "update", {"aliases": [before, after]}, user)
    db.session.flush()


def merge_agencies(survivor: Agency, duplicate: Agency, user: User | None = None) -> None:
    """Fold a duplicate into the survivor.

    Every participation and alias moves, the duplicate's names become aliases,
    its slug redirects to the survivor, and the change log records it all.
    """
    if survivor.id == duplicate.id:
        raise ValidationError({"duplicate": _("Instansi tidak bisa digabung dengan dirinya.")})
    moved = db.session.execute(
        update(Participation)
        .where(Participation.agency_id == duplicate.id)
        .values(agency_id=survivor.id)
        .returning(Participation.id, Participation.meeting_id)
    ).all()
    names = [duplicate.short_name, duplicate.full_name, *alias_list(duplicate)]
    old_slug = duplicate.slug
    db.session.execute(
        update(Agency).where(Agency.parent_id == duplicate.id).values(parent_id=survivor.id)
    )
    db.session.execute(
        update(AgencySlugRedirect)
        .where(AgencySlugRedirect.agency_id == duplicate.id)
        .values(agency_id=survivor.id)
    )
    duplicate_id = duplicate.id
    db.session.delete(duplicate)
    db.session.flush()
    db.session.add(AgencySlugRedirect(slug=old_slug, agency_id=survivor.id))
    for name in names:
        add_alias(survivor, name)
    changes.record(
        "agency",
        survivor.id,
        "merge",
        {
            "merged_agency": [old_slug, None],
            "merged_agency_id": [duplicate_id, None],
            "participations": [None, sorted(pid for pid, _mid in moved)],
            "aliases": [None, alias_list(survivor)],
        },
        user,
    )
    for pid, meeting_id in moved:
        changes.record(
            "participation",
            pid,
            "merge",
            {"agency_id": [duplicate_id, survivor.id]},
            user,
            meeting_id,
        )
    db.session.flush()
    if moved:  # their events now name the survivor
        _restamp(sorted({meeting_id for _pid, meeting_id in moved}))


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
