"""Stage: mentions resolved against the registry and catalogue to canonical agencies."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from tracker.agencies import catalogue

from . import data
from .jurisdiction import Jurisdiction
from .mentions import Mention
from .places import Gazetteer, Place
from .registry import Entry, Registry

# Bodies of a regency or city the catalogue names (tracker.agencies.catalogue).
LOCAL_KEYS = frozenset(
    "polres kejari pn kpu bawaslu dprd pemkab pemkot kesbangpol satpolpp".split()
)
# Bodies only a regency or city has, and those only a province has.
_ONLY_LOCAL = frozenset("polres kejari pn pemkab pemkot kodim".split())
_ONLY_PROVINCIAL = frozenset("polda kejati binda pt pta pemprov kemenkumham".split())
_COORD_GAP = re.compile(r"^\s*(?:,\s*)?(?:dan|serta|maupun|&|,)\s*(?:juga\s+)?$", re.I)
_UNREGISTERED = frozenset({"polsek", "koramil"})
Resolution = tuple[Entry | None, str | None]


@cache
def _unsafe() -> dict[str, set[str]]:
    return {r["province_code"]: set(data.split(r["keys"])) for r in data.rows("unsafe_regions.csv")}


@cache
def _korem_table() -> dict[str, dict[str, str]]:
    return {r["number"]: r for r in data.rows("korem.csv")}


def written(m: Mention) -> tuple[str, ...]:
    """The mention's own names of its body: "Polrestro Bekasi", "Kapolres Inhu", "Ketua KPU X"."""
    forms = [(m.body_text, m.region_text), (m.title, m.body_text, m.region_text)]
    return tuple(" ".join(w for w in f if w) for f in forms if f[0])


def coordinate(mentions: list[Mention], sentences: list[str]) -> None:
    """ "Ketua KPU dan Bawaslu Maluku": the region written once applies to both bodies."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        if a.sent != b.sent or a.region_text or a.generic_place or not b.region_text:
            continue
        if a.key not in ("kpu", "bawaslu", "dprd", "kesbangpol"):
            continue
        if _COORD_GAP.match(sentences[a.sent][a.end : b.start]):
            a.region, a.region_text = b.region, b.region_text
            a.region_level, a.generic_place = b.region_level, b.generic_place


class Resolver:
    """Mention -> canonical entry, given the jurisdiction and the meeting date."""

    def __init__(
        self, registry: Registry, gaz: Gazetteer, juris: Jurisdiction, on: date | None
    ) -> None:
        self.registry, self.gaz, self.juris, self.on = registry, gaz, juris, on
        self.seen: dict[str, Entry] = {}
        self.unsafe = _unsafe()
        self.korem = _korem_table()

    def resolve_all(self, mentions: list[Mention], problems: list[str]) -> dict[int, Entry]:
        """Entries by mention index; located mentions first so "Kapolda" can inherit."""
        resolved: dict[int, Entry] = {}
        order = sorted(
            range(len(mentions)),
            key=lambda i: mentions[i].region is None and mentions[i].generic_place is None,
        )
        for idx in order:
            m = mentions[idx]
            e, problem = self.resolve(m)
            if e is None:
                continue
            resolved[idx] = e
            if problem and problem not in problems:
                problems.append(problem)
            if m.region is not None or m.generic_place is not None or m.level != "inherit":
                self._remember(m, e)
        return resolved

    def _remember(self, m: Mention, e: Entry) -> None:
        base = "pemprov" if m.key == "pemda" and e.short_name.startswith("Pemprov") else m.key
        self.seen.setdefault(base, e)
        for prefix in ("Pemkot", "Pemkab"):
            if e.short_name.startswith(prefix):
                self.seen.setdefault(prefix.lower(), e)

    def resolve(self, m: Mention) -> Resolution:
        """The entry a mention names (None when it names no body we list) and any problem."""
        special = self._special(m)
        if special is not None:
            return special
        e = self._by_alias(m)
        if e is not None:
            return e, None
        if m.region is None and m.generic_place is None:
            return self._unplaced(m), None
        return self._placed(m), None

    def _special(self, m: Mention) -> Resolution | None:
        """National bodies and military commands, named by number or unit name."""
        k = m.key
        if m.national:
            name = k.split(":", 1)[1]
            found = self.registry.by_name(name, self.on) or self.registry.successor(name, self.on)
            return (found or Entry(name, "national")), None
        if k == "kodam":
            return self.registry.kodam(m.number, m.unit_name, self.on, self.juris.province)
        if k in ("korem", "kodim"):
            return self._command(m), None
        if k in ("koarmada", "lantamal"):
            base = "Koarmada" if k == "koarmada" else "Lantamal"
            return Entry(f"{base} {m.number}" if m.number else base, "military"), None
        if k in ("lanal", "lanud"):
            base = k.capitalize()
            return (Entry(f"{base} {m.unit_name}", "military") if m.unit_name else None), None
        if k in _UNREGISTERED:
            return None, None
        return None

    def _by_alias(self, m: Mention) -> Entry | None:
        """Aliases first: "DPRA", "Polda Metro Jaya", "KIP Aceh", "Kejaksaan Tinggi Kaltim"."""
        if m.body_text and m.region_text:
            return self.registry.by_name(f"{m.body_text} {m.region_text}", self.on)
        found = None
        if m.body_text and m.body_text.upper() in ("DPRA", "DPRP"):
            found = self.registry.by_name(m.body_text, self.on)
        if found is None and m.region is None and m.generic_place is None and m.key in LOCAL_KEYS:
            # A body's whole name without a region word: "Polres Metro" (Kota Metro).
            found = self.registry.named_local(m.key, written(m), self._province_code())
        return found

    def _unplaced(self, m: Mention) -> Entry | None:
        """A body or title without a region: inherited, or the jurisdiction's."""
        k, j = m.key, self.juris
        if m.level == "inherit":
            for gk in (k,) if k != "pemda" else ("pemda", "pemprov", "pemkot", "pemkab"):
                if gk in self.seen:
                    return self.seen[gk]
        if m.level == "province" or (m.level in ("any", "inherit") and j.level == "province"):
            if k in _ONLY_LOCAL:
                return None
            return self._provincial("pemprov" if k == "pemda" else k, j.province, False)
        if j.level == "local":
            if k in _ONLY_PROVINCIAL:
                return self._provincial(k, j.province, explicit=False)
            return self._local(k, j.place, j.generic, None)
        return None

    def _placed(self, m: Mention) -> Entry | None:
        """A body or title with its region written."""
        k, region = m.key, m.region
        if region is not None and region.is_province:
            if k in _ONLY_LOCAL:
                return None
            return self._provincial("pemprov" if k == "pemda" else k, region, explicit=True)
        if k in _ONLY_PROVINCIAL:
            prov = self.gaz.province_of(region) if region else self.juris.province
            return self._provincial(k, prov, explicit=region is not None)
        return self._local(k, region, m.generic_place, m.region_level, written(m))

    def _provincial(self, agency_key: str, province: Place | None, explicit: bool) -> Entry | None:
        if province is None:
            return self.registry.regionless(agency_key)
        if not explicit and agency_key in self.unsafe.get(province.province_code, set()):
            return self.registry.regionless(agency_key)
        found = self.registry.provincial(agency_key, province, self.on, written=explicit)
        return found or self.registry.regionless(agency_key)

    def _command(self, m: Mention) -> Entry | None:
        """A Korem or Kodim by its number: the catalogue's, else korem.csv's, else as printed."""
        if not m.number:
            return None
        body = catalogue.by_key().get(f"{m.key}:{m.number}")
        base = "Korem" if m.key == "korem" else "Kodim"
        # A printed name the body does not answer to ("Kodim 0901/Balikpapan") stays printed.
        if body is not None and (
            not m.unit_name
            or any(
                body in catalogue.named(n)
                for n in (f"{base} {m.number}/{m.unit_name}", f"{base} {m.unit_name}")
            )
        ):
            return self.registry.from_body(body)
        head = "Danrem" if m.key == "korem" else "Dandim"
        row = self.korem.get(m.number) if m.key == "korem" else None
        if row:
            return Entry(f"Korem {m.number}/{row['name']}", "military", head)
        unit = self._expanded(m.unit_name)
        name = f"{base} {m.number}/{unit}" if unit else f"{base} {m.number}"
        return Entry(name, "military", head)

    def _expanded(self, unit: str | None) -> str | None:
        """A short printed unit name ("Pbn") as the place of the province it abbreviates."""
        province = self.juris.province
        if not unit or len(unit) > 4 or " " in unit or province is None:
            return unit
        place = self.gaz.abbreviated(unit, province.province_code)
        return place.name if place is not None else unit

    def local(self, agency_key: str, j: Jurisdiction) -> Entry | None:
        """The jurisdiction's own body of ``agency_key`` (for a forum with no host named)."""
        return self._local(agency_key, j.place, j.generic, None)

    def _local(
        self,
        agency_key: str,
        place: Place | None,
        generic: str | None,
        lvl: str | None,
        names: tuple[str, ...] = (),
    ) -> Entry | None:
        kind_hint = None
        if lvl:
            kind_hint = "city" if lvl.lower().startswith("kota") else "regency"
        if agency_key == "pemda":
            kind = kind_hint or (place.kind if place else "regency")
            agency_key = "pemkot" if kind == "city" else "pemkab"
        if place is not None:
            return self.registry.local(agency_key, place, kind_hint)
        if generic:
            province = self._province_code()
            return self.registry.local(agency_key, generic, kind_hint, names, province)
        return None

    def _province_code(self) -> str | None:
        return self.juris.province.province_code if self.juris.province else None
