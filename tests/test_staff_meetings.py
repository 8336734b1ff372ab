"""Staff meeting forms: create with rows, edit safely, postpone, cancel, history."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import text
from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.meetings import operations as meeting_ops
from tracker.models import ChangeLog, Election, Meeting, Region, Venue

SEED_ROWS = [
    {
        "agency_name": "Pemprov Kaltim",
        "person_name": "Akmal Malik",
        "position": "Pj Gubernur Kaltim",
        "roles": ["chair", "host", "speaker"],
        "attendance": "present",
    },
    {"agency_name": "Polda Kaltim", "position": "Kapolda Kaltim", "roles": ["speaker"]},
    {
        "agency_name": "Kodam VI Mulawarman",  # an alias: resolved to Kodam VI/Mulawarman
        "position": "Kasdam VI/Mulawarman",
        "roles": ["speaker"],
        "attendance": "represented",
        "represented_by": "Kasdam VI/Mulawarman",
    },
    {"agency_name": "DPRD Kaltim", "position": "Ketua DPRD Kaltim", "roles": ["speaker"]},
    {"agency_name": "Kejati Kaltim", "roles": ["speaker"]},
    {"agency_name": "Bawaslu Kaltim", "roles": ["speaker"]},
    {"agency_name": "KPU Kaltim", "roles": ["speaker"]},
]


def _id(model: Any, **by: Any) -> int:
    return db.session.execute(db.select(model.id).filter_by(**by)).scalar_one()


def meeting_data(rows: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """Form data as a browser posts it: the meeting fields and numbered participant rows."""
    data: dict[str, Any] = {
        "title": "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024",
        "kind": "rakor_forkopimda",
        "region": str(_id(Region, code="64")),
        "start_date": "2024-02-06",
        "start_time": "",
        "end_time": "",
        "time_unknown": "y",
        "timezone": "",
        "venue": "None",
        "new_venue_name": "Hotel Novotel Balikpapan",
        "new_venue_address": "Jalan Brigjen Ery Suparjan No. 2",
        "new_venue_city": str(_id(Region, code="64.71")),
        "election": str(_id(Election, slug="pemilu-2024")),
        "visibility": "public",
        "source_note": "",
        "theme": "",
        "summary": "",
    }
    for index, row in enumerate(rows if rows is not None else SEED_ROWS):
        values = {"attendance": "present", **row}
        for key, value in values.items():
            data[f"participations-{index}-{key}"] = value
    data.update(overrides)
    return data


def _staff(client: Any, role: str = "editor", email: str = "") -> Any:
    user = make_user(email or f"{role}@kaltim.example", role=role, name=f"Staf {role.title()}")
    login(client, user.email)
    return user


def _create(client: Any, **overrides: Any) -> Meeting:
    response = client.post("/staff/meetings/new", data=meeting_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return db.session.get(Meeting, meeting_id)


def test_every_control_of_the_meeting_form_has_a_label(client):
    _staff(client)
    html = client.get("/staff/meetings/new").get_data(as_text=True)
    controls = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html)
    hidden = set(re.findall(r'<input\b[^>]*\bid="([^"]+)"[^>]*type="hidden"', html))
    hidden |= set(re.findall(r'<input\b[^>]*type="hidden"[^>]*\bid="([^"]+)"', html))
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    visible = [c for c in controls if c not in hidden]
    assert len(visible) > 20
    assert [c for c in visible if c not in labels] == []
    assert 'src="/static/js/staff-meetings.js"' in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    # No list of every body: the "Cari" button and the script search instead.
    assert "<datalist" not in html and 'value="Polda Kaltim"' not in html
    assert 'name="find_agency"' in html


def test_journey_create_the_seed_meeting_postpone_cancel_history(client):
    editor = _staff(client)
    meeting = _create(client)
    assert meeting.timezone == "Asia/Makassar"  # the zone of Kalimantan Timur, by default
    assert meeting.time_unknown is True
    assert meeting.local_start == datetime(2024, 2, 6, 0, 0, tzinfo=meeting.zone)
    assert meeting.venue.name == "Hotel Novotel Balikpapan"
    assert meeting.venue.city.name == "Balikpapan"
    assert [p.label for p in meeting.participations] == [
        "Pemprov Kaltim",
        "Polda Kaltim",
        "Kodam VI/Mulawarman",
        "DPRD Kaltim",
        "Kejati Kaltim",
        "Bawaslu Kaltim",
        "KPU Kaltim",
    ]
    chair = meeting.chair
    assert chair.person.name == "Akmal Malik" and chair.position == "Pj Gubernur Kaltim"
    assert chair.roles == {"chair", "host", "speaker"}
    kodam = meeting.participations[2]
    assert kodam.attendance == "represented" and kodam.represented_by == "Kasdam VI/Mulawarman"

    page = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    assert "Selasa, 6 Februari 2024 (WITA, jam tidak disebutkan)" in page

    sequence = meeting.sequence
    response = client.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-02-08", "start_time": "09:00", "reason": "Menunggu Pj Gubernur"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "postponed" and meeting.sequence > sequence
    assert meeting.local_start == datetime(2024, 2, 8, 9, 0, tzinfo=meeting.zone)

    sequence = meeting.sequence
    response = client.post(
        f"/staff/meetings/{meeting.id}/cancel", data={"reason": "Digabung dengan rakor nasional"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "cancelled" and meeting.sequence > sequence

    history = client.get(f"/staff/meetings/{meeting.id}/history").get_data(as_text=True)
    for step in ("Rapat dicatat", "Peserta ditambahkan", "Rapat ditunda", "Rapat dibatalkan"):
        assert step in history, step
    assert history.count("Peserta ditambahkan") == 7
    assert "Staf Editor" in history  # who
    assert "Kamis, 8 Februari 2024 pukul 09.00 WITA" in history  # the new start, in WITA
    assert "Menunggu Pj Gubernur" in history
    assert "Digabung dengan rakor nasional" in history
    assert "Dijadwalkan" in history and "Ditunda" in history and "Dibatalkan" in history
    assert "Hotel Novotel Balikpapan" in history  # the venue by name, not its id
    assert "KPU Kaltim" in history

    public = client.get(f"/meetings/{meeting.id}/history").get_data(as_text=True)
    assert "Riwayat perubahan" in public
    assert "Rapat dibatalkan" in public and "Rapat ditunda" in public
    assert editor.name not in public  # the public sees when and what, never who


def test_change_log_holds_before_and_after_for_each_write(client):
    _staff(client)
    meeting = _create(client)
    form = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', form).group(1)
    data = meeting_data(
        title="Rakor Forkopimda Kaltim (diperbarui)",
        time_unknown="",
        start_time="09:00",
        end_time="12:00",
        venue=str(meeting.venue_id),
        new_venue_name="",
        version=version,
    )
    for index, participation in enumerate(meeting.participations):
        data[f"participations-{index}-participation_id"] = str(participation.id)
    data["participations-1-attendance"] = "represented"
    data["participations-1-represented_by"] = "Wakapolda Kaltim"
    assert client.post(f"/staff/meetings/{meeting.id}/edit", data=data).status_code == 302
    client.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-02-07", "time_unknown": "y", "reason": "Ruang dipakai"},
    )
    client.post(f"/staff/meetings/{meeting.id}/cancel", data={"reason": "Batal"})

    def entry(entity: str, action: str) -> dict[str, Any]:
        return (
            db.session.execute(
                db.select(ChangeLog)
                .filter_by(meeting_id=meeting.id, entity=entity, action=action)
                .order_by(ChangeLog.id.desc())
            )
            .scalars()
            .first()
            .changes
        )

    created = entry("meeting", "create")
    assert created["title"] == [None, "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024"]
    assert created["timezone"] == [None, "Asia/Makassar"]
    edited = entry("meeting", "update")
    assert edited["title"] == [
        "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024",
        "Rakor Forkopimda Kaltim (diperbarui)",
    ]
    assert edited["time_unknown"] == [True, False]
    assert edited["starts_at"] == ["2024-02-05T16:00:00+00:00", "2024-02-06T01:00:00+00:00"]
    represented = entry("participation", "update")
    assert represented["attendance"] == ["present", "represented"]
    assert represented["represented_by"] == [None, "Wakapolda Kaltim"]
    postponed = entry("meeting", "postpone")
    assert postponed["status"] == ["scheduled", "postponed"]
    assert postponed["starts_at"] == ["2024-02-06T01:00:00+00:00", "2024-02-06T16:00:00+00:00"]
    cancelled = entry("meeting", "cancel")
    assert cancelled["status"] == ["postponed", "cancelled"]
    assert cancelled["status_reason"] == ["Ruang dipakai", "Batal"]


def _edit_data(client: Any, meeting: Meeting) -> dict[str, Any]:
    """What the edit form posts back unchanged, read from the rendered form."""
    html = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    hidden = dict(
        re.findall(r'id="(version|seen_change)" name="\1" type="hidden" value="(\d+)"', html)
    )
    data = meeting_data(
        venue=str(meeting.venue_id), new_venue_name="", new_venue_city="None", **hidden
    )
    for index, participation in enumerate(meeting.participations):
        data[f"participations-{index}-participation_id"] = str(participation.id)
    return data


def test_second_edit_from_the_same_version_is_refused(client, app):
    _staff(client, email="ani@kaltim.example")
    meeting = _create(client)
    other = app.test_client()
    _staff(other, email="budi@kaltim.example")
    first = _edit_data(client, meeting)
    second = _edit_data(other, meeting)

    first["title"] = "Judul dari Ani"
    assert client.post(f"/staff/meetings/{meeting.id}/edit", data=first).status_code == 302

    second["title"] = "Judul dari Budi"
    second["participations-1-topic"] = "Topik yang Budi ketik"
    response = other.post(f"/staff/meetings/{meeting.id}/edit", data=second)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "sudah diubah orang lain" in html
    assert 'value="Judul dari Budi"' in html  # Budi's input is kept on the form
    assert 'value="Topik yang Budi ketik"' in html
    conflict = html[html.index('class="conflict"') :]
    assert "Judul dari Ani" in conflict and "Ani" in conflict  # what changed, and who
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.title == "Judul dari Ani"  # the first save survives
    assert all(p.topic is None for p in meeting.participations)

    # The refused form now carries the current version: saving again is deliberate.
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    assert int(version.group(1)) == meeting.version


def test_concurrent_flush_is_caught_as_a_conflict(client, monkeypatch):
    _staff(client)
    meeting = _create(client)
    data = _edit_data(client, meeting)
    data["title"] = "Tidak akan tersimpan"
    real = meeting_ops.update_meeting

    def racing(meeting: Meeting, *args: Any, **kwargs: Any) -> Any:
        # Another worker commits between our version check and our UPDATE.
        db.session.execute(
            text("UPDATE meeting SET version = version + 1 WHERE id = :id"), {"id": meeting.id}
        )
        return real(meeting, *args, **kwargs)

    monkeypatch.setattr(meeting_ops, "update_meeting", racing)
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 409
    assert 'value="Tidak akan tersimpan"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title != "Tidak akan tersimpan"


def test_rows_are_added_and_removed_without_javascript(client):
    _staff(client)
    data = meeting_data(rows=SEED_ROWS[:3], title="Judul yang sudah diketik")
    data["add_row"] = "1"
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="participations-3-agency_name"' in html  # a fourth, empty row
    assert 'value="Judul yang sudah diketik"' in html
    assert 'value="Kodam VI Mulawarman"' in html
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 0

    data = meeting_data(rows=SEED_ROWS[:3], title="Judul yang sudah diketik")
    data["remove_row"] = "1"
    html = client.post("/staff/meetings/new", data=data).get_data(as_text=True)
    assert 'type="text" value="Polda Kaltim"' not in html
    # The row after the removed one moves up and keeps its values and checkboxes.
    assert 'name="participations-1-agency_name" type="text" value="Kodam VI Mulawarman"' in html
    assert re.search(
        r'checked[^>]*id="participations-0-roles-0"|id="participations-0-roles-0"[^>]*checked', html
    )
    assert 'name="participations-2-agency_name"' not in html


def test_rejected_meeting_keeps_input_and_marks_each_field(client):
    _staff(client)
    rows = [*SEED_ROWS[:2], {"agency_name": "Polda Atlantis", "roles": ["speaker"]}]
    data = meeting_data(rows=rows, title="", start_date="2024-02-31")
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and "Judul wajib diisi." in html
    assert 'id="start_date-error"' in html and "Bukan tanggal yang sah." in html
    assert 'value="Hotel Novotel Balikpapan"' in html
    assert 'value="Akmal Malik"' in html
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 0

    # Once the meeting fields are right, a bad row still stops the whole save.
    response = client.post("/staff/meetings/new", data=meeting_data(rows=rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="participations-2-agency_name-error"' in html
    assert "Polda Atlantis" in html and "tidak ditemukan" in html
    assert 'aria-invalid="true"' in html
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 0
    assert db.session.execute(db.select(db.func.count(Venue.id))).scalar() == 0


def test_end_before_start_is_shown_with_the_other_errors(client):
    _staff(client)
    data = meeting_data(title="", time_unknown="", start_time="10:00", end_time="09:00")
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html
    assert 'id="end_time-error"' in html and "tidak boleh sebelum waktu mulai" in html
    assert 'value="10:00"' in html and 'value="09:00"' in html


def test_time_is_required_unless_marked_not_stated(client):
    _staff(client)
    response = client.post("/staff/meetings/new", data=meeting_data(time_unknown=""))
    assert response.status_code == 422
    assert "Isi jam mulai, atau centang" in response.get_data(as_text=True)


def test_zone_defaults_to_the_region_and_can_be_set(client):
    _staff(client)
    jakarta = _create(
        client,
        rows=[],
        region=str(_id(Region, code="31")),
        time_unknown="",
        start_time="13:30",
        new_venue_name="",
        new_venue_address="",  # an address without a venue name is refused, not dropped
        new_venue_city="None",
    )
    assert jakarta.timezone == "Asia/Jakarta"
    assert jakarta.local_start.hour == 13
    explicit = _create(client, rows=[], timezone="Asia/Jayapura")
    assert explicit.timezone == "Asia/Jayapura"


def test_staff_see_internal_meetings_the_public_does_not(client, make_meeting):
    internal = make_meeting(title="Rapat tertutup", visibility="internal")
    assert client.get(f"/meetings/{internal.id}").status_code == 404
    _staff(client)
    assert "Rapat tertutup" in client.get("/staff/meetings/").get_data(as_text=True)
    page = client.get(f"/staff/meetings/{internal.id}")
    assert page.status_code == 200
    assert client.get(f"/staff/meetings/{internal.id}/history").status_code == 200


def test_public_history_only_for_public_meetings(app, make_meeting):
    from tracker.meetings.history import public_meeting_history

    public = make_meeting()
    internal = make_meeting(visibility="internal")
    assert [e.action for e in public_meeting_history(public)] == ["Rapat dicatat"]
    assert all(e.actor is None for e in public_meeting_history(public))
    assert public_meeting_history(internal) == []


def test_cancel_needs_a_reason_and_postpone_a_date(client, make_meeting):
    meeting = make_meeting()
    _staff(client)
    response = client.post(f"/staff/meetings/{meeting.id}/cancel", data={"reason": " "})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    response = client.post(f"/staff/meetings/{meeting.id}/postpone", data={"start_date": ""})
    assert response.status_code == 422
    assert "Tanggal wajib diisi." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "scheduled"
    client.post(f"/staff/meetings/{meeting.id}/held")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "held"


def test_marking_a_held_meeting_held_again_changes_nothing_and_says_so(client, make_meeting):
    meeting = make_meeting()
    _staff(client)
    first = client.post(f"/staff/meetings/{meeting.id}/held", follow_redirects=True)
    assert "Rapat ditandai terlaksana." in first.get_data(as_text=True)
    db.session.expire_all()
    held = db.session.get(Meeting, meeting.id)
    before = (held.status, held.version, held.sequence, held.updated_at)
    entries = db.session.execute(
        db.select(db.func.count()).select_from(ChangeLog).filter_by(meeting_id=meeting.id)
    ).scalar_one()
    again = client.post(f"/staff/meetings/{meeting.id}/held", follow_redirects=True)
    assert "Rapat ini sudah tercatat terlaksana; tidak ada yang diubah." in again.get_data(
        as_text=True
    )
    db.session.expire_all()
    held = db.session.get(Meeting, meeting.id)
    assert (held.status, held.version, held.sequence, held.updated_at) == before
    assert (
        db.session.execute(
            db.select(db.func.count()).select_from(ChangeLog).filter_by(meeting_id=meeting.id)
        ).scalar_one()
        == entries
    )
    assert meeting_ops.mark_held(held) is False


def test_agency_search_covers_names_and_aliases(client):
    _staff(client)
    results = client.get("/staff/agencies/search?q=Kodam VI Mlw").get_json()["results"]
    assert results[0]["short_name"] == "Kodam VI/Mulawarman"
    assert results[0]["matched_alias"] == "Kodam VI/Mlw"
    results = client.get("/staff/agencies/search?q=kpud kaltim").get_json()["results"]
    assert [r["slug"] for r in results] == ["kpu-kaltim"]
    assert client.get("/staff/agencies/search?q=%25").get_json()["results"] == []
