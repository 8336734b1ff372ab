"""VTIMEZONE blocks holding only the observances in force while a feed's meetings happen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from icalendar import Component, Timezone, vDDDTypes

from tracker.calendar import writer

# The first and last local wall-clock time a feed shows in one zone.
ZoneSpan = tuple[datetime, datetime]


@cache
def _zone_parts(tzid: str) -> tuple[Timezone, tuple[tuple[datetime, ...], ...]]:
    """The zone's VTIMEZONE (1970–2038) and the onsets of each STANDARD/DAYLIGHT part."""
    zone = Timezone.from_tzid(tzid)
    # icalendar puts a COMMENT directly under VTIMEZONE, where RFC 5545 does not list it.
    zone.pop("COMMENT", None)
    return zone, tuple(_onsets(part) for part in zone.subcomponents)


def _onsets(part: Component) -> tuple[datetime, ...]:
    """When one STANDARD/DAYLIGHT part takes effect: its DTSTART and RDATEs, sorted."""
    start = part["DTSTART"]
    # Observances start at a local date-time (RFC 5545 §3.6.5), never a date or duration.
    assert isinstance(start, vDDDTypes) and isinstance(start.dt, datetime)
    found = [start.dt]
    rdates = part.get("RDATE", [])
    for rdate in rdates if isinstance(rdates, list) else [rdates]:
        found += [d.dt for d in rdate.dts]
    return tuple(sorted(found))


def _in_force(onsets: Sequence[Sequence[datetime]], span: ZoneSpan | None) -> tuple[int, ...]:
    """The parts whose rules hold at some time of the span (None: the zone as it is now)."""
    every = sorted((onset, i) for i, times in enumerate(onsets) for onset in times)
    first, last = span if span is not None else (every[-1][0], every[-1][0])
    before = [i for onset, i in every if onset <= first]
    keep = {before[-1] if before else every[0][1]}
    keep.update(i for onset, i in every if first < onset <= last)
    return tuple(sorted(keep))


@cache
def _timezone_block(tzid: str, parts: tuple[int, ...]) -> str:
    zone, _onsets = _zone_parts(tzid)
    block = Timezone()
    block.update(zone)
    for i in parts:
        block.add_component(zone.subcomponents[i])
    return block.to_ical().decode("utf-8")


def timezone_text(tzid: str, span: ZoneSpan | None = None) -> str:
    """A minimal VTIMEZONE: only the observances in force during the span.

    Outlook keeps one rule per block and may pick a historical one (Asia/Pontianak's
    1970-1988 WITA), so a feed of current meetings gets the current observance alone.
    The default 1970 start is kept: no LMT offsets with seconds.
    """
    _zone, onsets = _zone_parts(tzid)
    return _timezone_block(tzid, _in_force(onsets, span))


def zone_span(tzid: str, first: datetime, last: datetime) -> ZoneSpan:
    """The span, as local wall-clock times of the zone, of instants from first to last."""
    zone = writer.zone(tzid)
    return (
        first.astimezone(zone).replace(tzinfo=None),
        last.astimezone(zone).replace(tzinfo=None),
    )
