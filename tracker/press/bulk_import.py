"""Bulk import of press releases: read files or JSONL records, record each, make its meeting."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from tracker import safefiles
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import PressRelease, User
from tracker.press import operations as press_ops
from tracker.press.from_proposal import (
    DATE_DOUBTS,
    attach_to_existing,
    create_from_proposal,
    warning_codes,
)
from tracker.press.matching import find_matches
from tracker.press.proposal import plain_body, propose
from tracker.validation import ValidationError

# Largest release file read (as the upload on the review form); real ones are a few kB.
MAX_RELEASE_BYTES = 1_000_000
# A JSONL line holds one release as JSON, whose escapes can make it a few times longer.
MAX_JSONL_LINE = 8_000_000
RELEASE_SUFFIXES = (".txt", ".html", ".htm")


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
            doubts = sorted(warning_codes(proposal) & DATE_DOUBTS)
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
