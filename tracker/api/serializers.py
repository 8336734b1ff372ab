"""Explicit serialisers: the JSON shape is a contract, not the models' shape.

Each function takes loaded objects and returns the plain data of one model of
tracker/api/schemas.py; nothing here queries. The views validate their whole body once
against its model in tracker/api/bodies.py, then dump it (tracker/api/paging.py). The
CSV rows are in csv_rows.py.
Times are ISO 8601 in the meeting's own zone, with its offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from tracker.agencies.queries import AgencyStats

# The attendance CSV moved to tracker/api/csv_rows.py; the agency pages import it from here.
from tracker.api.csv_rows import ATTENDANCE_CSV_HEADER as ATTENDANCE_CSV_HEADER
from tracker.api.csv_rows import attendance_csv_row as attendance_csv_row
from tracker.formatting import zone_label
from tracker.meetings.queries import countdown_days
from tracker.models import (
    Agency,
    Coverage,
    Election,
    Meeting,
    Participation,
    PressRelease,
    Region,
)


def _iso(moment: datetime | None, tz_name: str | None = None) -> str | None:
    if moment is None:
        return None
    if tz_name:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(tz_name))
    return moment.isoformat()


def _stated(moment: datetime | None, meeting: Meeting) -> str | None:
    """The day alone when nobody stated the hour, else the instant in the meeting's zone."""
    if moment is None:
        return None
    if meeting.time_unknown:
        return moment.astimezone(meeting.zone).date().isoformat()
    return _iso(moment, meeting.timezone)


def region_ref(region: Region | None) -> dict[str, Any] | None:
    """A region as a short reference."""
    if region is None:
        return None
    return dict(code=region.code, name=region.name, kind=region.kind)


def region_item(region: Region, meetings: int) -> dict[str, Any]:
    """A region in full, with its public meeting count (a province's includes its regions)."""
    return dict(
        code=region.code,
        name=region.name,
        short=region.short,
        kind=region.kind,
        timezone=region.timezone,
        zone=zone_label(region.timezone),
        parent_code=region.parent.code if region.parent is not None else None,
        meetings=meetings,
    )


def _agency_link(slug: str, short_name: str) -> dict[str, Any]:
    url = url_for("api.agency", slug=slug, _external=True)
    return dict(slug=slug, short_name=short_name, url=url)


def agency_ref(agency: Agency | None) -> dict[str, Any] | None:
    """An agency as a short reference."""
    if agency is None:
        return None
    return _agency_link(agency.slug, agency.short_name)


def _agency_fields(agency: Agency, meetings: int) -> dict[str, Any]:
    return {
        "slug": agency.slug,
        "short_name": agency.short_name,
        "full_name": agency.full_name,
        "kind": agency.kind,
        "head_title": agency.head_title,
        "region": region_ref(agency.region),
        "aliases": [a.alias for a in agency.aliases],
        "valid_from": agency.valid_from.isoformat() if agency.valid_from else None,
        "valid_until": agency.valid_until.isoformat() if agency.valid_until else None,
        "meetings": meetings,
        "url": url_for("api.agency", slug=agency.slug, _external=True),
        "html_url": url_for("agencies.detail", slug=agency.slug, _external=True),
    }


def agency_item(agency: Agency, meetings: int) -> dict[str, Any]:
    """An agency with its names and public meeting count."""
    return dict(**_agency_fields(agency, meetings))


def agency_detail(agency: Agency, stats: AgencyStats) -> dict[str, Any]:
    """An agency with its attendance counts by role, by attendance, by month and partner."""
    return dict(
        **_agency_fields(agency, stats.meetings),
        by_role=dict(stats.by_role),
        by_attendance=dict(stats.by_attendance),
        per_month=[dict(month=m, meetings=n) for m, n in stats.per_month],
        meets_most_with=[
            dict(agency=_agency_link(a.slug, a.short_name), meetings=n) for a, n in stats.partners
        ],
        attendance_url=url_for("api.agency_attendance", slug=agency.slug, _external=True),
    )


def _election_fields(election: Election, meetings: int) -> dict[str, Any]:
    return {
        "slug": election.slug,
        "name": election.name,
        "kind": election.kind,
        "polling_day": election.polling_day.isoformat(),
        "scope_region": region_ref(election.scope_region),
        "meetings": meetings,
        "url": url_for("api.election", slug=election.slug, _external=True),
        "html_url": url_for("elections.detail", slug=election.slug, _external=True),
    }


def election_item(election: Election, meetings: int) -> dict[str, Any]:
    """An election with its polling day and public meeting count."""
    return dict(**_election_fields(election, meetings))


def election_detail(election: Election, meetings: int, run_up: list[Meeting]) -> dict[str, Any]:
    """An election with its public meetings up to polling day (``run_up``)."""
    return dict(
        **_election_fields(election, meetings),
        meetings_before_polling=[meeting_summary(m) for m in run_up],
    )


def _venue(meeting: Meeting) -> dict[str, Any] | None:
    venue = meeting.venue
    if venue is None:
        return None
    return dict(
        name=venue.name,
        address=venue.address,
        city=region_ref(venue.city),
        latitude=venue.latitude,
        longitude=venue.longitude,
    )


def _election_ref(election: Election | None) -> dict[str, Any] | None:
    if election is None:
        return None
    return dict(
        slug=election.slug, name=election.name, polling_day=election.polling_day.isoformat()
    )


def _participation_fields(p: Participation) -> dict[str, Any]:
    return {
        "agency": agency_ref(p.agency),
        "person": p.person.display_name if p.person is not None else None,
        "label": p.label,
        "position": p.position,
        "roles": sorted(p.roles),
        "attendance": p.attendance,
        "represented_by": p.represented_by,
    }


def participation_brief(p: Participation) -> dict[str, Any]:
    """Who took part, in which roles, and whether they came."""
    return dict(**_participation_fields(p))


def participation_detail(p: Participation) -> dict[str, Any]:
    """A participation with its topic and the sentences that show it."""
    return dict(
        **_participation_fields(p),
        topic=p.topic,
        evidence=[
            dict(press_release_id=e.press_release_id, sentence=e.sentence) for e in p.evidence
        ],
    )


def _meeting_fields(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "uid": meeting.uid,
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "status_reason": meeting.status_reason,
        "theme": meeting.theme,
        "starts_at": _iso(meeting.starts_at, meeting.timezone),
        "ends_at": _iso(meeting.ends_at, meeting.timezone),
        "local_date": meeting.local_date.isoformat(),
        "time_unknown": meeting.time_unknown,
        # What was stated: a day ("2024-02-06") when the hour is unknown, else the instant;
        # starts_at/ends_at stay as they were (local midnight for an unknown hour).
        "start": _stated(meeting.starts_at, meeting),
        "end": _stated(meeting.ends_at, meeting),
        "timezone": meeting.timezone,
        "zone": zone_label(meeting.timezone),
        "region": region_ref(meeting.region),
        "venue": _venue(meeting),
        "election": _election_ref(meeting.election),
        "days_to_polling": countdown_days(meeting),
        "url": url_for("api.meeting", meeting_id=meeting.id, _external=True),
        "html_url": url_for("meetings.detail", meeting_id=meeting.id, _external=True),
    }


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    """A meeting as listed: when, where, what, who."""
    return dict(
        **_meeting_fields(meeting),
        participants=[participation_brief(p) for p in meeting.participations],
    )


def _release_fields(release: PressRelease) -> dict[str, Any]:
    return {
        "id": release.id,
        "title": release.title,
        "outlet": release.outlet,
        "url": release.url,
        # The day as published, and the instant only when the release gave an hour.
        "published_date": release.published_date.isoformat() if release.published_date else None,
        "published_at": _iso(release.published_at),
        "published_zone": release.published_zone,
        "api_url": url_for("api.press_release", release_id=release.id, _external=True),
    }


def meeting_detail(meeting: Meeting) -> dict[str, Any]:
    """A meeting with every public detail, evidence and sources included."""
    return dict(
        **_meeting_fields(meeting),
        participants=[participation_detail(p) for p in meeting.participations],
        summary=meeting.summary,
        source_note=meeting.source_note,
        updated_at=_iso(meeting.updated_at),
        press_releases=[
            dict(**_release_fields(c.press_release), relation=c.relation) for c in meeting.coverages
        ],
    )


def attendance_line(p: Participation) -> dict[str, Any]:
    """One line of an agency's attendance history."""
    m = p.meeting
    return dict(
        meeting=dict(
            id=m.id,
            title=m.title,
            kind=m.kind,
            status=m.status,
            starts_at=_iso(m.starts_at, m.timezone),
            local_date=m.local_date.isoformat(),
            time_unknown=m.time_unknown,
            start=_stated(m.starts_at, m),
            region=region_ref(m.region),
            url=url_for("api.meeting", meeting_id=m.id, _external=True),
        ),
        person=p.person.display_name if p.person is not None else None,
        position=p.position,
        roles=sorted(p.roles),
        attendance=p.attendance,
        represented_by=p.represented_by,
        topic=p.topic,
    )


def _press_release_fields(release: PressRelease, coverages: list[Coverage]) -> dict[str, Any]:
    return _release_fields(release) | {
        "section": release.section,
        "byline": release.byline,
        "meetings": [
            dict(
                id=c.meeting.id,
                title=c.meeting.title,
                relation=c.relation,
                url=url_for("api.meeting", meeting_id=c.meeting.id, _external=True),
            )
            for c in coverages
        ],
        "html_url": url_for("press.detail", release_id=release.id, _external=True),
    }


def press_release_item(release: PressRelease, coverages: list[Coverage]) -> dict[str, Any]:
    """A press release and the public meetings it covers (pass only those)."""
    return dict(**_press_release_fields(release, coverages))


def press_release_detail(release: PressRelease, coverages: list[Coverage]) -> dict[str, Any]:
    """A press release with its text when shown in full, and the public meetings it covers."""
    # A news outlet's article stays at its source: the text only for a release staff
    # marked to be shown in full (an official one); the evidence is on each meeting.
    return dict(
        **_press_release_fields(release, coverages),
        shown_in_full=release.shown_in_full,
        body=release.body if release.shown_in_full else None,
    )
