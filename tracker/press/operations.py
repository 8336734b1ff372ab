"""Write operations for press releases, coverage and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tracker import changes
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import (
    COVERAGE_RELATIONS,
    Coverage,
    Evidence,
    Meeting,
    Participation,
    PressRelease,
    User,
    content_hash,
)
from tracker.models.press_release import ReleaseSnapshot
from tracker.validation import ValidationError, check

RELEASE_FIELDS = (
    "outlet",
    "url",
    "title",
    "section",
    "byline",
    "published_date",
    "published_at",
    "published_zone",
    "body",
    "retrieved_at",
    "shown_in_full",
)
# Offsets a page's metadata gives, read as the Indonesian zone they name (WIT for +09:00).
ZONES_BY_OFFSET = {7: "Asia/Jakarta", 8: "Asia/Makassar", 9: "Asia/Jayapura"}
DEFAULT_ZONE = "Asia/Jakarta"


def zone_of(moment: datetime) -> str | None:
    """The IANA zone an aware datetime was given in, when it names an Indonesian one."""
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return str(key)
    offset = moment.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else None
    return ZONES_BY_OFFSET.get(int(hours)) if hours is not None and hours.is_integer() else None


def _publication(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Fill the day and zone from a known instant; a bare day stays a day."""
    moment, day = values.get("published_at"), values.get("published_date")
    if isinstance(day, datetime) or (day is not None and not isinstance(day, date)):
        errors["published_date"] = _("Bukan tanggal yang sah.")
        return
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return  # no instant, or a naive one refused below
    zone = values.get("published_zone") or zone_of(moment)
    try:
        ZoneInfo(zone or DEFAULT_ZONE)
    except (ValueError, KeyError):
        errors["published_zone"] = _("Zona waktu tidak dikenal.")
        return
    values["published_zone"] = zone
    if day is None:
        values["published_date"] = moment.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()


def _validate(values: dict[str, Any], release_id: int | None = None) -> None:
    errors: dict[str, str] = {}
    for key in ("outlet", "title", "url", "section", "byline"):
        if isinstance(values.get(key), str):
            values[key] = " ".join(values[key].split()) or None
    for key in ("outlet", "title"):
        if not values.get(key):
            errors[key] = _("Wajib diisi.")
    # Off unless staff say so (the intake and other callers do not pass it).
    values["shown_in_full"] = bool(values.get("shown_in_full"))
    if not (values.get("body") or "").strip():
        errors["body"] = _("Isi siaran pers wajib diisi.")
    url = values.get("url")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["url"] = _("Alamat harus dimulai dengan http:// atau https://.")
        else:
            other = db.session.execute(
                db.select(PressRelease.id).filter_by(url=url)
            ).scalar_one_or_none()
            if other is not None and other != release_id:
                errors["url"] = _("Siaran pers dengan alamat ini sudah tercatat.")
    for key in ("published_at", "retrieved_at"):
        value = values.get(key)
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            errors[key] = _("Waktu harus disertai zona waktu.")
    _publication(values, errors)
    check(errors)


def find_by_content(body: str) -> PressRelease | None:
    """Return a release already recorded with the same text, if any."""
    return db.session.execute(
        db.select(PressRelease).filter_by(content_hash=content_hash(body)).limit(1)
    ).scalar_one_or_none()


def find_by_url(url: str | None) -> PressRelease | None:
    """Return the release recorded at this address, or whose archived page ended there."""
    url = (url or "").strip()
    if not url:
        return None
    found = db.session.execute(
        db.select(PressRelease).filter_by(url=url).limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found
    return db.session.execute(
        db.select(PressRelease)
        .join(ReleaseSnapshot, ReleaseSnapshot.press_release_id == PressRelease.id)
        .where(db.or_(ReleaseSnapshot.final_url == url, ReleaseSnapshot.requested_url == url))
        .limit(1)
    ).scalar_one_or_none()


def create_press_release(data: Mapping[str, Any], user: User | None = None) -> PressRelease:
    """Record a press release; its URL must be new."""
    values: dict[str, Any] = {f: data.get(f) for f in RELEASE_FIELDS}
    _validate(values)
    release = PressRelease(**values, content_hash=content_hash(values["body"]))
    db.session.add(release)
    db.session.flush()
    snap = changes.snapshot(release, RELEASE_FIELDS)
    snap.pop("body")  # the body is kept on the record itself, not copied into the log
    changes.record("press_release", release.id, "create", changes.diff({}, snap), user)
    return release


def update_press_release(
    release: PressRelease, data: Mapping[str, Any], user: User | None = None
) -> dict[str, list[Any]]:
    """Change a press release's fields."""
    values = {f: getattr(release, f) for f in RELEASE_FIELDS}
    if "published_at" in data:
        # A new instant brings its own day and zone unless those are given too.
        values |= {"published_date": None, "published_zone": None}
    values.update({k: v for k, v in data.items() if k in RELEASE_FIELDS})
    _validate(values, release.id)
    before = changes.snapshot(release, RELEASE_FIELDS)
    for field in RELEASE_FIELDS:
        setattr(release, field, values[field])
    release.content_hash = content_hash(release.body)
    delta = changes.diff(before, changes.snapshot(release, RELEASE_FIELDS))
    if "body" in delta:
        delta["body"] = [_("(teks lama)"), _("(teks baru)")]
    if delta:
        changes.record("press_release", release.id, "update", delta, user)
        db.session.flush()
    return delta


def attach_press_release(
    meeting: Meeting,
    release: PressRelease,
    relation: str = "reports",
    user: User | None = None,
) -> Coverage:
    """Link a press release to a meeting it reports, announces or mentions."""
    if relation not in COVERAGE_RELATIONS:
        raise ValidationError({"relation": _("Hubungan tidak dikenal.")})
    release.pending_review = None  # it reports a meeting now: off the staff queue
    for coverage in meeting.coverages:
        if coverage.press_release_id == release.id:
            if coverage.relation != relation:
                changes.record(
                    "coverage",
                    coverage.id,
                    "update",
                    {"relation": [coverage.relation, relation]},
                    user,
                    meeting.id,
                )
                coverage.relation = relation
                db.session.flush()
            return coverage
    coverage = Coverage(press_release=release, relation=relation)
    meeting.coverages.append(coverage)
    db.session.flush()
    changes.record(
        "coverage",
        coverage.id,
        "create",
        {"press_release_id": [None, release.id], "relation": [None, relation]},
        user,
        meeting.id,
    )
    return coverage


def detach_press_release(meeting: Meeting, release: PressRelease, user: User | None = None) -> None:
    """Unlink a press release from a meeting, with its evidence there."""
    for coverage in list(meeting.coverages):
        if coverage.press_release_id == release.id:
            changes.record(
                "coverage",
                coverage.id,
                "delete",
                {"press_release_id": [release.id, None]},
                user,
                meeting.id,
            )
            meeting.coverages.remove(coverage)
    for participation in meeting.participations:
        for item in list(participation.evidence):
            if item.press_release_id == release.id:
                participation.evidence.remove(item)
    db.session.flush()


def add_evidence(
    participation: Participation,
    release: PressRelease,
    sentence: str,
    user: User | None = None,
) -> Evidence:
    """Attach the sentence that supports a participation; links the release too."""
    sentence = " ".join((sentence or "").split())
    if not sentence:
        raise ValidationError({"sentence": _("Kalimat bukti wajib diisi.")})
    if " ".join(sentence.lower().split()) not in " ".join(release.body.lower().split()):
        raise ValidationError({"sentence": _("Kalimat ini tidak ada di siaran pers tersebut.")})
    attach_press_release(participation.meeting, release, user=user)
    item = Evidence(press_release=release, sentence=sentence)
    participation.evidence.append(item)
    db.session.flush()
    changes.record(
        "evidence",
        item.id,
        "create",
        {"press_release_id": [None, release.id], "sentence": [None, sentence]},
        user,
        participation.meeting_id,
    )
    return item
