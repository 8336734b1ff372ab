"""Venue lines that name each place once (issue 16).

A regency's own venue often carries the regency in its name or address, and its city
is the meeting's region: "Lapangan Apel Mapolres Kutai Kartanegara, Kutai Kartanegara
· Kutai Kartanegara" says one place three times. Each part is kept only when no part
already kept ends with it, as whole words ("Aceh Besar" does not name "Aceh").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _names(kept: str, part: str) -> bool:
    """Whether ``kept`` ends with ``part`` as whole words, ignoring case."""
    kept, part = kept.casefold(), part.casefold()
    return kept == part or (kept.endswith(part) and kept[-len(part) - 1] in " ,(")


def _distinct(parts: Iterable[str | None]) -> list[str]:
    kept: list[str] = []
    for part in parts:
        text = " ".join((part or "").split())
        if text and not any(_names(k, text) for k in kept):
            kept.append(text)
    return kept


def venue_text(venue: Any, with_address: bool = False) -> str:
    """'Hotel Novotel Balikpapan, Balikpapan' without the city when the name has it."""
    city = venue.city.name if venue.city is not None else None
    address = venue.address if with_address else None
    return ", ".join(_distinct([venue.name, address, city]))


def place_line(meeting: Any) -> str:
    """A list row's place: the venue (with its city), then the region unless it is named."""
    venue = venue_text(meeting.venue) if meeting.venue is not None else None
    return " · ".join(_distinct([venue, meeting.region.name]))
