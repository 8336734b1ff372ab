"""Stage: where the meeting was: venue, city and province, from the text and dateline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .jurisdiction import Jurisdiction
from .notes import warning
from .places import Gazetteer, Place
from .text import Document
from .venue import Venue, dateline_places, find_venue


@dataclass
class Where:
    """The venue found, the city and province settled so far, and their evidence."""

    gaz: Gazetteer
    venue: Venue
    dateline: list[Place] = field(default_factory=list)
    city: Place | None = None
    province: Place | None = None
    city_evidence: str | None = None
    city_confidence: float = 0.0

    @property
    def forum_province(self) -> Place | None:
        """The province known before the agencies are read (venue, else dateline)."""
        return self.province or next((p for p in self.dateline if p.is_province), None)


def find(doc: Document, gaz: Gazetteer, date_sent: int | None) -> Where:
    """Venue and city: the venue phrase's city, else the dateline's."""
    first = doc.lines[0] if doc.lines else ""
    # A regency and a city sharing a name are told apart by what this text says.
    gaz = gaz.in_context(" ".join(doc.sentences), dateline_places(first, gaz) if first else [])
    venue = find_venue(doc.sentences, gaz, [date_sent] if date_sent is not None else [])
    where = Where(gaz, venue, dateline_places(first, gaz) if first else [])
    if venue.city is not None and venue.sentence is not None:
        where.city, where.city_confidence = venue.city, 0.9
        where.city_evidence = doc.sentences[venue.sentence]
    else:
        where.city = next((p for p in where.dateline if not p.is_province), None)
        if where.city is not None:
            where.city_evidence, where.city_confidence = first, 0.75
    where.province = gaz.province_of(where.city) if where.city else venue.province
    return where


def settle(where: Where, juris: Jurisdiction | None, body: str, evidence: str | None) -> None:
    """Province and city fallbacks once the forum's jurisdiction is known."""
    gaz = where.gaz
    if where.province is None and juris is not None and juris.province is not None:
        where.province = juris.province
    if where.province is None:
        named = Counter(
            p.name
            for p in (gaz.lookup(m.group(0)) for m in gaz.pattern.finditer(body))
            if p and p.is_province
        )
        if named:
            where.province = gaz.lookup(named.most_common(1)[0][0], "province")
    if where.province is None:
        # "Bogor" alone is the regency or the city, but Jawa Barat either way.
        shared = {p.province_code for places in gaz.unsettled() for p in places}
        if len(shared) == 1:
            where.province = gaz.provinces[shared.pop()]
    if (
        where.city is None
        and juris is not None
        and juris.level == "local"
        and juris.place is not None
    ):
        # A regency's forum ("Polres Agam menggelar rakor") is held in the regency.
        where.city, where.city_evidence, where.city_confidence = juris.place, evidence, 0.6


def place_warnings(where: Where) -> list[dict[str, Any]]:
    """A warning per name that is a regency and a city, left blank rather than guessed."""
    if where.city is not None:
        return []
    return [_ambiguous(places) for places in where.gaz.unsettled()]


def _ambiguous(places: tuple[Place, ...]) -> dict[str, Any]:
    provinces = {p.province_code for p in places}
    names = [
        f"{'Kota' if p.kind == 'city' else 'Kabupaten'} {p.name}"
        + (f" ({p.province_name})" if len(provinces) > 1 else "")
        for p in sorted(places, key=lambda p: (p.kind != "regency", p.province_name))
    ]
    message = (
        f"{len(names)} kemungkinan tempat: {', '.join(names)}; "
        "kota/kabupaten dikosongkan karena teks tidak menyebut yang mana."
    )
    return warning("place_ambiguous", message, field="city")
