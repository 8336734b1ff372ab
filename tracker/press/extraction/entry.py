"""One agency as the extractor sees it, built from reference data or a database row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import data


@dataclass(frozen=True)
class Entry:
    """One agency as the extractor sees it."""

    short_name: str
    kind: str
    head_title: str | None = None
    region_short: str | None = None
    region_name: str | None = None
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    # Provinces (short or full names) a multi-province command covers.
    coverage: tuple[str, ...] = field(default=(), compare=False)

    def valid_on(self, day: date | None) -> bool:
        """True when the entry's name was in force on ``day`` (unknown day: any)."""
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def entry_from_mapping(row: Mapping[str, Any]) -> Entry:
    """Build an entry from a dict such as a database row.

    Accepted keys: short_name, kind, head_title, region_short, region_name (or a nested
    ``region`` mapping with short/name), aliases (list or "|"-separated), valid_from,
    valid_until, coverage.
    """
    region = row.get("region") or {}
    aliases = row.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = data.split(aliases)
    coverage = row.get("coverage") or ()
    if isinstance(coverage, str):
        coverage = data.split(coverage)
    return Entry(
        short_name=str(row["short_name"]),
        kind=str(row.get("kind") or ""),
        head_title=row.get("head_title") or None,
        region_short=row.get("region_short") or region.get("short") or None,
        region_name=row.get("region_name") or region.get("name") or None,
        aliases=tuple(aliases),
        valid_from=_as_date(row.get("valid_from")),
        valid_until=_as_date(row.get("valid_until")),
        coverage=tuple(coverage),
    )
