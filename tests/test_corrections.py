"""Corrections from the public: report, honeypot, rate limit, CSRF, staff queue, accept, decline."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from staff_helpers import csrf_token, login, make_user

from tracker.extensions import db
from tracker.models import ChangeLog, Meeting
from tracker.models.correction import Correction

CONTACT = "pelapor.rahasia@contoh.example"
REPORT = {
    "field": "when",
    "description": "Rapat digelar 7 Februari, bukan 6 Februari.",
    "source_url": "https://humas.kaltimprov.example/rilis/rakor",
    "contact": CONTACT,
}


def _corrections() -> list[Correction]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Correction).order_by(Correction.id)).scalars())


class _FormValues(HTMLParser):
    """What a browser would send back from the page's main form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "y"))
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea" and self._textarea:
            # Browsers drop the newline that opens a textarea's content.
            text = self.values[self._textarea]
            self.values[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, Any]:
    parser = _FormValues()
    parser.feed(html)
    # The language switch and the logout form are no part of the edit.
    return {k: v for k, v in parser.values.items() if k not in ("csrf_token",)}


def test_a_report_is_saved_pending_and_the_reader_thanked(client, make_meeting):
    meeting = make_meeting()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/report"' in page
    assert "Laporkan kesalahan" in page
    response = client.post(f"/meetings/{meeting.id}/report", data={**REPORT, "website": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    [saved] = _corrections()
    assert (saved.meeting_id, saved.field, saved.status) == (meeting.id, "when", "pending")
    assert saved.description == REPORT["description"]
    assert (saved.source_url, saved.contact) == (REPORT["source_url"], CONTACT)
    assert saved.resolved_at is None
    assert "Terima kasih" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_honeypot_pretends_success_and_stores_nothing(client, make_meeting):
    meeting = make_meeting()
    response = client.post(
        f"/meetings/{meeting.id}/report", data={**REPORT, "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert "Terima kasih" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _corrections() == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "  "}, "description", "Tulis apa yang salah."),
        ({"field": ""}, "field", "Pilih bagian yang salah."),
        ({"field": "budget"}, "field", "Pilihan tidak sah."),
        ({"source_url": "javascript:alert(1)"}, "source_url", "http:// atau https://"),
        ({"source_url": "ftp://humas.example/x"}, "source_url", "http:// atau https://"),
        ({"contact": "besok saja"}, "contact", "surel atau nomor telepon"),
        ({"description": "x" * 2001}, "description", "Paling panjang 2000 karakter."),
    ],
)
def test_a_rejected_report_keeps_what_was_typed(client, make_meeting, change, field, message):
    meeting = make_meeting()
    data = {**REPORT, "contact": "0812-3456-7890", **change}
    response = client.post(f"/meetings/{meeting.id}/report", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    kept = form_values(html)
    for key in ("description", "source_url", "contact"):
        if key != field:
            assert kept[key] == data[key], key
    assert _corrections() == []


def test_contacts_that_are_an_address_or_a_phone_are_taken(client, make_meeting):
    meeting = make_meeting()
    for contact in ("+62 812 3456 7890", "0541-123456", "a.b@kpu.example", ""):
        data = {**REPORT, "contact": contact}
        assert client.post(f"/meetings/{meeting.id}/report", data=data).status_code == 302
    assert [c.contact for c in _corrections()] == [
        "+62 812 3456 7890",
        "0541-123456",
        "a.b@kpu.example",
        None,
    ]


def test_internal_and_missing_meetings_have_no_report_page(client, make_meeting):
    internal = make_meeting(visibility="internal")
    assert client.get(f"/meetings/{internal.id}/report").status_code == 404
    assert client.post(f"/meetings/{internal.id}/report", data=REPORT).status_code == 404
    assert client.get("/meetings/999999/report").status_code == 404
    assert _corrections() == []


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "CORRECTION_RATE_LIMIT": "3 per hour"}]
)
def test_the_rate_limit_refuses_after_n_reports_and_keeps_the_text(client, make_meeting):
    meeting = make_meeting()
    url = f"/meetings/{meeting.id}/report"
    for _ in range(3):
        assert client.post(url, data=REPORT).status_code == 302
    refused = client.post(url, data={**REPORT, "description": "Laporan keempat."})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    html = refused.get_data(as_text=True)
    assert "Terlalu banyak laporan dari alamat Anda" in html
    assert form_values(html)["description"] == "Laporan keempat."
    assert len(_corrections()) == 3
    # Another address has its own allowance.
    other = client.post(url, data=REPORT, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 302
    assert len(_corrections()) == 4


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_enforced_on_reports_and_staff_actions(client, make_meeting):
    meeting = make_meeting()
    url = f"/meetings/{meeting.id}/report"
    assert client.post(url, data=REPORT).status_code == 400
    assert _corrections() == []
    token = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**REPORT, "csrf_token": token}).status_code == 302
    [correction] = _corrections()

    user = make_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"email": user.email, "password": "kata-sandi-rahasia-123", "csrf_token": token},
    )
    decline = f"/staff/corrections/{correction.id}/decline"
    assert client.post(decline, data={"reason": "Sudah benar."}).status_code == 400
    accept = f"/staff/corrections/{correction.id}/accept"
    assert client.post(accept, data={"correction-note": "Diperbaiki."}).status_code == 400
    assert _corrections()[0].status == "pending"


def test_contact_never_on_public_pages_api_or_exports(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/meetings/{meeting.id}/report", data=REPORT)
    [correction] = _corrections()
    editor = make_user()
    login(client, editor.email)
    assert CONTACT in client.get(f"/staff/corrections/{correction.id}").get_data(as_text=True)
    client.post(f"/staff/corrections/{correction.id}/accept", data=_accept_data(client, correction))
    client.post("/logout")
    assert _corrections()[0].status == "accepted"
    for path in (
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/report",
        f"/api/v1/meetings/{meeting.id}",
        "/api/v1/meetings",
        "/api/v1/meetings.csv",
        "/meetings/",
        f"/calendar/meetings/{meeting.id}.ics",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert CONTACT not in body and "pelapor.rahasia" not in body, path
        assert REPORT["description"] not in body, path
    # Nor in the change log, which the public history reads.
    logged = db.session.execute(db.select(ChangeLog)).scalars().all()
    assert all(CONTACT not in str(entry.changes) for entry in logged)


def _accept_data(client: Any, correction: Correction, **changes: str) -> dict[str, Any]:
    html = client.get(f"/staff/corrections/{correction.id}/accept").get_data(as_text=True)
    data = form_values(html)
    data.update({"correction-note": "Tanggal diperbaiki.", "save": "1", **changes})
    return data


def test_accepting_edits_the_meeting_through_its_operation_and_shows_the_correction(
    client, make_meeting
):
    meeting = make_meeting(title="Rakor Kesiapan Pemilu 2024")
    client.post(f"/meetings/{meeting.id}/report", data={**REPORT, "field": "title"})
    [correction] = _corrections()
    editor = make_user(name="Rina Editor")
    login(client, editor.email)

    form = client.get(f"/staff/corrections/{correction.id}/accept")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert REPORT["description"] in html and CONTACT in html  # the report, above the form
    assert 'value="Rakor Kesiapan Pemilu 2024"' in html  # prefilled as the meeting is

    # The note is required: nothing is saved without it, the typed edit is kept.
    data = _accept_data(client, correction, title="Rakor Kesiapan Pilkada 2024")
    refused = client.post(
        f"/staff/corrections/{correction.id}/accept", data={**data, "correction-note": ""}
    )
    assert refused.status_code == 422
    assert 'value="Rakor Kesiapan Pilkada 2024"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Rakor Kesiapan Pemilu 2024"
    assert _corrections()[0].status == "pending"

    note = "Judul diperbaiki: rapat ini tentang Pilkada 2024."
    done = client.post(
        f"/staff/corrections/{correction.id}/accept", data={**data, "correction-note": note}
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Rakor Kesiapan Pilkada 2024"
    [accepted] = _corrections()
    assert (accepted.status, accepted.staff_reason) == ("accepted", note)
    assert accepted.resolved_by_id == editor.id and accepted.resolved_at is not None
    change = db.session.get(ChangeLog, accepted.change_id)
    assert (change.entity, change.action, change.meeting_id) == ("meeting", "update", meeting.id)
    assert change.changes["title"] == ["Rakor Kesiapan Pemilu 2024", "Rakor Kesiapan Pilkada 2024"]
    assert change.user_id == editor.id

    history = client.get(f"/staff/meetings/{meeting.id}/history").get_data(as_text=True)
    assert "Rakor Kesiapan Pilkada 2024" in history
    client.post("/logout")
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # "Koreksi: <part> — <note>, <day>": the note's closing full stop gives way to the day.
    assert f"Koreksi: Judul — {note.rstrip('.')}, <time datetime=" in public
    # Accepting again is refused; the queue says it is done.
    login(client, editor.email)
    again = client.post(f"/staff/corrections/{correction.id}/accept", data=data)
    assert again.status_code == 302
    assert _corrections()[0].staff_reason == note


def test_accepting_without_an_edit_writes_only_the_note(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/meetings/{meeting.id}/report", data={**REPORT, "field": "evidence"})
    [correction] = _corrections()
    login(client, make_user().email)
    before = db.session.execute(db.select(db.func.count(ChangeLog.id))).scalar_one()
    data = _accept_data(client, correction, **{"correction-note": "Kutipan diganti."})
    assert client.post(f"/staff/corrections/{correction.id}/accept", data=data).status_code == 302
    [accepted] = _corrections()
    assert accepted.status == "accepted" and accepted.change_id is None
    entries = db.session.execute(db.select(ChangeLog).where(ChangeLog.id > 0)).scalars().all()
    assert len(entries) == before + 1  # the correction's own entry, no meeting update
    assert entries[-1].entity == "correction" and entries[-1].meeting_id is None
    # A public note never carries contact details.
    client.post(f"/meetings/{meeting.id}/report", data=REPORT)
    second = _corrections()[-1]
    data = _accept_data(client, second, **{"correction-note": "Hubungi 0812-3456-7890"})
    refused = client.post(f"/staff/corrections/{second.id}/accept", data=data)
    assert refused.status_code == 422
    assert _corrections()[-1].status == "pending"


def test_declining_needs_a_reason_and_is_not_shown_publicly(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/meetings/{meeting.id}/report", data=REPORT)
    [correction] = _corrections()
    login(client, make_user().email)
    url = f"/staff/corrections/{correction.id}/decline"
    refused = client.post(url, data={"reason": "   "})
    assert refused.status_code == 422
    assert "Alasan penolakan wajib diisi." in refused.get_data(as_text=True)
    assert _corrections()[0].status == "pending"
    assert client.post(url, data={"reason": "Rilis resmi menyebut 6 Februari."}).status_code == 302
    [declined] = _corrections()
    assert (declined.status, declined.staff_reason) == (
        "declined",
        "Rilis resmi menyebut 6 Februari.",
    )
    client.post("/logout")
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Rilis resmi menyebut 6 Februari." not in public
    assert "Koreksi:" not in public


def test_the_queue_lists_pending_first_and_counts_them_in_the_menu(client, make_meeting):
    first = make_meeting(title="Rakor Pertama")
    second = make_meeting(title="Rakor Kedua")
    client.post(f"/meetings/{first.id}/report", data=REPORT)
    client.post(f"/meetings/{second.id}/report", data=REPORT)
    client.post(f"/meetings/{second.id}/report", data=REPORT)
    login(client, make_user().email)
    oldest = _corrections()[0]
    client.post(f"/staff/corrections/{oldest.id}/decline", data={"reason": "Tidak jelas."})
    html = client.get("/staff/corrections/").get_data(as_text=True)
    assert 'Koreksi <span class="badge">2</span>' in html
    rows = html.split("<tbody>")[1].split("</tr>")
    assert "Menunggu" in rows[0] and "Menunggu" in rows[1] and "Ditolak" in rows[2]
    assert f'href="/staff/meetings/{second.id}"' in rows[0]
    assert f'href="/staff/meetings/{first.id}"' in rows[2]


def test_non_staff_cannot_reach_the_queue(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/meetings/{meeting.id}/report", data=REPORT)
    [correction] = _corrections()
    for path in (
        "/staff/corrections/",
        f"/staff/corrections/{correction.id}",
        f"/staff/corrections/{correction.id}/accept",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path in ("decline", "accept"):
        response = client.post(f"/staff/corrections/{correction.id}/{path}", data={"reason": "x"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _corrections()[0].status == "pending"
    assert "Koreksi" not in client.get("/").get_data(as_text=True).split("</nav>")[0]
