"""From press release to meeting: propose, match, save, and bulk import.

The extractor (``tracker.press.extraction``) is pure; this module ties its
proposal to the database: agencies by name, regions, elections, and meetings
already logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import selectinload

from tracker import safefiles
from tracker.agencies import picking
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import operations as meeting_ops
from tracker.models import (
    Agency,
    Election,
    Meeting,
    Participation,
    PressRelease,
    Region,
    User,
    Venue,
)
from tracker.models.agency import normalize_name
from tracker.press import operations as press_ops
from tracker.press.article import looks_like_html, plain_text
from tracker.press.extraction import Entry, Registry, default_registry, extract
from tracker.validation import ValidationError

# Warnings that mean the date needs a person's judgement before a meeting is made.
DATE_DOUBTS = {"weekday_mismatch", "several_dates", "date_missing", "countdown_mismatch"}
# Largest release file read (as the upload on the review form); real ones are a few kB.
MAX_RELEASE_BYTES = 1_000_000
# A JSONL line holds one release as JSON, whose escapes can make it a few times longer.
MAX_JSONL_LINE = 8_000_000
RELEASE_SUFFIXES = (".txt", ".html", ".htm")
KIND_CODES = {
    "rakor forkopimda": "rakor_forkopimda",
    "rapat terbatas": "rapat_terbatas",
    "rapat kerja": "rapat_kerja",
    "apel": "apel",
    "sosialisasi": "sosialisasi",
}


def db_registry() -> Registry:
    """The reference registry plus agencies and aliases staff added."""
    base = default_registry()
    known = {normalize_name(e.short_name): e for e in base.entries}
    extra: list[Entry] = []
    agencies = db.session.execute(
        db.select(Agency).options(selectinload(Agency.aliases), selectinload(Agency.region))
    ).scalars()
    for agency in agencies:
        if agency.reference_key:
            continue  # a regency body: the extractor has it from the catalogue, with its region
        aliases = tuple(a.alias for a in agency.aliases)
        entry = known.get(normalize_name(agency.short_name))
        if entry is not None and set(aliases) <= set(entry.aliases):
            continue
        region = agency.region.province if agency.region else None
        extra.append(
            Entry(
                short_name=agency.short_name,
                kind=agency.kind,
                head_title=agency.head_title,
                region_short=region.short if region else None,
                region_name=region.name if region else None,
                aliases=aliases,
                valid_from=agency.valid_from,
                valid_until=agency.valid_until,
            )
        )
    if not extra:
        return base
    return Registry(
        [
            e
            for e in base.entries
            if normalize_name(e.short_name) not in {normalize_name(x.short_name) for x in extra}
        ]
        + extra
    )


def plain_body(text: str) -> str:
    """The text to store for a release: pasted HTML becomes its readable text.

    Evidence sentences are quoted from this text, so they must match it verbatim.
    """
    if looks_like_html(text):
        return plain_text(text)
    return text


def propose(text: str, published: date | None = None) -> dict[str, Any]:
    """Run the extractor against the live registry."""
    return extract(text, published=published, registry=db_registry())


def proposed_date(proposal: dict[str, Any]) -> date | None:
    """The best-supported meeting date: the suggestion when the text contradicts itself."""
    value = proposal.get("suggested_date") or proposal.get("start_date")
    return date.fromisoformat(value) if value else None


def find_region(
    name: str | None, kind: str | None = None, within: Region | None = None
) -> Region | None:
    """The one region with this name or short name (case-insensitive), else None.

    A name that several regions share (Kabupaten and Kota Banjar lie in different
    provinces) gives None unless ``within`` (a province) leaves exactly one: a blank
    for a person to fill, never the first of several.
    """
    if not name:
        return None
    stmt = db.select(Region).where(
        db.or_(
            db.func.lower(Region.name) == name.lower(), db.func.lower(Region.short) == name.lower()
        )
    )
    if kind:
        stmt = stmt.where(Region.kind == kind)
    if within is not None:
        stmt = stmt.where(db.or_(Region.parent_id == within.id, Region.id == within.id))
    found = db.session.execute(stmt.order_by(Region.code).limit(2)).scalars().all()
    return found[0] if len(found) == 1 else None


def find_election(name: str | None) -> Election | None:
    """An election by its name ("Pemilu 2024")."""
    if not name:
        return None
    return db.session.execute(db.select(Election).filter_by(name=name)).scalar_one_or_none()


@dataclass
class Resolved:
    """A proposal with names turned into database records where possible."""

    day: date | None
    start: time | None
    end: time | None
    timezone: str | None
    region: Region | None
    city: Region | None
    election: Election | None
    # A registry row, a regency body not yet in the registry, or None (unknown or unsure).
    agencies: list[tuple[dict[str, Any], picking.Candidate | None]] = field(default_factory=list)


def resolve(proposal: dict[str, Any]) -> Resolved:
    """Look the proposal's names up in the database."""
    province = find_region(proposal.get("province"), "province")
    city = find_region(proposal.get("city"), within=province)
    if city is not None and city.kind == "province":
        city = None
    region = province or (city.province if city else None)
    tz = proposal.get("timezone") or (region.timezone if region else None)
    day = proposed_date(proposal)
    code = region.code if region else None
    return Resolved(
        day=day,
        start=time.fromisoformat(proposal["start_time"]) if proposal.get("start_time") else None,
        end=time.fromisoformat(proposal["end_time"]) if proposal.get("end_time") else None,
        timezone=tz,
        region=region,
        city=city,
        election=find_election(proposal.get("election")),
        agencies=[
            (item, picking.match(item.get("name") or "", day, code))
            for item in proposal.get("agencies", [])
        ],
    )


def find_matches(proposal: dict[str, Any], limit: int = 5) -> list[Meeting]:
    """Meetings already logged that this release probably reports.

    Same date (or a date the warnings offer), same jurisdiction, and an
    overlapping venue, chair or at least two agencies.
    """
    resolved = resolve(proposal)
    days = {d for d in (proposed_date(proposal),) if d}
    if proposal.get("start_date"):
        days.add(date.fromisoformat(proposal["start_date"]))
    for warning in proposal.get("warnings", []):
        if warning.get("suggested_date"):
            days.add(date.fromisoformat(warning["suggested_date"]))
    if not days or resolved.region is None:
        return []
    region_ids = [resolved.region.id] + [c.id for c in resolved.region.children]
    lo = datetime.combine(min(days) - timedelta(days=1), time(0), tzinfo=UTC)
    hi = datetime.combine(max(days) + timedelta(days=2), time(0), tzinfo=UTC)
    candidates = db.session.execute(
        db.select(Meeting)
        .where(Meeting.region_id.in_(region_ids), Meeting.starts_at.between(lo, hi))
        .options(
            selectinload(Meeting.venue),
            selectinload(Meeting.participations).selectinload(Participation.person),
        )
    ).scalars()
    wanted_agencies = {a.id for _item, a in resolved.agencies if isinstance(a, Agency)}
    venue_words = set(normalize_name(proposal.get("venue_name") or "").split())
    chair = proposal.get("chair") or {}
    scored: list[tuple[int, Meeting]] = []
    for meeting in candidates:
        if meeting.local_date not in days:
            continue
        score = 0
        shared = wanted_agencies & {p.agency_id for p in meeting.participations if p.agency_id}
        if len(shared) >= 2:
            score += len(shared)
        if meeting.venue and venue_words:
            overlap = venue_words & set(normalize_name(meeting.venue.name).split())
            if len(overlap) >= 2:
                score += 3
        chair_name = normalize_name(chair.get("name") or "")
        if chair_name and any(
            p.person and normalize_name(p.person.name) == chair_name for p in meeting.participations
        ):
            score += 3
        if score:
            scored.append((score, meeting))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [meeting for _score, meeting in scored[:limit]]


def _kind(proposal: dict[str, Any]) -> str:
    text = (proposal.get("meeting_kind") or "").lower()
    for needle, code in KIND_CODES.items():
        if needle in text:
            return code
    return "rakor"


def meeting_fields(proposal: dict[str, Any], resolved: Resolved | None = None) -> dict[str, Any]:
    """Field values for ``create_meeting`` from a proposal (raises if unusable)."""
    resolved = resolved or resolve(proposal)
    errors: dict[str, str] = {}
    if resolved.day is None:
        errors["starts_at"] = _("Tanggal rapat tidak ditemukan dalam teks.")
    if resolved.region is None:
        errors["region_id"] = _("Wilayah rapat tidak dikenali.")
    if errors:
        raise ValidationError(errors)
    assert resolved.day is not None and resolved.region is not None and resolved.timezone
    starts = meeting_ops.local_datetime(resolved.day, resolved.start, resolved.timezone)
    ends = (
        meeting_ops.local_datetime(resolved.day, resolved.end, resolved.timezone)
        if resolved.start and resolved.end and resolved.end > resolved.start
        else None
    )
    title = proposal.get("title") or _("Rapat koordinasi")
    notes = [w["message"] for w in proposal.get("warnings", []) if w.get("code") in DATE_DOUBTS]
    return {
        "title": title[:300],
        "kind": _kind(proposal),
        "theme": proposal.get("theme"),
        "starts_at": starts,
        "ends_at": ends,
        "timezone": resolved.timezone,
        "time_unknown": resolved.start is None,
        "region_id": resolved.region.id,
        "election_id": resolved.election.id if resolved.election else None,
        "source_note": " ".join(notes) or None,
    }


def _venue(proposal: dict[str, Any], resolved: Resolved) -> Venue | None:
    if not proposal.get("venue_name"):
        return None
    return meeting_ops.find_or_create_venue(
        proposal["venue_name"], resolved.city or resolved.region, proposal.get("venue_address")
    )


def _speaker_positions(proposal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["agency"]: s for s in proposal.get("speakers", []) if s.get("agency")}


def add_participations(
    meeting: Meeting,
    release: PressRelease,
    proposal: dict[str, Any],
    resolved: Resolved,
    user: User | None = None,
) -> int:
    """Add the proposal's agencies and groups to a meeting, with evidence; returns how many."""
    speakers = _speaker_positions(proposal)
    chair = proposal.get("chair") or {}
    existing = {p.agency_id: p for p in meeting.participations if p.agency_id}
    added = 0
    for item, candidate in resolved.agencies:
        agency = picking.as_row(candidate, user) if candidate is not None else None
        roles = set(item.get("roles") or ["attendee"])
        speaker = speakers.get(item.get("name") or "", {})
        position = speaker.get("position") or (
            chair.get("position") if chair.get("agency") == item.get("name") else None
        )
        person = None
        name = speaker.get("name") or (
            chair.get("name") if chair.get("agency") == item.get("name") else None
        )
        if name:
            person = meeting_ops.find_or_create_person(name)
        participation = existing.get(agency.id) if agency else None
        if participation is None:
            participation = meeting_ops.add_participation(
                meeting,
                {
                    "agency_id": agency.id if agency else None,
                    # Unknown offices are kept by name rather than dropped.
                    "collective_label": None if agency else item.get("name"),
                    "person_id": person.id if person else None,
                    "position": position,
                    "roles": frozenset(roles),
                    "attendance": "present"
                    if "scheduled_only" not in _codes(proposal)
                    else "unknown",
                },
                user,
            )
            added += 1
        if item.get("evidence"):
            _evidence(participation, release, item["evidence"], user)
    for label in proposal.get("collective_attendees", []):
        if any(p.collective_label == label for p in meeting.participations):
            continue
        meeting_ops.add_participation(
            meeting,
            {"collective_label": label, "roles": frozenset({"attendee"}), "attendance": "present"},
            user,
        )
        added += 1
    return added


def _evidence(
    participation: Participation, release: PressRelease, sentence: str, user: User | None
) -> None:
    if any(
        e.press_release_id == release.id and e.sentence == " ".join(sentence.split())
        for e in participation.evidence
    ):
        return
    try:
        press_ops.add_evidence(participation, release, sentence, user)
    except ValidationError:
        pass  # the sentence was cleaned of page noise and no longer quotes the body verbatim


def _codes(proposal: dict[str, Any]) -> set[str]:
    return {w.get("code") for w in proposal.get("warnings", [])}


def create_from_proposal(
    proposal: dict[str, Any],
    release: PressRelease,
    user: User | None = None,
    overrides: dict[str, Any] | None = None,
) -> Meeting:
    """Create the meeting a proposal describes, with participations and evidence."""
    resolved = resolve(proposal)
    fields = meeting_fields(proposal, resolved)
    venue = _venue(proposal, resolved)
    fields["venue_id"] = venue.id if venue else None
    fields.update(overrides or {})
    meeting = meeting_ops.create_meeting(fields, user)
    relation = "announces" if "scheduled_only" in _codes(proposal) else "reports"
    press_ops.attach_press_release(meeting, release, relation, user)
    add_participations(meeting, release, proposal, resolved, user)
    return meeting


def attach_to_existing(
    meeting: Meeting, release: PressRelease, proposal: dict[str, Any], user: User | None = None
) -> int:
    """Attach a second report to a logged meeting, adding its evidence and new agencies."""
    press_ops.attach_press_release(meeting, release, "reports", user)
    return add_participations(meeting, release, proposal, resolve(proposal), user)


# --- bulk import ------------------------------------------------------------


@dataclass
class ImportResult:
    """What happened to one file or record."""

    source: str
    outcome: str  # created, matched, needs_review, exists, rejected
    detail: str = ""
    meeting_id: int | None = None


def iter_documents(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (source name, record) from a folder of .txt/.html files or a JSONL file.

    Only regular files directly in the folder are read; links, sub-folders, FIFOs,
    devices and sockets are yielded as errors (``tracker.safefiles`` says why).
    """
    try:
        if path.is_dir():
            with safefiles.open_folder(path) as folder:
                yield from _folder_documents(folder)
        else:
            with safefiles.open_file(path) as handle:
                yield from _jsonl_documents(path.name, handle)
    except safefiles.Refused as refused:
        yield path.name, {"error": str(refused)}


def _folder_documents(folder: safefiles.Folder) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in folder.names():
        try:
            with folder.open(name) as handle:
                if Path(name).suffix.lower() not in RELEASE_SUFFIXES:
                    continue  # a regular file of another kind: not a release
                raw = safefiles.read(handle, MAX_RELEASE_BYTES)
            body = raw.decode("utf-8")
        except safefiles.Refused as refused:
            yield name, {"error": str(refused)}
        except UnicodeDecodeError:
            yield name, {"error": _("berkas bukan teks UTF-8")}
        else:
            yield name, {"body": body}


def _jsonl_documents(name: str, handle: BinaryIO) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in enumerate(safefiles.read_lines(handle, MAX_JSONL_LINE), start=1):
        record = _jsonl_record(line)
        if record is not None:
            yield f"{name}:{number}", record


def _jsonl_record(line: bytes | None) -> dict[str, Any] | None:
    """One JSONL line as a record, as an error record, or None when blank."""
    if line is None:
        size = safefiles.megabytes(MAX_JSONL_LINE)
        return {"error": _("baris terlalu panjang (paling panjang %(size)s MB)", size=size)}
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return {"error": _("baris bukan teks UTF-8")}
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except ValueError as exc:
        return {"error": str(exc)}
    if not isinstance(record, dict) or not isinstance(record.get("body"), str):
        return {"error": _('baris harus objek JSON dengan kunci "body"')}
    return record


def _published(record: dict[str, Any]) -> dict[str, Any]:
    """The record's publication: a bare day ("2024-02-12") or an instant with its zone."""
    value = str(record.get("published") or record.get("published_at") or "").strip()
    if not value:
        return {"published_date": None, "published_at": None}
    if len(value) == 10:
        return {"published_date": date.fromisoformat(value), "published_at": None}
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(_("waktu terbit tanpa zona waktu"))
    if moment.timetz().replace(tzinfo=None) == time(0):
        # A bare midnight is how a date without an hour is written ("2024-02-12T00:00:00Z"):
        # the day as given, not an hour nobody stated (issue 16; as article.publication).
        return {"published_date": moment.date(), "published_at": None}
    return {"published_date": None, "published_at": moment}


def _needs_review(release: PressRelease, detail: str, proposal: dict[str, Any]) -> str:
    """Leave a release in the staff queue with why, and the proposal's warnings."""
    keys = ("code", "message", "field", "suggested_date")
    warnings = [{k: w.get(k) for k in keys} for w in proposal.get("warnings", [])]
    release.pending_review = {"detail": detail, "warnings": warnings}
    db.session.flush()
    return detail


def import_one(source: str, record: dict[str, Any], user: User | None = None) -> ImportResult:
    """Import one release: record it, then create or match its meeting when the text is clear.

    Runs inside a savepoint, so a failure leaves nothing of this record behind.
    """
    if record.get("error"):
        return ImportResult(source, "rejected", record["error"])
    if any(isinstance(v, str) and "\x00" in v for v in record.values()):
        # PostgreSQL cannot hold NUL in text; say so instead of failing mid-import.
        return ImportResult(source, "rejected", _("berisi karakter NUL (kode 0)"))
    body = plain_body(record["body"])
    existing = press_ops.find_by_content(body)
    if existing is not None:
        return ImportResult(
            source, "exists", _("sudah diimpor sebagai siaran pers #%(id)d", id=existing.id)
        )
    try:
        with db.session.begin_nested():
            published = _published(record)
            day = published["published_date"] or (
                published["published_at"].date() if published["published_at"] else None
            )
            proposal = propose(body, day)
            release = press_ops.create_press_release(
                {
                    "outlet": record.get("outlet") or _("tidak diketahui"),
                    "url": record.get("url"),
                    "title": record.get("title") or proposal.get("title") or source,
                    "body": body,
                }
                | published,
                user,
            )
            matches = find_matches(proposal)
            if matches:
                attach_to_existing(matches[0], release, proposal, user)
                return ImportResult(source, "matched", matches[0].title, matches[0].id)
            doubts = sorted(_codes(proposal) & DATE_DOUBTS)
            if doubts:
                detail = _needs_review(release, ", ".join(doubts), proposal)
                return ImportResult(source, "needs_review", detail)
            try:
                with db.session.begin_nested():
                    meeting = create_from_proposal(proposal, release, user)
            except ValidationError as error:
                detail = _needs_review(release, "; ".join(error.errors.values()), proposal)
                return ImportResult(source, "needs_review", detail)
            return ImportResult(source, "created", meeting.title, meeting.id)
    except ValidationError as error:
        return ImportResult(
            source, "rejected", "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        )
    except ValueError as error:
        return ImportResult(source, "rejected", str(error))


def import_documents(
    documents: Iterable[tuple[str, dict[str, Any]]], user: User | None = None
) -> Iterator[ImportResult]:
    """Import each document, committing after each so earlier ones are kept."""
    for source, record in documents:
        result = import_one(source, record, user)
        db.session.commit()
        yield result
