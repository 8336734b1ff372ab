"""The public history page (issue 16): a meeting's changes edit by edit, without who or
internal fields, and one line about it on the meeting page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from test_staff_meetings import _create, _edit_data, _staff

from tracker import changes
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.meetings import public_history
from tracker.models import Agency, ChangeLog, Meeting
from tracker.press import operations as press_ops

BODY = (
    "Balikpapan - Bawaslu Kaltim memaparkan pengawasan kampanye dalam rakor, Selasa (6/2/2024). "
    "KPU Kaltim menyampaikan kesiapan logistik."
)


def _text(response: Any) -> str:
    """The page's visible text, tags dropped, spaces squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _edits(client: Any, meeting_id: int) -> list[str]:
    """Each edit on the public history page as its text."""
    html = client.get(f"/meetings/{meeting_id}/history").get_data(as_text=True)
    items = re.findall(r'<li>\s*<h2 class="history-head">(.*?)</ul>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def _agency(slug: str) -> Agency:
    return db.session.execute(db.select(Agency).filter_by(slug=slug)).scalar_one()


def test_one_save_of_three_fields_is_one_edit(client, make_meeting):
    meeting = make_meeting(theme=None, summary=None)
    ops.update_meeting(
        meeting,
        {"title": "Rakor Pengawasan Kampanye", "theme": "Pemilu damai", "summary": "Ringkas."},
    )
    db.session.commit()
    ops.update_meeting(meeting, {"source_note": "Dari rilis Bawaslu"})
    db.session.commit()

    edits = _edits(client, meeting.id)
    assert len(edits) == 3  # newest first: the note, the three fields, the creation
    assert "Catatan sumber: — → Dari rilis Bawaslu" in edits[0]
    assert "Judul: Rakor Kesiapan Pemilu 2024 → Rakor Pengawasan Kampanye" in edits[1]
    assert "Tema: — → Pemilu damai" in edits[1] and "Ringkasan: — → Ringkas." in edits[1]
    assert "Rapat dicatat" in edits[2] and "Judul" not in edits[2]
    rows = db.session.execute(
        db.select(ChangeLog.batch).filter_by(meeting_id=meeting.id).order_by(ChangeLog.id)
    ).scalars()
    assert len(set(rows)) == 3  # one batch per commit, whatever the clock says


def test_a_staff_save_with_participants_is_one_edit(client, app):
    """The staff form's edit writes a meeting entry and a participant entry: one edit."""
    editor = _staff(client)
    meeting = _create(client)
    data = _edit_data(client, meeting)
    data["title"] = "Rakor Forkopimda Kaltim (diperbarui)"
    data["participations-1-attendance"] = "represented"
    data["participations-1-represented_by"] = "Wakapolda Kaltim"
    assert client.post(f"/staff/meetings/{meeting.id}/edit", data=data).status_code == 302

    edits = _edits(client, meeting.id)
    assert len(edits) == 2
    assert "Judul: Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024 → Rakor Forkopimda" in edits[0]
    assert "Peserta diubah: Polda Kaltim — Kehadiran: Hadir → Diwakili" in edits[0]
    assert "Diwakili oleh: — → Wakapolda Kaltim" in edits[0]
    assert "Rapat dicatat" in edits[1]
    assert edits[1].count("Peserta ditambahkan") == 7
    assert "Peserta ditambahkan: Pemprov Kaltim" in edits[1]
    page = client.get(f"/meetings/{meeting.id}/history").get_data(as_text=True)
    assert editor.name not in page and editor.email not in page


def test_sentences_leave_internal_fields_out(client, make_meeting):
    meeting = make_meeting(visibility="internal")
    release = press_ops.create_press_release(
        {
            "outlet": "humas.example",
            "url": "https://humas.example/rakor-bawaslu",
            "title": "Bawaslu Kaltim Paparkan Pengawasan",
            "body": BODY,
        }
    )
    part = ops.add_participation(
        meeting, {"agency_id": _agency("bawaslu-kaltim").id, "roles": frozenset({"speaker"})}
    )
    press_ops.add_evidence(part, release, "Bawaslu Kaltim memaparkan pengawasan kampanye")
    db.session.commit()
    ops.update_participation(part, {"order": 5})  # bookkeeping alone: no edit shown
    db.session.commit()
    ops.update_meeting(meeting, {"visibility": "public", "title": "Rakor Bawaslu"})
    db.session.commit()

    edits = _edits(client, meeting.id)
    assert len(edits) == 3
    assert edits[0].endswith("Judul: Rakor Kesiapan Pemilu 2024 → Rakor Bawaslu")
    added = edits[1]
    assert "Peserta ditambahkan: Bawaslu Kaltim (Pemateri)" in added
    assert "Sumber ditambahkan: Bawaslu Kaltim Paparkan Pengawasan (humas.example)" in added
    assert "1 kalimat bukti ditambahkan dari Bawaslu Kaltim Paparkan Pengawasan" in added
    page = _text(client.get(f"/meetings/{meeting.id}/history"))
    for hidden in ("Urutan", "sequence", "version", "Visibilitas", "merged", "created_by", "#"):
        assert hidden not in page, hidden
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}T", page)  # no raw stamps


def test_unknown_hours_show_the_date_only(client, make_meeting):
    meeting = make_meeting(
        starts_at=datetime(2024, 2, 6, 0, 0, tzinfo=UTC),
        ends_at=None,
        time_unknown=True,
        timezone="Asia/Makassar",
    )
    ops.update_meeting(meeting, {"starts_at": datetime(2024, 2, 7, 0, 0, tzinfo=UTC)})
    db.session.commit()
    ops.update_meeting(
        meeting, {"starts_at": datetime(2024, 2, 7, 1, 0, tzinfo=UTC), "time_unknown": False}
    )
    db.session.commit()

    edits = _edits(client, meeting.id)
    assert (
        "Mulai: Rabu, 7 Februari 2024 (WITA) → Rabu, 7 Februari 2024 pukul 09.00 WITA" in (edits[0])
    )
    assert "Mulai: Selasa, 6 Februari 2024 (WITA) → Rabu, 7 Februari 2024 (WITA)" in edits[1]
    assert "pukul 08.00" not in " ".join(edits)  # UTC midnight, never stated


def test_internal_meetings_have_no_history_page(client, make_meeting):
    internal = make_meeting(title="Rapat tertutup", visibility="internal")
    assert client.get(f"/meetings/{internal.id}/history").status_code == 404
    assert client.get("/meetings/999999/history").status_code == 404
    assert public_history.public_edits(internal) == []
    public = make_meeting()
    assert client.get(f"/meetings/{public.id}/history?page=2").status_code == 404


def test_meeting_page_has_one_line_and_a_link(client, make_meeting):
    meeting = make_meeting()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "history-changes" not in page and '<table class="history' not in page
    link = f'href="/meetings/{meeting.id}/history"'
    assert link in page
    assert "Dicatat <time" in page
    assert "Terakhir diubah" not in page

    ops.update_meeting(meeting, {"title": "Rakor yang diubah"})
    db.session.commit()
    ops.cancel_meeting(meeting, "Batal")
    db.session.commit()
    text = _text(client.get(f"/meetings/{meeting.id}"))
    stamp = db.session.execute(
        db.select(db.func.max(ChangeLog.at)).filter_by(meeting_id=meeting.id)
    ).scalar_one()
    local = stamp.astimezone(meeting.zone)
    line = (
        rf"Terakhir diubah \w+, {local.day} \w+ {local.year} pukul {local:%H.%M} WITA"
        r" · Lihat riwayat perubahan \(2 perubahan\)"
    )
    assert re.search(line, text), text
    assert "Rapat dibatalkan" not in text and "Riwayat perubahan" not in text

    client.set_cookie("lang", "en")
    english = _text(client.get(f"/meetings/{meeting.id}"))
    assert "Last changed" in english and "See the change history (2 changes)" in english
    history = _text(client.get(f"/meetings/{meeting.id}/history"))
    assert "Change history" in history and "Back to the meeting" in history


def test_older_entries_without_a_batch_group_by_user_and_second(app, make_meeting):
    meeting = make_meeting()
    at = datetime.now(UTC) + timedelta(hours=1)
    for offset, title in ((0, "A"), (0.4, "B"), (5, "C")):
        entry = changes.record(
            "meeting", meeting.id, "update", {"title": [None, title]}, meeting_id=meeting.id
        )
        entry.at = at + timedelta(seconds=offset)
        db.session.flush()
    db.session.execute(
        db.update(ChangeLog).where(ChangeLog.meeting_id == meeting.id).values(batch=None)
    )
    db.session.commit()
    db.session.expire_all()
    edits = public_history.public_edits(db.session.get(Meeting, meeting.id))
    assert [len(e.lines) for e in edits] == [1, 2, 1]  # C; A and B; the creation
    assert edits[1].lines == ["Judul: — → A", "Judul: — → B"]


def test_history_pages_hold_fifty_edits(client, make_meeting):
    meeting = make_meeting()
    for number in range(public_history.PER_PAGE + 1):
        ops.update_meeting(meeting, {"title": f"Rakor ke-{number}"})
        db.session.commit()
    first = client.get(f"/meetings/{meeting.id}/history")
    assert first.status_code == 200
    assert len(_edits(client, meeting.id)) == public_history.PER_PAGE
    assert f'href="/meetings/{meeting.id}/history?page=2"' in first.get_data(as_text=True)
    second = client.get(f"/meetings/{meeting.id}/history?page=2").get_data(as_text=True)
    assert second.count('class="history-head"') == 2  # the oldest edit, then the creation
    assert "Rapat dicatat" in second
