"""Deterministic synthetic meetings at scale, for benchmarks.

Rows go in through bulk Core inserts (not the per-record operations and change
log) so that 100,000 meetings load in minutes; the same seed gives the same data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert

from tracker.extensions import db
from tracker.models import (
    Agency,
    Coverage,
    Election,
    Evidence,
    Meeting,
    Participation,
    PressRelease,
    Region,
    Venue,
    content_hash,
)

BATCH = 2000
KINDS = ("rakor", "rakor_forkopimda", "rapat_terbatas", "rapat_kerja", "apel", "sosialisasi")
TOPICS = (
    "kesiapan logistik pemilu",
    "pengamanan tempat pemungutan suara",
    "pencegahan politik uang",
    "netralitas aparatur sipil negara",
    "penanganan hoaks dan ujaran kebencian",
    "pemetaan kerawanan pemilu",
    "distribusi surat suara",
    "koordinasi penanganan konflik sosial",
)
VENUE_NAMES = (
    "Aula Kantor Gubernur",
    "Ruang Rapat Polda",
    "Hotel Grand",
    "Pendopo",
    "Aula Makodam",
)
COLLECTIVES = (
    "camat se-{short}",
    "bupati/walikota se-{short}",
    "instansi vertikal",
    "perangkat daerah",
)
ROLE_CHOICES = (("attendee",), ("speaker",), ("attendee",), ("speaker", "attendee"))
ATTENDANCE = ("present", "present", "present", "represented", "unknown")


START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 2 * 365 * 24 * 60


def _next_id(model: Any) -> int:
    return (db.session.execute(db.select(func.max(model.id))).scalar() or 0) + 1


def synthesize(meetings: int, seed: int = 1, progress: Callable[[int], None] | None = None) -> int:
    """Insert ``meetings`` synthetic meetings spread over 2023-2024; returns the count."""
    synth = _Synthesizer(seed)
    done = 0
    for chunk in _chunks(meetings):
        batch = _Batch()
        for _ in range(chunk):
            synth.add_meeting(batch)
        batch.insert()
        done += chunk
        if progress:
            progress(chunk)
    _fix_sequences()
    return done


@dataclass
class _Batch:
    """The rows of one bulk insert, table by table."""

    meetings: list[dict[str, Any]] = field(default_factory=list)
    participations: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def insert(self) -> None:
        """Write the rows, parents before the rows pointing at them."""
        for model, rows in (
            (Meeting, self.meetings),
            (Participation, self.participations),
            (PressRelease, self.releases),
            (Coverage, self.coverage),
            (Evidence, self.evidence),
        ):
            if rows:
                db.session.execute(insert(model.__table__), rows)


@dataclass(frozen=True)
class _Drawn:
    """What a meeting's participations and press releases repeat of it."""

    id: int
    province: Region
    local: datetime
    starts: datetime
    topic: str
    title: str
    election: Election | None


class _Synthesizer:
    """The random stream and the next free ids; every draw happens in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.provinces = list(
            db.session.execute(
                db.select(Region).filter_by(kind="province").order_by(Region.code)
            ).scalars()
        )
        self.by_region: dict[int, list[Agency]] = {}
        for agency in db.session.execute(db.select(Agency).order_by(Agency.id)).scalars():
            if agency.region_id is not None:
                self.by_region.setdefault(agency.region_id, []).append(agency)
        self.elections = list(
            db.session.execute(db.select(Election).order_by(Election.id)).scalars()
        )
        self.venues = _make_venues(self.rng, self.provinces)
        self.next_meeting = _next_id(Meeting)
        self.next_part = _next_id(Participation)
        self.next_release = _next_id(PressRelease)

    def add_meeting(self, batch: _Batch) -> None:
        """Draw one meeting with its participations and press releases into ``batch``."""
        meeting = self._meeting(batch)
        parts = self._participations(meeting, batch)
        self._releases(meeting, parts, batch)

    def _start(self, province: Region) -> tuple[datetime, datetime, bool]:
        """A local start in working hours, its UTC instant, and whether the hour is unknown."""
        rng = self.rng
        zone = ZoneInfo(province.timezone)
        local = (START + timedelta(minutes=rng.randrange(SPAN_MINUTES))).astimezone(zone)
        local = local.replace(minute=rng.choice((0, 0, 30)), second=0, microsecond=0)
        local = local.replace(hour=rng.randrange(8, 17))
        starts = local.astimezone(UTC)
        time_unknown = rng.random() < 0.1
        if time_unknown:
            starts = local.replace(hour=0, minute=0).astimezone(UTC)
        return local, starts, time_unknown

    def _meeting(self, batch: _Batch) -> _Drawn:
        """Draw the meeting row itself: province, time, kind, status, topic and venue."""
        rng = self.rng
        mid = self.next_meeting
        self.next_meeting += 1
        province = rng.choice(self.provinces)
        local, starts, time_unknown = self._start(province)
        election = _election_for(local, self.elections)
        kind = rng.choice(KINDS)
        status = rng.choices(("held", "scheduled", "postponed", "cancelled"), (85, 8, 4, 3))[0]
        topic = rng.choice(TOPICS)
        title = f"{_kind_title(kind)} {topic.capitalize()} {province.short} #{mid}"
        venue_ids = self.venues[province.id]
        venue_id = venue_ids[rng.randrange(len(venue_ids))]
        batch.meetings.append(
            {
                "id": mid,
                "uid": f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@rakor-tracker",
                "title": title,
                "kind": kind,
                "theme": f"Sinergi Forkopimda {province.name} untuk {topic}",
                "summary": None,
                "starts_at": starts,
                "ends_at": None
                if time_unknown
                else starts + timedelta(hours=rng.choice((2, 3, 4))),
                "timezone": province.timezone,
                "time_unknown": time_unknown,
                "venue_id": venue_id,
                "region_id": province.id,
                "election_id": election.id if election else None,
                "status": status,
                "status_reason": "Agenda bertabrakan"
                if status in ("postponed", "cancelled")
                else None,
                "visibility": "internal" if rng.random() < 0.05 else "public",
                "source_note": None,
                "sequence": 0,
                "version": 1,
                "created_at": starts,
                "updated_at": starts,
            }
        )
        return _Drawn(mid, province, local, starts, topic, title, election)

    def _participations(self, meeting: _Drawn, batch: _Batch) -> list[tuple[int, str]]:
        """Agencies of the province, then collective attendees; (id, short name) per agency."""
        rng = self.rng
        province = meeting.province
        pool = self.by_region.get(province.id, [])
        count = rng.randint(3, 12)
        chosen = rng.sample(pool, min(len(pool), count))
        parts: list[tuple[int, str]] = []
        for order, agency in enumerate(chosen):
            roles = ("chair", "host") if order == 0 else rng.choice(ROLE_CHOICES)
            batch.participations.append(
                {
                    "id": self.next_part,
                    "meeting_id": meeting.id,
                    "agency_id": agency.id,
                    "person_id": None,
                    "collective_label": None,
                    "position": agency.head_title and f"{agency.head_title} {province.short}",
                    # A set: the RoleSet column joins it (a joined string would be split
                    # into letters).
                    "roles": frozenset(roles),
                    "attendance": rng.choice(ATTENDANCE),
                    "represented_by": None,
                    "topic": meeting.topic if "speaker" in roles else None,
                    "order": order,
                }
            )
            parts.append((self.next_part, agency.short_name))
            self.next_part += 1
        for extra in range(count - len(chosen)):
            batch.participations.append(
                {
                    "id": self.next_part,
                    "meeting_id": meeting.id,
                    "agency_id": None,
                    "person_id": None,
                    "collective_label": COLLECTIVES[extra % len(COLLECTIVES)].format(
                        short=province.short
                    ),
                    "position": None,
                    "roles": frozenset({"attendee"}),
                    "attendance": "present",
                    "represented_by": None,
                    "topic": None,
                    "order": len(chosen) + extra,
                }
            )
            self.next_part += 1
        return parts

    def _releases(self, meeting: _Drawn, parts: list[tuple[int, str]], batch: _Batch) -> None:
        """One or two reports of the meeting; the first is evidence for every agency."""
        province, election, seed = meeting.province, meeting.election, self.seed
        for n in range(self.rng.choice((1, 1, 2))):
            rid = self.next_release
            self.next_release += 1
            names = ", ".join(name for _pid, name in parts)
            sentence = f"Rapat dihadiri oleh {names}."
            body = (
                f"{province.name} - {meeting.title} digelar pada "
                f"{meeting.local:%d/%m/%Y}. Rapat membahas {meeting.topic} menjelang "
                f"{election.name if election else 'pemilu'}. {sentence} "
                f"Seluruh unsur sepakat memperkuat koordinasi. (synth-{seed}-{rid})"
            )
            batch.releases.append(
                {
                    "id": rid,
                    "outlet": f"humas-{province.short.lower().replace(' ', '')}.example",
                    "url": f"https://humas.example/{seed}/{rid}",
                    "title": f"{meeting.title} (laporan {n + 1})",
                    "section": None,
                    "byline": None,
                    "published_at": meeting.starts + timedelta(hours=6),
                    "body": body,
                    "content_hash": content_hash(body),
                    "retrieved_at": None,
                    "created_at": meeting.starts + timedelta(hours=6),
                }
            )
            batch.coverage.append(
                {"meeting_id": meeting.id, "press_release_id": rid, "relation": "reports"}
            )
            if n == 0:
                for pid, _name in parts:
                    batch.evidence.append(
                        {"participation_id": pid, "press_release_id": rid, "sentence": sentence}
                    )


def _chunks(total: int) -> Iterator[int]:
    while total > 0:
        yield min(BATCH, total)
        total -= BATCH


def _kind_title(kind: str) -> str:
    return {
        "rakor": "Rakor",
        "rakor_forkopimda": "Rakor Forkopimda",
        "rapat_terbatas": "Rapat Terbatas",
        "rapat_kerja": "Rapat Kerja",
        "apel": "Apel Kesiapan",
        "sosialisasi": "Sosialisasi",
    }[kind]


def _election_for(local: datetime, elections: list[Election]) -> Election | None:
    """The next election within 120 days of the meeting, if any."""
    for election in sorted(elections, key=lambda e: e.polling_day):
        delta = (election.polling_day - local.date()).days
        if 0 <= delta <= 120:
            return election
    return None


def _make_venues(rng: random.Random, provinces: list[Region]) -> dict[int, list[int]]:
    """A few venues per province, created once and reused."""
    out: dict[int, list[int]] = {}
    for province in provinces:
        ids = []
        for name in VENUE_NAMES:
            venue = Venue(name=f"{name} {province.name}", city=province)
            db.session.add(venue)
            db.session.flush()
            ids.append(venue.id)
        out[province.id] = ids
    return out


def _fix_sequences() -> None:
    """Move PostgreSQL id sequences past the explicitly inserted ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (Meeting, Participation, PressRelease):
        table = model.__tablename__
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )
        )
