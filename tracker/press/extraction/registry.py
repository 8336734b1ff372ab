"""Agency registry: canonical short names, aliases, head titles, regions, validity dates.

Built from ``tracker.reference`` by default, or from plain entries (the web app passes
database rows). Regency and city bodies (Polres, Kejari, Pemkab, Kodim ...) come from
``tracker.agencies.catalogue`` (see ``local_bodies``), so the names given are those the
intake finds; only a body the catalogue lacks (a regency's PN, a place it does not know)
is written from ``data/local_templates.csv``, and a province's office the registry lacks
(its BPBD, the KPU of a province formed in 2022) from ``data/provincial_templates.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any

from tracker import reference
from tracker.agencies import catalogue

from . import data
from .entry import Entry, entry_from_mapping
from .local_bodies import catalogue_body, named_body
from .normalise import key
from .places import Place

_KODAM = re.compile(r"^Kodam\s+(?:([IVXL]+)\s*/\s*)?(.+)$")


class Registry:
    """Agency lookup by name, alias, head title + region, and Kodam number/name/date."""

    def __init__(self, entries: Iterable[Entry | Mapping[str, Any]]) -> None:
        self.entries: list[Entry] = [
            e if isinstance(e, Entry) else entry_from_mapping(e) for e in entries
        ]
        self._by_name: dict[str, list[Entry]] = {}
        self._by_kind_region: dict[tuple[str, str], list[Entry]] = {}
        self._by_title_region: dict[tuple[str, str], list[Entry]] = {}
        self._kodam_by_name: dict[str, list[Entry]] = {}
        self._kodam_by_number: dict[str, list[Entry]] = {}
        self._templates = {r["key"]: r for r in data.rows("local_templates.csv")}
        self._provincial_templates = {r["key"]: r for r in data.rows("provincial_templates.csv")}
        self._keys = {r["key"]: r for r in data.rows("keys.csv")}
        self._synth: dict[tuple[str, str, str], Entry] = {}
        self._bodies: dict[str, Entry] = {}
        for e in self.entries:
            self._index(e)

    @classmethod
    def from_reference(cls) -> Registry:
        """The registry of ``tracker.reference`` (national and provincial bodies, Kodam)."""
        provs = {p.code: p for p in reference.provinces()}
        coverage = reference.kodam_coverage()
        out: list[Entry] = []
        for a in reference.agencies():
            prov = provs.get(a.region_code or "")
            cov = tuple(provs[c].short for c in coverage.get(a.short_name, ()) if c in provs)
            out.append(
                Entry(
                    short_name=a.short_name,
                    kind=a.kind,
                    head_title=a.head_title,
                    region_short=prov.short if prov else None,
                    region_name=prov.name if prov else None,
                    aliases=a.aliases,
                    valid_from=a.valid_from,
                    valid_until=a.valid_until,
                    coverage=cov,
                )
            )
        # National bodies beyond the registry's (which reference.agencies() includes).
        for r in data.rows("national.csv"):
            out.append(
                Entry(
                    r["short_name"],
                    r["kind"],
                    r["head_title"] or None,
                    aliases=data.split(r["aliases"]),
                )
            )
        return cls(out)

    @classmethod
    def from_entries(cls, entries: Iterable[Entry | Mapping[str, Any]]) -> Registry:
        """A registry from plain entries (dicts or :class:`Entry`)."""
        return cls(entries)

    def _index(self, e: Entry) -> None:
        for name in (e.short_name, *e.aliases):
            bucket = self._by_name.setdefault(key(name), [])
            if e not in bucket:
                bucket.append(e)
        for region in (e.region_short, e.region_name):
            if region:
                self._by_kind_region.setdefault((e.kind, key(region)), []).append(e)
                if e.head_title:
                    self._by_title_region.setdefault((key(e.head_title), key(region)), []).append(e)
        m = _KODAM.match(e.short_name)
        if e.kind == "military" and m:
            number, name = m.group(1), m.group(2)
            self._kodam_by_name.setdefault(key(name), []).append(e)
            for alias in e.aliases:
                am = _KODAM.match(alias)
                if am and am.group(2) and key(am.group(2)) != key(name):
                    self._kodam_by_name.setdefault(key(am.group(2)), []).append(e)
            if number:
                self._kodam_by_number.setdefault(number.upper(), []).append(e)

    # -- lookups -----------------------------------------------------------------
    def by_name(self, name: str, on: date | None = None) -> Entry | None:
        """The entry whose canonical name or alias is ``name`` and that existed ``on``.

        A body that did not exist that day is no answer: a release about a 2021 meeting
        does not name a Polda formed later.
        """
        found = self._by_name.get(key(name)) or []
        return next((e for e in found if e.valid_on(on)), None)

    def successor(self, name: str, on: date | None) -> Entry | None:
        """The body that took over ``name``'s role by ``on`` (a ministry renamed by decree).

        The successor is the entry of the same kind and first word whose validity starts
        the day after ``name``'s ends: Kemenko Polhukam (to 20 Oct 2024) -> Kemenko Polkam.
        """
        old = next(iter(self._by_name.get(key(name)) or []), None)
        if old is None or old.valid_until is None or on is None or on <= old.valid_until:
            return None
        head = old.short_name.split()[0]
        for e in self.entries:
            if (
                e.kind == old.kind
                and e.short_name.split()[0] == head
                and e.valid_from is not None
                and (e.valid_from - old.valid_until).days == 1
                and e.valid_on(on)
            ):
                return e
        return None

    def names(self) -> list[str]:
        """Every canonical name and alias (for building matchers)."""
        return [n for e in self.entries for n in (e.short_name, *e.aliases)]

    def by_title(self, title: str, region: str | None = None) -> Entry | None:
        """The agency headed by ``title`` (e.g. "Kapolda") in ``region`` (short or name)."""
        if not region:
            return None
        found = self._by_title_region.get((key(title), key(region))) or []
        return found[0] if found else None

    def by_kind(
        self, kind: str, region: str, head_title: str | None = None, on: date | None = None
    ) -> Entry | None:
        """The agency of ``kind`` in ``region`` that existed ``on``; ``head_title`` breaks ties."""
        found = [e for e in self._by_kind_region.get((kind, key(region))) or [] if e.valid_on(on)]
        if head_title:
            for e in found:
                if e.head_title and key(e.head_title) == key(head_title):
                    return e
        # A tie without a head title is ambiguous (Pemprov vs Kesbangpol): take the
        # first listed, which for reference data is the main body.
        return found[0] if found else None

    def provincial(
        self, agency_key: str, province: Place, on: date | None = None, written: bool = False
    ) -> Entry | None:
        """The provincial body ``agency_key`` (polda, kpu ...) of ``province`` on ``on``.

        A body the registry lacks is written from a template only when the text wrote the
        region (``written``): an inferred region never names a body nobody recorded.
        """
        spec = self._keys.get(agency_key)
        if spec:
            for region in (province.province_short, province.province_name):
                e = self.by_kind(spec["kind"], region, spec["head_title"] or None, on)
                if e is not None:
                    return e
        return self._provincial_template(agency_key, province) if written else None

    def _provincial_template(self, agency_key: str, province: Place) -> Entry | None:
        """A province's office the registry lacks ("BPBD Riau", "KPU Papua Barat Daya")."""
        tpl = self._provincial_templates.get(agency_key)
        if tpl is None:
            return None
        short = tpl["short"].format(short=province.province_short)
        existing = self.by_name(short)
        if existing is not None:
            return existing
        cache_key = (agency_key, province.province_code, "province")
        if cache_key not in self._synth:
            aliases = tuple(
                a.format(short=province.province_short, name=province.province_name)
                for a in data.split(tpl["aliases"])
            )
            self._synth[cache_key] = Entry(
                short,
                tpl["kind"],
                tpl["head_title"] or None,
                region_short=province.province_short,
                region_name=province.province_name,
                aliases=aliases,
            )
        return self._synth[cache_key]

    def regionless(self, agency_key: str) -> Entry | None:
        """A body named without any region ("Kejati", "Binda")."""
        spec = self._keys.get(agency_key)
        if spec is None or not spec["regionless"]:
            return None
        return Entry(spec["regionless"], spec["kind"], spec["head_title"] or None)

    def local(
        self,
        agency_key: str,
        place: Place | str,
        kind_hint: str | None = None,
        written: tuple[str, ...] = (),
        province_code: str | None = None,
    ) -> Entry | None:
        """A regency/city body, e.g. ("polres", Kotamobagu): the catalogue's, else a template's.

        ``written`` are the mention's own forms ("Kapolres Inhu"), looked up among the
        catalogue's names within ``province_code`` when ``place`` has no code.
        """
        body = catalogue_body(agency_key, place, kind_hint, written, province_code)
        if body is not None:
            return self.from_body(body)
        return self._template(agency_key, place, kind_hint)

    def named_local(
        self, agency_key: str, written: tuple[str, ...], province_code: str | None = None
    ) -> Entry | None:
        """The one catalogue body of ``agency_key`` that a written name means, if any."""
        body = named_body(agency_key, written, province_code)
        return self.from_body(body) if body is not None else None

    def from_body(self, body: catalogue.LocalBody) -> Entry:
        """The entry of a catalogue body, or the registry's own of that name."""
        existing = self.by_name(body.row.short_name)
        if existing is not None:
            return existing
        if body.key not in self._bodies:
            row = body.row
            label = catalogue.region_label(body.region_code).split(",")[0]
            self._bodies[body.key] = Entry(
                row.short_name,
                row.kind,
                row.head_title,
                region_short=label,
                region_name=label,
                aliases=row.aliases,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
        return self._bodies[body.key]

    def _template(self, agency_key: str, place: Place | str, kind_hint: str | None) -> Entry | None:
        """A body the catalogue lacks, named from ``local_templates.csv`` as before."""
        tpl = self._templates.get(agency_key)
        if tpl is None:
            return None
        if isinstance(place, Place):
            name, kind, shared = place.name, place.kind, place.shared
        else:
            name, kind, shared = place, kind_hint or "", False
        if kind_hint in ("city", "regency"):
            kind = kind_hint
        if agency_key == "dprd" and kind == "city":
            prefixed = f"Kota {name}"  # "DPRD Kota X" is how the body is styled
        elif shared and kind in ("city", "regency"):
            prefixed = f"{'Kota' if kind == 'city' else 'Kab.'} {name}"
        else:
            prefixed = name
        short = tpl["short"].format(place=name, prefixed=prefixed)
        existing = self.by_name(short)
        if existing is not None:
            return existing
        cache_key = (agency_key, name, kind)
        if cache_key not in self._synth:
            aliases = tuple(
                a.format(place=name, prefixed=prefixed) for a in data.split(tpl["aliases"])
            )
            self._synth[cache_key] = Entry(
                short,
                tpl["kind"],
                tpl["head_title"],
                region_short=name,
                region_name=name,
                aliases=tuple(a for a in aliases if a != short),
            )
        return self._synth[cache_key]

    def kodam(
        self,
        number: str | None,
        name: str | None,
        on: date | None = None,
        province: Place | None = None,
    ) -> tuple[Entry | None, str | None]:
        """Resolve a Kodam from a number and/or name, checked against the date.

        Returns the entry in force on ``on`` and a problem description (Indonesian)
        when the number printed does not belong to the name or the date.
        """
        number = number.upper() if number else None
        if name:
            found = self._kodam_by_name.get(key(name)) or []
            if found:
                valid = [e for e in found if e.valid_on(on)] or found
                pick = valid[0]
                if number:
                    m = _KODAM.match(pick.short_name)
                    printed = m.group(1) if m else None
                    if printed and printed != number:
                        return pick, (
                            f"Kodam {number}/{name} tidak cocok: pada tanggal rapat "
                            f"namanya {pick.short_name}"
                        )
                return pick, None
        if number:
            found = self._kodam_by_number.get(number) or []
            valid = [e for e in found if e.valid_on(on)]
            if valid:
                return valid[0], None
            if found:
                return found[0], f"Kodam {number} tidak berlaku pada tanggal rapat"
        if province is not None:
            for e in self.entries:
                if (
                    e.kind == "military"
                    and e.valid_on(on)
                    and _KODAM.match(e.short_name)
                    and (
                        province.province_short in e.coverage
                        or province.province_name in e.coverage
                        or e.region_short == province.province_short
                    )
                ):
                    return e, None
        return None, None


@cache
def default_registry() -> Registry:
    """The registry built from ``tracker.reference`` (built once per process)."""
    return Registry.from_reference()
