"""The extractor's proposal for a release, read against the database.

The extractor (``tracker.press.extraction``) is pure; this module gives it the
agencies staff added and turns the names it proposes into database records:
regions, elections and agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy.orm import selectinload

from tracker.agencies import picking
from tracker.extensions import db
from tracker.models import Agency, Election, Region
from tracker.models.agency import normalize_name
from tracker.press.article import looks_like_html, plain_text
from tracker.press.extraction import Entry, Registry, default_registry, extract


def db_registry() -> Registry:
    """The reference registry plus agencies and aliases staff added."""
    base = default_registry()
    known = {normalize_name(e.short_name): e for e in base.entries}
    extra: list[Entry] = []
    agencies = db.session.execute(
        db.select(Agency).options(selectinload(Agency.aliases), selectinload(Agency.region))
    ).scalars()
    for agency in agencies:
        if agency.reference_key:
            continue  # a regency body: the extractor has it from the catalogue, with its region
        aliases = tuple(a.alias for a in agency.aliases)
        entry = known.get(normalize_name(agency.short_name))
        if entry is not None and set(aliases) <= set(entry.aliases):
            continue
        region = agency.region.province if agency.region else None
        extra.append(
            Entry(
                short_name=agency.short_name,
                kind=agency.kind,
                head_title=agency.head_title,
                region_short=region.short if region else None,
                region_name=region.name if region else None,
                aliases=aliases,
                valid_from=agency.valid_from,
                valid_until=agency.valid_until,
            )
        )
    if not extra:
        return base
    return Registry(
        [
            e
            for e in base.entries
            if normalize_name(e.short_name) not in {normalize_name(x.short_name) for x in extra}
        ]
        + extra
    )


def plain_body(text: str) -> str:
    """The text to store for a release: pasted HTML becomes its readable text.

    Evidence sentences are quoted from this text, so they must match it verbatim.
    """
    if looks_like_html(text):
        return plain_text(text)
    return text


def propose(text: str, published: date | None = None) -> dict[str, Any]:
    """Run the extractor against the live registry."""
    return extract(text, published=published, registry=db_registry())


def proposed_date(proposal: dict[str, Any]) -> date | None:
    """The best-supported meeting date: the suggestion when the text contradicts itself."""
    value = proposal.get("suggested_date") or proposal.get("start_date")
    return date.fromisoformat(value) if value else None


def find_region(
    name: str | None, kind: str | None = None, within: Region | None = None
) -> Region | None:
    """The one region with this name or short name (case-insensitive), else None.

    A name that several regions share (Kabupaten and Kota Banjar lie in different
    provinces) gives None unless ``within`` (a province) leaves exactly one: a blank
    for a person to fill, never the first of several.
    """
    if not name:
        return None
    stmt = db.select(Region).where(
        db.or_(
            db.func.lower(Region.name) == name.lower(), db.func.lower(Region.short) == name.lower()
        )
    )
    if kind:
        stmt = stmt.where(Region.kind == kind)
    if within is not None:
        stmt = stmt.where(db.or_(Region.parent_id == within.id, Region.id == within.id))
    found = db.session.execute(stmt.order_by(Region.code).limit(2)).scalars().all()
    return found[0] if len(found) == 1 else None


def find_election(name: str | None) -> Election | None:
    """An election by its name ("Pemilu 2024")."""
    if not name:
        return None
    return db.session.execute(db.select(Election).filter_by(name=name)).scalar_one_or_none()


@dataclass
class Resolved:
    """A proposal with names turned into database records where possible."""

    day: date | None
    start: time | None
    end: time | None
    timezone: str | None
    region: Region | None
    city: Region | None
    election: Election | None
    # A registry row, a regency body not yet in the registry, or None (unknown or unsure).
    agencies: list[tuple[dict[str, Any], picking.Candidate | None]] = field(default_factory=list)


def resolve(proposal: dict[str, Any]) -> Resolved:
    """Look the proposal's names up in the database."""
    province = find_region(proposal.get("province"), "province")
    city = find_region(proposal.get("city"), within=province)
    if city is not None and city.kind == "province":
        city = None
    region = province or (city.province if city else None)
    tz = proposal.get("timezone") or (region.timezone if region else None)
    day = proposed_date(proposal)
    code = region.code if region else None
    return Resolved(
        day=day,
        start=time.fromisoformat(proposal["start_time"]) if proposal.get("start_time") else None,
        end=time.fromisoformat(proposal["end_time"]) if proposal.get("end_time") else None,
        timezone=tz,
        region=region,
        city=city,
        election=find_election(proposal.get("election")),
        agencies=[
            (item, picking.match(item.get("name") or "", day, code))
            for item in proposal.get("agencies", [])
        ],
    )
