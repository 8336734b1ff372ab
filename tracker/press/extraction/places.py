"""Gazetteer: provinces, cities and regencies with their zones, found in text."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from tracker import reference
from tracker.regions.names import parse, region_name_rows

from . import data
from .normalise import key

# Other names of regencies and cities (region_names.csv) read where a body or title
# names its region ("Kapolres Inhu", "Bupati Kukar"), never when scanning free text:
# "Benteng" (Bengkulu Tengah) or "Tuba" there are more often ordinary words.
_ABBREVIATING = ("abbreviation", "variant", "official")

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
    # The region whose bodies serve the place (Kemendagri code): its own, or for a town
    # the regency it lies in. None when unknown ("Jakarta" as a whole).
    code: str | None = None

    @property
    def is_province(self) -> bool:
        return self.kind == "province"


@dataclass
class _Context:
    """What one text says about its places: families its prefixes give, provinces it names."""

    families: dict[str, set[str]] = field(default_factory=dict)
    provinces: frozenset[str] = frozenset()
    refused: dict[str, tuple[Place, ...]] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)
    reading: bool = False  # the shared gazetteer keeps no record of what it was asked

    def note(self, name_key: str, local: list[Place]) -> None:
        """Remember whether ``name_key`` named one place or several."""
        if not self.reading:
            return
        if len(local) == 1:
            self.settled.add(name_key)
        else:
            self.refused.setdefault(name_key, tuple(local))


class Gazetteer:
    """Name -> place lookup, with one precompiled pattern for scanning text."""

    def __init__(self) -> None:
        self._context = _Context()
        provs = {p.code: p for p in reference.provinces()}
        self._capitals = {p.code: key(p.capital or "") for p in provs.values()}
        by_code: dict[str, Place] = {}
        self._surface: set[str] = set()
        self.provinces: dict[str, Place] = {}
        self._by_key: dict[str, list[Place]] = {}
        for p in provs.values():
            place = Place(p.name, "province", p.code, p.name, p.short, p.timezone, code=p.code)
            self.provinces[p.code] = place
            for alias in {p.name, p.short, *_PROVINCE_EXTRA.get(p.code, ())}:
                self._add(alias, place)
        lower = reference.lower_regions()
        shared = {r.name for r in lower if r.kind == "city"}
        shared &= {r.name for r in lower if r.kind == "regency"}
        for r in lower:
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
                code=r.code,
            )
            by_code[r.code] = place
            self._add(r.name, place)
            self._add(r.short, place)
        self._add_cities(provs, by_code)
        self._abbreviations = self._add_abbreviations(by_code)
        # Names a regency and a city (or two provinces' places) share: the only ones
        # whose prefix in a text matters.
        self._shared = {
            k for k, v in self._by_key.items() if len({(p.kind, p.province_code) for p in v}) > 1
        }
        self.pattern = _alternation(self._surface)
        self.named_pattern = _alternation(self._surface | self._abbreviations)

    def _add(self, name: str, place: Place, surface: bool = True) -> None:
        if surface:
            self._surface.add(name)
        bucket = self._by_key.setdefault(key(name), [])
        if place not in bucket:
            bucket.append(place)

    def _add_cities(self, provs: dict[str, reference.RegionRow], by_code: dict[str, Place]) -> None:
        """Towns and spellings of cities.csv; a town gets the code of the regency it lies in."""
        for r in data.rows("cities.csv"):
            prov = provs.get(r["province_code"])
            if prov is None:
                continue
            same = by_code.get(r["region_code"])
            if same is not None and same.kind == r["kind"]:
                place = same  # another spelling of a region: the same place
            else:
                place = Place(
                    r["name"],
                    r["kind"],
                    prov.code,
                    prov.name,
                    prov.short,
                    same.timezone if same else prov.timezone,
                    shared=r["shared"] == "1",
                    code=r["region_code"] or None,
                )
            for alias in (r["name"], *data.split(r["aliases"])):
                self._add(alias, place)

    def _add_abbreviations(self, by_code: dict[str, Place]) -> set[str]:
        """Index the current other names of regencies and cities; return them as written."""
        out: set[str] = set()
        for n in region_name_rows():
            place = by_code.get(n.code)
            if place is None or n.kind not in _ABBREVIATING or n.valid_until is not None:
                continue
            if n.name not in self._surface:
                out.add(n.name)
            self._add(n.name, place, surface=False)
        return out

    def lookup(self, name: str, prefer: str | None = None) -> Place | None:
        """The place called ``name``; ``prefer`` is province, local, regency or city.

        A regency and a city sharing the name are told apart by ``prefer``, by the
        text's own prefixes and provinces (see ``in_context``), or not at all: then
        the answer is None, never a guess.
        """
        found = self._by_key.get(key(name))
        if not found:
            return None
        provinces = [p for p in found if p.is_province]
        if provinces and prefer in (None, "province"):
            return provinces[0]
        local = self._narrow(key(name), [p for p in found if not p.is_province], prefer)
        if local:
            # Only a regency against a city, or places in two provinces, are in doubt:
            # "Jakarta Barat" is also an alias of Jakarta, the same city's province.
            sure = len({(p.kind, p.province_code) for p in local}) == 1
            self._context.note(key(name), local[:1] if sure else local)
            return local[0] if sure else None
        return provinces[0] if provinces and prefer == "local" else None

    def _narrow(self, name_key: str, local: list[Place], prefer: str | None) -> list[Place]:
        """The regencies and cities ``name_key`` may mean here, narrowed by family then province."""
        # A town shares its name with the regency it is the seat of ("Mamuju").
        local = [p for p in local if p.kind != "town"] or local[:1]
        if prefer in ("regency", "city"):
            return [p for p in local if p.kind == prefer]
        ctx = self._context
        families = ctx.families.get(name_key, set())
        if len(families) == 1:
            local = [p for p in local if p.kind in families] or local
        if len(local) > 1:
            local = [p for p in local if p.province_code in ctx.provinces] or local
        return local

    def in_context(self, text: str, dateline: Iterable[Place] = ()) -> Gazetteer:
        """This gazetteer reading one text: its prefixes and named provinces settle shared names.

        "Pemkab Banjar" makes every bare "Banjar" of the text the regency; a province
        named in it, or the province of an unambiguous dateline place, picks the
        Banjar there.
        """
        view = copy.copy(self)
        families: dict[str, set[str]] = {}
        provinces = {p.province_code for p in dateline}
        for m in self.pattern.finditer(text):
            name = m.group(0)
            provinces.update(p.province_code for p in self._by_key[key(name)] if p.is_province)
            if key(name) not in self._shared:
                continue
            family = _prefix_family(text[max(0, m.start() - 40) : m.start()], name)
            if family is not None:
                families.setdefault(key(name), set()).add(family)
        view._context = _Context(families, frozenset(provinces), reading=True)
        return view

    def unsettled(self) -> list[tuple[Place, ...]]:
        """Shared names this text used without saying which place, each with its candidates."""
        ctx = self._context
        return [c for k, c in ctx.refused.items() if k not in ctx.settled]

    def all_named(self, name: str) -> list[Place]:
        return list(self._by_key.get(key(name), ()))

    def abbreviated(self, short: str, province_code: str) -> Place | None:
        """The one local place of a province that ``short`` abbreviates ("Pbn": Pangkalan Bun).

        ``short`` must start like the name, contain every word's initial in order and be
        drawn from the name's letters in order; a second fitting place means no answer.
        """
        fits = {
            p.name: p
            for places in self._by_key.values()
            for p in places
            if p.province_code == province_code
            and not p.is_province
            and _abbreviates(short, p.name)
        }
        return next(iter(fits.values())) if len(fits) == 1 else None

    def is_capital(self, place: Place) -> bool:
        """True when ``place`` is its province's capital (where provincial meetings sit)."""
        return key(place.name) == self._capitals.get(place.province_code)

    def province_of(self, place: Place) -> Place:
        return self.provinces[place.province_code]


def _abbreviates(short: str, name: str) -> bool:
    letters, words = short.lower(), name.lower().split()
    if len(letters) < 2 or not letters[0] == words[0][0]:
        return False
    initials = iter(letters)
    if not all(w[0] in initials for w in words):
        return False
    rest = iter(name.lower().replace(" ", ""))
    return all(c in rest for c in letters)


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b(?!-)")


def _prefix_family(before: str, name: str) -> str | None:
    """Regency or city, when the words just before ``name`` say which ("Pemkab", "Wali Kota")."""
    words = before.split()
    for n in (3, 2, 1):
        family, rest = parse(" ".join([*words[-n:], name]))
        if family in ("regency", "city") and rest == parse(name)[1]:
            return family
    return None


@cache
def gazetteer() -> Gazetteer:
    """The shared default gazetteer (built once)."""
    return Gazetteer()
