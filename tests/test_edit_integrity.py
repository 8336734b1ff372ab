"""Edits that mean what staff meant (issue 15): end dates, postpone, SEQUENCE, cancelled
meetings, and every error of a failed save shown at once with a summary."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from staff_helpers import login, make_user
from test_staff_meetings import SEED_ROWS, meeting_data

from tracker.agencies import operations as agency_ops
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import Meeting

WITA = ZoneInfo("Asia/Makassar")


class _FormReader(HTMLParser):
    """The name/value pairs a browser posts for the first form with a "save" button."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data


def posted(html: str) -> dict[str, str]:
    """What the edit form posts when nothing is changed (selects without a choice: none)."""
    form = html[html.index('<form method="post" class="staff-form meeting-form"') :]
    reader = _FormReader()
    reader.feed(form[: form.index("</form>")])
    return dict(reader.pairs)


def _staff(client: Any) -> None:
    make_user("editor@kaltim.example", role="editor", name="Staf Editor")
    login(client, "editor@kaltim.example")


def _reload(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def _edit(client: Any, meeting: Meeting, **changes: str) -> Any:
    data = posted(client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True))
    data.update(changes)
    data["save"] = "1"
    return client.post(f"/staff/meetings/{meeting.id}/edit", data=data)


def _event(client: Any, meeting_id: int) -> Any:
    body = client.get(f"/calendar/meetings/{meeting_id}.ics").get_data()
    return next(iter(Calendar.from_ical(body).walk("VEVENT")))


def three_day(make_meeting: Any) -> Meeting:
    return make_meeting(
        starts_at=datetime(2024, 10, 16, 9, 0, tzinfo=WITA),
        ends_at=datetime(2024, 10, 18, 15, 0, tzinfo=WITA),
    )


# 1. Start and end date and time; an edit changes what was changed.


def test_editing_only_the_title_of_a_three_day_meeting_keeps_its_end(client, make_meeting):
    _staff(client)
    meeting = three_day(make_meeting)
    sequence = meeting.sequence
    html = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert re.search(r'name="end_date" [^>]*value="2024-10-18"', html)
    assert _edit(client, meeting, title="Rakor Tiga Hari").status_code == 302
    saved = _reload(meeting.id)
    assert saved.title == "Rakor Tiga Hari"
    assert saved.local_end == datetime(2024, 10, 18, 15, 0, tzinfo=WITA)
    assert saved.sequence == sequence + 1
    event = _event(client, meeting.id)
    assert event.DTSTART.date() == date(2024, 10, 16) and event.DTEND.date() == date(2024, 10, 18)


def test_a_two_day_all_day_meeting_keeps_both_days(client, make_meeting):
    _staff(client)
    meeting = make_meeting(
        starts_at=datetime(2024, 10, 16, tzinfo=WITA),
        ends_at=datetime(2024, 10, 17, tzinfo=WITA),
        time_unknown=True,
    )
    assert _edit(client, meeting, title="Rakor Dua Hari").status_code == 302
    saved = _reload(meeting.id)
    assert saved.time_unknown and saved.local_end.date() == date(2024, 10, 17)
    event = _event(client, meeting.id)
    assert event.DTSTART == date(2024, 10, 16) and event.DTEND == date(2024, 10, 18)


def test_a_save_that_changes_nothing_writes_nothing(client, make_meeting):
    _staff(client)
    meeting = make_meeting(
        starts_at=datetime(2024, 10, 16, 9, 0, 30, tzinfo=WITA),
        ends_at=datetime(2024, 10, 16, 12, 0, tzinfo=WITA),
    )
    before = (meeting.sequence, meeting.version, meeting.updated_at, meeting.starts_at)
    assert _edit(client, meeting).status_code == 302
    saved = _reload(meeting.id)
    # The stored seconds survive a form that shows minutes.
    assert (saved.sequence, saved.version, saved.updated_at, saved.starts_at) == before


def test_a_change_no_calendar_field_sees_moves_last_modified_not_sequence(client, make_meeting):
    _staff(client)
    meeting = make_meeting()
    before = (meeting.sequence, meeting.updated_at)
    assert _edit(client, meeting, summary="Membahas logistik.").status_code == 302
    saved = _reload(meeting.id)
    assert saved.sequence == before[0] and saved.updated_at > before[1]


def test_the_form_records_multi_day_meetings_with_and_without_hours(client):
    _staff(client)
    timed = meeting_data(
        time_unknown="", start_time="09:00", end_date="2024-02-08", end_time="12:00"
    )
    response = client.post("/staff/meetings/new", data=timed)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.local_end == datetime(2024, 2, 8, 12, 0, tzinfo=WITA)
    assert meeting.sequence == 0  # created with seven participants: still 0
    all_day = meeting_data(
        title="Rakor dua hari",
        end_date="2024-02-07",
        venue=str(meeting.venue_id),
        new_venue_name="",
        new_venue_address="",
        new_venue_city="None",
    )
    assert client.post("/staff/meetings/new", data=all_day).status_code == 302
    second = db.session.execute(db.select(Meeting).filter_by(title="Rakor dua hari")).scalar_one()
    assert second.time_unknown and second.local_end.date() == date(2024, 2, 7)
    event = _event(client, second.id)
    assert (event.DTSTART, event.DTEND) == (date(2024, 2, 6), date(2024, 2, 8))


def test_end_day_checks_are_field_errors(client):
    _staff(client)
    before = meeting_data(end_date="2024-02-05")
    html = client.post("/staff/meetings/new", data=before).get_data(as_text=True)
    assert 'id="end_date-error"' in html and "sebelum tanggal mulai" in html
    no_hour = meeting_data(time_unknown="", start_time="09:00", end_date="2024-02-08")
    html = client.post("/staff/meetings/new", data=no_hour).get_data(as_text=True)
    assert 'id="end_time-error"' in html and "berakhir di hari lain" in html
    # The form and the save both see an end before the start: the message shows once.
    same_day = meeting_data(time_unknown="", start_time="14:00", end_time="10:30")
    html = client.post("/staff/meetings/new", data=same_day).get_data(as_text=True)
    assert re.findall(r'class="field-error" id="([^"]+)"', html) == ["end_time-error"]
    # 08:00 on the next day is after a 09:00 start.
    overnight = meeting_data(
        time_unknown="", start_time="09:00", end_date="2024-02-07", end_time="08:00"
    )
    assert client.post("/staff/meetings/new", data=overnight).status_code == 302


# 2. Postpone needs a new start and a reason; the duration is kept.


def test_postponing_to_the_same_date_without_a_reason_is_refused_on_both_fields(
    client, make_meeting
):
    _staff(client)
    meeting = three_day(make_meeting)
    page = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    assert re.search(r'name="start_date" [^>]*value="2024-10-16"', page)
    response = client.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-10-16", "start_time": "09:00", "reason": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="start_date-error"' in html and "sama dengan jadwal sekarang" in html
    assert 'id="reason-error"' in html and "Alasan penundaan wajib diisi." in html
    assert "Rapat ditunda" not in html
    saved = _reload(meeting.id)
    assert saved.status == "scheduled" and saved.ends_at is not None


def test_postponing_keeps_the_duration_and_typed_values(client, make_meeting):
    _staff(client)
    meeting = three_day(make_meeting)
    response = client.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-10-23", "start_time": "09:00", "reason": "Banjir"},
    )
    assert response.status_code == 302
    saved = _reload(meeting.id)
    assert saved.status == "postponed" and saved.status_reason == "Banjir"
    assert saved.local_end == datetime(2024, 10, 25, 15, 0, tzinfo=WITA)
    # An end before the new start is refused beside the field, the typed values kept.
    response = client.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-11-01", "start_time": "10:00", "end_date": "2024-10-31"},
    )
    html = response.get_data(as_text=True)
    assert 'id="end_date-error"' in html and 'value="2024-11-01"' in html
    assert 'value="10:00"' in html


def test_postponing_an_all_day_meeting_keeps_its_days(make_meeting, client):
    _staff(client)
    meeting = make_meeting(
        starts_at=datetime(2024, 10, 16, tzinfo=WITA),
        ends_at=datetime(2024, 10, 18, tzinfo=WITA),
        time_unknown=True,
    )
    data = {"start_date": "2024-10-21", "time_unknown": "y", "reason": "Menunggu pusat"}
    assert client.post(f"/staff/meetings/{meeting.id}/postpone", data=data).status_code == 302
    assert _reload(meeting.id).local_end.date() == date(2024, 10, 23)


# 3. SEQUENCE counts changes subscribers see, once per save.


def test_one_save_changing_title_time_and_rows_bumps_sequence_once(client, make_meeting):
    _staff(client)
    meeting = make_meeting()
    sequence = meeting.sequence
    response = _edit(
        client,
        meeting,
        title="Rakor Baru",
        start_time="10:00",
        **{"participations-0-agency_name": "Polda Kaltim", "participations-0-roles": "speaker"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = _reload(meeting.id)
    assert len(saved.participations) == 1 and saved.sequence == sequence + 1


def test_marking_held_does_not_bump_sequence(client, make_meeting):
    _staff(client)
    meeting = make_meeting()
    before = meeting.sequence
    client.post(f"/staff/meetings/{meeting.id}/held")
    saved = _reload(meeting.id)
    assert saved.status == "held" and saved.sequence == before


def test_demo_meetings_start_at_sequence_zero(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    meetings = db.session.execute(db.select(Meeting)).scalars().all()
    assert meetings
    for m in meetings:
        changed = m.status in ("cancelled", "postponed")  # recorded on purpose
        assert m.sequence == (1 if changed else 0), (m.title, m.status, m.sequence)


def test_renaming_an_agency_moves_last_modified_of_events_naming_it(client, make_meeting, agency):
    meeting = make_meeting()
    polda = agency("polda-kaltim")
    ops.add_participation(meeting, {"agency_id": polda.id, "roles": frozenset({"speaker"})})
    db.session.commit()
    # An edit an hour ago, so the move shows at the feed's one-second precision.
    db.session.execute(
        db.update(Meeting).values(updated_at=meeting.updated_at - timedelta(hours=1))
    )
    db.session.commit()
    before = _event(client, meeting.id)
    etag = client.get("/calendar/all.ics").headers.get("ETag")
    agency_ops.update_agency(polda, {"short_name": "Polda Kaltim Baru"})
    db.session.commit()
    after = _event(client, meeting.id)
    assert "Polda Kaltim Baru" in str(after["DESCRIPTION"])
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert after["DTSTAMP"].dt == after["LAST-MODIFIED"].dt
    assert after["SEQUENCE"] == before["SEQUENCE"]
    assert client.get("/calendar/all.ics").headers.get("ETag") != etag


# 4. Cancelled meetings show what was planned.


def test_cancelled_meetings_show_participants_as_planned_and_not_upcoming(
    client, make_meeting, agency
):
    soon = datetime.now(WITA).replace(microsecond=0) + timedelta(days=3)
    meeting = make_meeting(
        title="Rakor yang batal", starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    ops.add_participation(
        meeting, {"agency_id": agency("polda-kaltim").id, "attendance": "present"}
    )
    ops.cancel_meeting(meeting, "Digabung")
    db.session.commit()
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    table = public[public.index('class="participants"') :].split("</table>")[0]
    assert "Direncanakan hadir" in table and "Hadir<" not in table.replace("hadir<", "")
    home = client.get("/").get_data(as_text=True)
    upcoming = home[home.index("Akan datang") :].split("</section>")[0]
    assert "Rakor yang batal" not in upcoming
    _staff(client)
    staff = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    assert "Direncanakan hadir" in staff and "<td>Hadir" not in staff


# 8. Every error of a failed save, in one round, summarised at the top.


def test_summary_lists_form_and_save_errors_in_one_round_with_links(client):
    _staff(client)
    rows = [*SEED_ROWS[:1], {"agency_name": "Polda Atlantis", "roles": ["speaker"]}]
    data = meeting_data(rows=rows, title="", end_date="2024-02-01")
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert html.index('class="error-summary"') < html.index('id="title"')
    assert '<a href="#title">Judul: Judul wajib diisi.</a>' in summary
    assert 'href="#end_date"' in summary
    # Found by the save, not the form: shown in the same round, linked to its row.
    assert 'href="#participations-1-agency_name"' in summary
    assert "Polda Atlantis" in summary and "Peserta 2 · Instansi" in summary
    assert 'id="participations-1-agency_name-error"' in html


def test_summary_in_english(client):
    _staff(client)
    client.set_cookie("lang", "en")
    rows = [{"agency_name": "Polda Atlantis", "roles": ["speaker"]}]
    html = client.post("/staff/meetings/new", data=meeting_data(rows=rows, title="")).get_data(
        as_text=True
    )
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "The form could not be saved" in summary
    assert "Title: " in summary and "Participants 1 · Agency" in summary
    assert "not found" in summary
