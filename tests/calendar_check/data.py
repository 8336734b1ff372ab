"""A set of meetings that exercises every branch of the calendar export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.meetings import operations as ops

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
PONTIANAK = ZoneInfo("Asia/Pontianak")
HOSTILE_TITLE = 'Rakor; "Pilkada", a\\b: c\r\nbaris dua\rtiga\nempat 🌊 ' + "x" * 80


def upcoming_day(days: int = 14) -> date:
    """A day safely inside the default window, whatever the date the tests run on."""
    return (datetime.now(UTC) + timedelta(days=days)).date()


def at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """A local time on a day."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def build(
    make_meeting: Callable[..., Any],
    region: Callable[[str], Any],
    agency: Callable[[str], Any],
) -> dict[str, Any]:
    """Create the meetings; returns them by role, committed."""
    day = upcoming_day()
    kaltim = region("64")
    venue = ops.find_or_create_venue(
        "Hotel Novotel Balikpapan",
        region("64.71") if _exists("64.71") else None,
        address="Jl. Brigjen Ery Suparjan No. 2",
        latitude=-1.2675,
        longitude=116.8289,
    )
    seed = make_meeting(
        title="Rakor Forkopimda se-Kaltim",
        kind="rakor_forkopimda",
        starts_at=at(day, 9, 0, WITA),
        ends_at=at(day, 12, 0, WITA),
        region_id=kaltim.id,
        venue_id=venue.id,
        election_id=_election("pemilu-2024"),
        theme="Sinergi menjelang pemungutan suara",
        source_note="Siaran pers menulis Senin; tanggalnya Selasa.",
    )
    ops.add_participation(
        seed,
        {
            "agency_id": agency("pemprov-kaltim").id,
            "person_id": ops.find_or_create_person("Akmal Malik").id,
            "position": "Pj Gubernur Kaltim",
            "roles": {"chair"},
            "attendance": "present",
        },
    )
    ops.add_participation(
        seed, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}, "topic": "TPS"}
    )
    ops.add_participation(seed, {"agency_id": agency("bawaslu-kaltim").id, "roles": {"attendee"}})
    regency = make_meeting(
        title="Rakor Kukar",
        starts_at=at(day + timedelta(days=1), 14, 30, WITA),
        ends_at=None,
        region_id=region("64.02").id,
    )
    jakarta = make_meeting(
        title="Rakor nasional (virtual)",
        kind="rapat_kerja",
        starts_at=at(day, 13, 0, WIB),
        ends_at=at(day, 15, 0, WIB),
        region_id=region("31").id,
    )
    papua = make_meeting(
        title="Rakor Papua",
        starts_at=at(day + timedelta(days=2), 8, 0, WIT),
        ends_at=at(day + timedelta(days=2), 10, 0, WIT),
        region_id=region("91").id,
    )
    kalbar = make_meeting(
        title="Rakor Kalbar",
        starts_at=at(day + timedelta(days=3), 10, 0, PONTIANAK),
        ends_at=at(day + timedelta(days=3), 11, 0, PONTIANAK),
        region_id=region("61").id,
    )
    all_day = make_meeting(
        title="Apel siaga (jam tidak disebutkan)",
        kind="apel",
        starts_at=at(day + timedelta(days=4), 0, 0, WITA),
        ends_at=None,
        time_unknown=True,
        region_id=kaltim.id,
    )
    two_days = make_meeting(
        title="Bimtek dua hari",
        kind="sosialisasi",
        starts_at=at(day + timedelta(days=5), 0, 0, WITA),
        ends_at=at(day + timedelta(days=6), 0, 0, WITA),
        time_unknown=True,
        region_id=kaltim.id,
    )
    cancelled = make_meeting(
        title="Rakor yang batal",
        region_id=kaltim.id,
        starts_at=at(day + timedelta(days=7), 9, 0, WITA),
        ends_at=at(day + timedelta(days=7), 10, 0, WITA),
    )
    ops.cancel_meeting(cancelled, "Bentrok dengan agenda Gubernur")
    hostile = make_meeting(
        title=HOSTILE_TITLE.replace("\r", " ").replace("\n", " ")[:300],
        summary=HOSTILE_TITLE + "\n" + "panjang " * 625,
        starts_at=at(day + timedelta(days=8), 9, 0, WITA),
        ends_at=at(day + timedelta(days=8), 10, 0, WITA),
        region_id=kaltim.id,
    )
    internal = make_meeting(
        title="Rapat internal staf",
        visibility="internal",
        starts_at=at(day + timedelta(days=1), 9, 0, WITA),
        ends_at=at(day + timedelta(days=1), 10, 0, WITA),
        region_id=kaltim.id,
    )
    db.session.commit()
    return {
        "seed": seed,
        "regency": regency,
        "jakarta": jakarta,
        "papua": papua,
        "kalbar": kalbar,
        "all_day": all_day,
        "two_days": two_days,
        "cancelled": cancelled,
        "hostile": hostile,
        "internal": internal,
    }


def _exists(code: str) -> bool:
    from tracker.models import Region

    return db.session.execute(db.select(Region.id).filter_by(code=code)).first() is not None


def _election(slug: str) -> int:
    from tracker.models import Election

    return db.session.execute(db.select(Election.id).filter_by(slug=slug)).scalar_one()
