"""Find a region from a name as people write it ("Inhu", "Kab. Bima", "Kaltim").

Pure: no Flask, no database. ``RegionIndex.build`` takes any regions (the data
files' rows or the database's) and the curated other names; a bare name that a
regency and a city share answers both, as ambiguous, never one of them confidently.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal, Protocol

from tracker import reference

Family = Literal["province", "regency", "city"]
Certainty = Literal["sure", "former", "ambiguous", "none"]

# Words that say which kind of region follows, longest first so "kota administrasi"
# wins over "kota". Heads of government count: "Bupati Bima" is the regency's.
_PREFIXES: tuple[tuple[tuple[str, ...], Family], ...] = tuple(
    sorted(
        [
            *((tuple(p.split()), "regency") for p in (
                "kabupaten administrasi", "pemerintah kabupaten", "wakil bupati",
                "kabupaten", "kab", "pemkab", "bupati", "wabup",
            )),
            *((tuple(p.split()), "city") for p in (
                "kota administrasi", "pemerintah kota", "wakil wali kota", "wakil walikota",
                "wali kota", "walikota", "kotamadya", "kota", "pemkot", "wawali",
            )),
            *((tuple(p.split()), "province") for p in (
                "pemerintah provinsi", "wakil gubernur", "provinsi", "prov", "pemprov",
                "gubernur", "wagub",
            )),
        ],
        key=lambda item: -len(item[0]),
    )
)  # fmt: skip
_WORD = re.compile(r"[0-9a-z]+")
_KIND_WORDS = re.compile(r"^(?:Kabupaten|Kota)(?: Administrasi)?\s+")
# Written short inside names: "Kab. Kep. Siau Tagulandang Biaro".
_EXPAND = {"kep": "kepulauan"}


class RegionLike(Protocol):
    """What the index reads from a region: a data-file row or a database row."""

    # Read-only, so that frozen data-file rows qualify as well as models.
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def short(self) -> str: ...


@dataclass(frozen=True)
class NameRow:
    """Another name of a region, from ``region_names.csv`` or the database."""

    code: str
    name: str
    kind: str  # abbreviation, variant, official, former
    valid_from: date | None = None
    valid_until: date | None = None
    former_code: str | None = None


@dataclass(frozen=True)
class RegionLookup:
    """The regions a text may name and how sure that is."""

    codes: tuple[str, ...]
    certainty: Certainty

    @property
    def code(self) -> str | None:
        """The one region meant, or None when there is none or several."""
        return self.codes[0] if self.certainty in ("sure", "former") else None


@dataclass(frozen=True)
class _Entry:
    code: str
    family: Family


def family_of(kind: str) -> Family:
    """Group a region kind (DKI's administrative ones too) as province, regency or city."""
    if kind == "province":
        return "province"
    return "city" if "city" in kind or "kota" in kind else "regency"


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [_EXPAND.get(w, w) for w in _WORD.findall(folded)]


def _prefix(words: list[str]) -> tuple[int, Family] | None:
    """How many leading words name a kind, and which; a name is never all prefix."""
    for words_of, family in _PREFIXES:
        if len(words_of) < len(words) and tuple(words[: len(words_of)]) == words_of:
            return len(words_of), family
    return None


def parse(text: str) -> tuple[Family | None, str]:
    """Split off the words naming a kind ("Kab.", "Pemkot", "Bupati") and key the rest.

    The key ignores case, punctuation and spaces, so "Pangkal Pinang" and
    "Pangkalpinang", or "Toli-Toli" and "Tolitoli", are one name.
    """
    words = _words(text)
    family: Family | None = None
    # A second prefix of another kind is part of the name: "Kabupaten Kota Baru".
    while (found := _prefix(words)) and family in (None, found[1]):
        family = found[1]
        words = words[found[0] :]
    return family, "".join(words)


def _province_of(code: str) -> str:
    return code.split(".", 1)[0]


def _codes(
    entries: Iterable[_Entry], family: Family | None, province: str | None
) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                e.code
                for e in entries
                if (family is None or e.family == family)
                and (province is None or _province_of(e.code) == province)
            }
        )
    )


@dataclass
class RegionIndex:
    """Names and abbreviations of regions, keyed loosely, with former names apart."""

    current: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    former: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    former_codes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, regions: Iterable[RegionLike], names: Iterable[NameRow]) -> RegionIndex:
        """Index regions by name and short form, and the other names of those present."""
        index = cls()
        families: dict[str, Family] = {}
        for region in regions:
            families[region.code] = family = family_of(region.kind)
            for text in (region.name, region.short):
                index._add(index.current, text, _Entry(region.code, family))
        for row in names:
            if row.code not in families:
                continue
            target = index.former if row.kind == "former" else index.current
            index._add(target, row.name, _Entry(row.code, families[row.code]))
            if row.former_code:
                index.former_codes[row.former_code] = row.code
        return index

    @staticmethod
    def _add(target: dict[str, list[_Entry]], text: str, entry: _Entry) -> None:
        key = parse(text)[1]
        if key and entry not in target[key]:
            target[key].append(entry)

    def lookup(self, text: str, province: str | None = None) -> RegionLookup:
        """The region(s) ``text`` names, within ``province`` (a code) when given.

        A current name always wins over a former one: bare "Pontianak" is the city,
        while "Kabupaten Pontianak" finds Mempawah by its name before 2014.
        """
        family, key = parse(text)
        current = _codes(self.current.get(key, ()), family, province)
        codes = current or _codes(self.former.get(key, ()), family, province)
        if not codes:
            return RegionLookup((), "none")
        if len(codes) > 1:
            return RegionLookup(codes, "ambiguous")
        return RegionLookup(codes, "sure" if current else "former")

    def code_for_former(self, code: str) -> str | None:
        """The current code of a region renumbered in the 2022 Papua split (91.01 → 93.01)."""
        return self.former_codes.get(code)


def _bare(name: str) -> str:
    return _KIND_WORDS.sub("", name)


def shared_names(regions: Iterable[RegionLike]) -> list[tuple[str, str, str]]:
    """Names a regency and a city of one province share: (name, regency, city) codes."""
    seen: dict[tuple[str, str], dict[Family, RegionLike]] = defaultdict(dict)
    for region in regions:
        family = family_of(region.kind)
        if family != "province":
            seen[(_province_of(region.code), parse(region.name)[1])][family] = region
    return sorted(
        (_bare(pair["regency"].name), pair["regency"].code, pair["city"].code)
        for pair in seen.values()
        if {"regency", "city"} <= pair.keys()
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def region_name_rows() -> tuple[NameRow, ...]:
    """The hand-curated other names in ``tracker/data/region_names.csv``."""
    text = resources.files("tracker.data").joinpath("region_names.csv").read_text("utf-8")
    return tuple(
        NameRow(
            code=r["code"],
            name=r["name"],
            kind=r["kind"],
            valid_from=_date(r["valid_from"]),
            valid_until=_date(r["valid_until"]),
            former_code=r["former_code"] or None,
        )
        for r in csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    )


@cache
def reference_index() -> RegionIndex:
    """The index of the regions and names shipped in ``tracker/data``."""
    regions = [*reference.provinces(), *reference.lower_regions()]
    return RegionIndex.build(regions, region_name_rows())
