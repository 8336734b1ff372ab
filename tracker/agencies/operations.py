"""Write operations for the agency registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import update

from tracker import changes, reference

# The loader moved to its own module; these names stay importable from here.
from tracker.agencies.loading import StaffEdits as StaffEdits
from tracker.agencies.loading import load_reference_agencies as load_reference_agencies
from tracker.agencies.loading import refresh_fields as refresh_fields
from tracker.agencies.loading import staff_edits as staff_edits
from tracker.agencies.loading import undated_recent_bodies as undated_recent_bodies
from tracker.agencies.records import AGENCY_FIELDS, restamp_meetings, restamp_meetings_naming
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import (
    AGENCY_KINDS,
    Agency,
    AgencyAlias,
    AgencySlugRedirect,
    Participation,
    Region,
    User,
)
from tracker.models.agency import normalize_name
from tracker.validation import ValidationError, check


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
    values: dict[str, Any] = {f: data.get(f) for f in AGENCY_FIELDS}
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
        restamp_meetings(sorted({meeting_id for _pid, meeting_id in moved}))
