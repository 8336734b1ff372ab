"""Where the meeting's forum belongs: a province, or a regency or city in a province."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .mentions import Mention
from .places import Gazetteer, Place

FORUM_NAMED = re.compile(
    r"\bFor\w{0,4}pi?m?\w{0,2}da\s+(?:(?P<lvl>Provinsi|Kota|Kabupaten|Kab\.)\s+)?", re.I
)


@dataclass
class Jurisdiction:
    """A province, or a regency/city in a province."""

    level: str  # province | local
    place: Place | None = None
    generic: str | None = None  # local name not in the gazetteer
    province: Place | None = None


def _of_place(place: Place, gaz: Gazetteer) -> Jurisdiction:
    if place.is_province:
        return Jurisdiction("province", place, province=place)
    return Jurisdiction("local", place, province=gaz.province_of(place))


def _of_mention(m: Mention, gaz: Gazetteer) -> Jurisdiction | None:
    if m.region is not None:
        return _of_place(m.region, gaz)
    if m.generic_place:
        return Jurisdiction("local", None, generic=m.generic_place)
    return None


def find(
    sentences: list[str],
    mentions: list[Mention],
    chair: Mention | None,
    gaz: Gazetteer,
    venue_city: Place | None,
    venue_province: Place | None,
) -> Jurisdiction:
    """The chair's region, else the forum's named region, else the commonest, else the venue's."""
    if chair is not None and (j := _of_mention(chair, gaz)):
        return j
    j = _named_forum(sentences, gaz) or _commonest(mentions, gaz, venue_province)
    return j or _from_venue(gaz, venue_city, venue_province)


def _named_forum(sentences: list[str], gaz: Gazetteer) -> Jurisdiction | None:
    """ "Forkopimda Kabupaten Agam": the forum's own region."""
    for s in sentences:
        for fm in FORUM_NAMED.finditer(s):
            gm = gaz.pattern.match(s, fm.end())
            if gm is None:
                continue
            lvl = (fm.group("lvl") or "").lower()
            place = gaz.lookup(gm.group(0), "local" if lvl.startswith(("kota", "kab")) else None)
            if place is not None:
                return _of_place(place, gaz)
    return None


def _commonest(
    mentions: list[Mention], gaz: Gazetteer, venue_province: Place | None
) -> Jurisdiction | None:
    """The region the mentions name most; a regency's forum names its own bodies most."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], Jurisdiction] = {}
    for m in mentions:
        j = None if m.quoted else _of_mention(m, gaz)
        if j is None:
            continue
        k = (j.level, j.place.name if j.place else j.generic or "")
        counts[k] += 1
        first.setdefault(k, j)
    if not counts:
        return None
    local = [k for k in counts if k[0] == "local"]
    if local and sum(counts[k] for k in local) >= sum(counts.values()) / 2:
        best = max(local, key=lambda k: counts[k])
    else:
        best = max(counts, key=lambda k: counts[k])
    j = first[best]
    if j.province is None and venue_province is not None:
        j.province = venue_province
    return j


def _from_venue(
    gaz: Gazetteer, venue_city: Place | None, venue_province: Place | None
) -> Jurisdiction:
    if venue_city is not None and not venue_city.is_province and not gaz.is_capital(venue_city):
        # Nobody's region is written: the place the meeting was held in or datelined
        # from ("MUARA TEWEH –") is the forum's, so a bare "Kapolres" is its Polres.
        # A province's capital hosts the province's meetings too: no such guess there.
        return Jurisdiction("local", venue_city, province=gaz.province_of(venue_city))
    if venue_province is not None:
        return Jurisdiction("province", venue_province, province=venue_province)
    if venue_city is not None:
        prov = gaz.province_of(venue_city)
        return Jurisdiction("province", prov, province=prov)
    return Jurisdiction("province")
