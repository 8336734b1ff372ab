"""Write a proposal to the database: its meeting, participations and evidence."""

from __future__ import annotations

from typing import Any

from tracker.agencies import picking
from tracker.i18n import gettext as _
from tracker.meetings import operations as meeting_ops
from tracker.models import Meeting, Participation, PressRelease, User, Venue
from tracker.press import operations as press_ops
from tracker.press.proposal import Resolved, resolve
from tracker.validation import ValidationError

# Warnings that mean the date needs a person's judgement before a meeting is made.
DATE_DOUBTS = {"weekday_mismatch", "several_dates", "date_missing", "countdown_mismatch"}
KIND_CODES = {
    "rakor forkopimda": "rakor_forkopimda",
    "rapat terbatas": "rapat_terbatas",
    "rapat kerja": "rapat_kerja",
    "apel": "apel",
    "sosialisasi": "sosialisasi",
}


def meeting_kind(proposal: dict[str, Any]) -> str:
    """The meeting kind code the proposal's wording names, else plain rakor."""
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
        "kind": meeting_kind(proposal),
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
                    if "scheduled_only" not in warning_codes(proposal)
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


def warning_codes(proposal: dict[str, Any]) -> set[str]:
    """The codes of the proposal's warnings."""
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
    relation = "announces" if "scheduled_only" in warning_codes(proposal) else "reports"
    press_ops.attach_press_release(meeting, release, relation, user)
    add_participations(meeting, release, proposal, resolved, user)
    return meeting


def attach_to_existing(
    meeting: Meeting, release: PressRelease, proposal: dict[str, Any], user: User | None = None
) -> int:
    """Attach a second report to a logged meeting, adding its evidence and new agencies."""
    press_ops.attach_press_release(meeting, release, "reports", user)
    return add_participations(meeting, release, proposal, resolve(proposal), user)
