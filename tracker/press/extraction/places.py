"""Gazetteer: provinces, cities and regencies with their zones, found in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker import reference

from . import data
from .normalise import key

# Extra spellings of province names seen in press copy.
_PROVINCE_EXTRA = {
    "34": ("DI Yogyakarta", "D.I. Yogyakarta", "Jogja"),
    "31": ("DKI", "Jakarta Raya"),
    "19": ("Bangka Belitung",),
    "21": ("Kepri",),
    "52": ("Nusa Tenggara Barat",),
    "96": ("Papua Barat Daya",),
}


@dataclass(frozen=True)
class Place:
    """A province, city, regency or town."""

    name: str
    kind: str  # province, city, regency, town
    province_code: str
    province_name: str
    province_short: str
    timezone: str
    shared: bool = False  # a regency and a city share this name

    @property
    def is_province(self) -> bool:
        return self.kind == "province"


class Gazetteer:
    """Name -> place lookup, with one precompiled pattern for scanning text."""

    def __init__(self) -> None:
        provs = {p.code: p for p in reference.provinces()}
        self._surface: set[str] = set()
        self.provinces: dict[str, Place] = {}
        self._by_key: dict[str, list[Place]] = {}
        for p in provs.values():
            place = Place(p.name, "province", p.code, p.name, p.short, p.timezone)
            self.provinces[p.code] = place
            for alias in {p.name, p.short, *_PROVINCE_EXTRA.get(p.code, ())}:
                self._add(alias, place)
        lower = reference.lower_regions()
        shared = {r.name for r in lower if r.kind == "city"}
        shared &= {r.name for r in lower if r.kind == "regency"}
        # A bare shared name ("Bogor") is the city, as when only cities were listed.
        for r in sorted(lower, key=lambda r: r.kind != "city"):
            prov = provs.get(r.parent_code or "")
            if prov is None:
                continue
            place = Place(
                r.name,
                r.kind,
                prov.code,
                prov.name,
                prov.short,
                r.timezone or prov.timezone,
                shared=r.name in shared,
            )
            self._add(r.name, place)
            self._add(r.short, place)
        for r in data.rows("cities.csv"):
            prov = provs.get(r["province_code"])
            if prov is None:
                continue
            place = Place(
                r["name"],
                r["kind"],
                prov.code,
                prov.name,
                prov.short,
                prov.timezone,
                shared=r["shared"] == "1",
            )
            for alias in (r["name"], *data.split(r["aliases"])):
                self._add(alias, place)
        names = sorted(self._surface, key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b(?!-)")

    def _add(self, name: str, place: Place) -> None:
        self._surface.add(name)
        bucket = self._by_key.setdefault(key(name), [])
        if place not in bucket:
            bucket.append(place)

    def lookup(self, name: str, prefer: str | None = None) -> Place | None:
        """The place called ``name``; ``prefer`` picks province or lower level on a tie."""
        found = self._by_key.get(key(name))
        if not found:
            return None
        if prefer == "province":
            for p in found:
                if p.is_province:
                    return p
        if prefer == "local":
            for p in found:
                if not p.is_province:
                    return p
        return found[0]

    def all_named(self, name: str) -> list[Place]:
        return list(self._by_key.get(key(name), ()))

    def province_of(self, place: Place) -> Place:
        return self.provinces[place.province_code]


@cache
def gazetteer() -> Gazetteer:
    """The shared default gazetteer (built once)."""
    return Gazetteer()
