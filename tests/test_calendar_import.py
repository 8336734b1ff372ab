"""Importing an agency's .ics agenda: create, update by UID, refuse bad files whole."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from tracker.calendar.importer import ImportRejected, import_calendar
from tracker.extensions import db
from tracker.models import Meeting, Venue


def ics(*events: str, extra: str = "") -> bytes:
    """A calendar around the given VEVENT bodies (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bawaslu Kaltim//Agenda//ID"]
    if extra:
        lines.append(extra)
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


RAKOR = """
UID:agenda-1@bawaslu-kaltim.example
DTSTAMP:20240101T000000Z
DTSTART;TZID=Asia/Makassar:20240206T090000
DTEND;TZID=Asia/Makassar:20240206T120000
SUMMARY:Rakor Pengawasan Masa Tenang
DESCRIPTION:Rapat koordinasi pengawasan\\, dengan Polda.
LOCATION:Hotel Novotel Balikpapan
GEO:-1.2675;116.8289
"""
UTC_EVENT = """
UID:agenda-2@bawaslu-kaltim.example
DTSTART:20240207T010000Z
DTEND:20240207T030000Z
SUMMARY:Rakor dalam UTC
"""
FLOATING = """
UID:agenda-3@bawaslu-kaltim.example
DTSTART:20240208T140000
SUMMARY:Rakor tanpa zona
"""
ALL_DAY = """
UID:agenda-4@bawaslu-kaltim.example
DTSTART;VALUE=DATE:20240209
DTEND;VALUE=DATE:20240211
SUMMARY:Bimtek dua hari
"""


def count() -> int:
    return len(db.session.execute(db.select(Meeting.id)).all())


def by_uid(uid: str) -> Meeting:
    return db.session.execute(db.select(Meeting).filter_by(uid=uid)).scalar_one()


def test_import_creates_meetings_in_indonesian_zones(app, region):
    result = import_calendar(ics(RAKOR, UTC_EVENT, FLOATING, ALL_DAY), region("64"))
    db.session.commit()
    assert (result.created, result.updated) == (4, 0)
    rakor = by_uid("agenda-1@bawaslu-kaltim.example")
    assert rakor.title == "Rakor Pengawasan Masa Tenang"
    assert rakor.timezone == "Asia/Makassar"
    assert rakor.starts_at == datetime(2024, 2, 6, 1, 0, tzinfo=UTC)
    assert rakor.ends_at == datetime(2024, 2, 6, 4, 0, tzinfo=UTC)
    assert rakor.summary == "Rapat koordinasi pengawasan, dengan Polda."
    assert rakor.venue.name == "Hotel Novotel Balikpapan"
    assert rakor.venue.latitude == pytest.approx(-1.2675)
    assert rakor.region.code == "64" and rakor.visibility == "public"
    in_utc = by_uid("agenda-2@bawaslu-kaltim.example")
    assert in_utc.timezone == "Asia/Makassar"  # the region's zone, same instant
    assert in_utc.local_start.hour == 9
    floating = by_uid("agenda-3@bawaslu-kaltim.example")
    assert (floating.timezone, floating.local_start.hour) == ("Asia/Makassar", 14)
    two_days = by_uid("agenda-4@bawaslu-kaltim.example")
    assert two_days.time_unknown
    assert two_days.local_start.date().isoformat() == "2024-02-09"
    assert two_days.local_end.date().isoformat() == "2024-02-10"


def test_importing_again_updates_by_uid_and_never_duplicates(app, region):
    import_calendar(ics(RAKOR, UTC_EVENT), region("64"))
    db.session.commit()
    first = by_uid("agenda-1@bawaslu-kaltim.example")
    sequence = first.sequence
    again = import_calendar(ics(RAKOR, UTC_EVENT), region("64"))
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = RAKOR.replace("20240206T090000", "20240207T100000").replace(
        "20240206T120000", "20240207T130000"
    )
    cancelled = UTC_EVENT + "STATUS:CANCELLED\n"
    third = import_calendar(ics(moved, cancelled), region("64"))
    db.session.commit()
    assert (third.created, third.updated, third.cancelled) == (0, 1, 1)
    assert count() == 2
    db.session.refresh(first)
    assert first.local_start.isoformat() == "2024-02-07T10:00:00+08:00"
    assert first.sequence > sequence
    assert by_uid("agenda-2@bawaslu-kaltim.example").status == "cancelled"


def test_private_events_stay_internal(app, region):
    import_calendar(ics(RAKOR + "CLASS:PRIVATE\n"), region("64"))
    assert by_uid("agenda-1@bawaslu-kaltim.example").visibility == "internal"


def test_outlook_zone_name_with_the_regions_offset_is_accepted(app, region):
    zone = "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:SE Asia Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0700",
            "TZOFFSETTO:+0700",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )
    event = """
UID:outlook-1
DTSTART;TZID=SE Asia Standard Time:20240206T090000
SUMMARY:Rakor Jakarta
"""
    import_calendar(ics(event, extra=zone), region("31"))
    meeting = by_uid("outlook-1")
    assert meeting.timezone == "Asia/Jakarta"
    assert meeting.local_start.hour == 9


def rejected(data: bytes, region) -> list[tuple[int, str]]:
    before = count()
    venues = len(db.session.execute(db.select(Venue.id)).all())
    with pytest.raises(ImportRejected) as info:
        import_calendar(data, region)
    db.session.rollback()
    assert count() == before
    assert len(db.session.execute(db.select(Venue.id)).all()) == venues
    return [(p.line, p.reason) for p in info.value.problems]


def test_bad_value_is_reported_with_its_line_and_nothing_is_kept(app, region):
    bad = """
UID:agenda-9
DTSTART;TZID=Asia/Makassar:20240206T090000
DTEND;TZID=Asia/Makassar:2024020
SUMMARY:Rakor rusak
"""
    # The good first event would be written before the bad one is reached.
    problems = rejected(ics(RAKOR, bad), region("64"))
    assert len(problems) == 1
    line, reason = problems[0]
    assert line == 17  # 3 header lines, 10 of the first event, then BEGIN, UID, DTSTART, DTEND
    assert "DTEND" in reason


def test_foreign_zone_is_refused_with_the_reason(app, region):
    berlin = """
UID:berlin-1
DTSTART;TZID=Europe/Berlin:20240206T090000
SUMMARY:Rakor Berlin
"""
    ((line, reason),) = rejected(ics(berlin), region("64"))
    assert line == 6
    assert "Europe/Berlin" in reason and "bukan zona Indonesia" in reason


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("DTSTART:20240206T090000\r\nSUMMARY:Tanpa UID", 4, "UID"),
        ("UID:x\r\nDTSTART:20240206T090000", 4, "SUMMARY"),
        ("UID:x\r\nSUMMARY:Tanpa waktu", 4, "DTSTART"),
        (
            "UID:x\r\nDTSTART:20240206T090000\r\nSUMMARY:Tiap pekan\r\nRRULE:FREQ=WEEKLY",
            8,
            "berulang",
        ),
        ("UID:" + "u" * 1001 + "\r\nDTSTART:20240206T090000\r\nSUMMARY:x", 5, "1000"),
        ("UID:x\r\nDTSTART:20240206T090000\r\nSUMMARY:" + "x" * 301, 7, "300"),
    ],
)
def test_event_problems_name_the_line(app, region, body, line, words):
    ((found_line, reason),) = rejected(ics(body), region("64"))
    assert found_line == line
    assert words in reason


def test_structure_problems_name_the_line(app, region):
    unclosed = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n"
    assert rejected(unclosed, region("64"))[0][0] == 5
    assert rejected(b"hello\r\n", region("64"))[0][0] == 1
    junk = ics(RAKOR).replace(b"SUMMARY:", b"no colon here\r\nSUMMARY:")
    assert rejected(junk, region("64"))[0][0] == 9
    duplicate = rejected(ics(RAKOR, RAKOR), region("64"))
    assert duplicate[0][0] == 15 and "ganda" in duplicate[0][1]
    latin1 = ics(RAKOR).replace(b"Rakor Pengawasan", "Rakor Peñgawasan".encode("latin-1"))
    assert rejected(latin1, region("64"))[0][0] == 9


def test_our_own_export_is_refused(client, make_meeting, region):
    make_meeting()
    body = client.get("/calendar/all.ics?archive=1").get_data()
    ((line, reason),) = rejected(body, region("64"))
    assert line == 3 and "Rakor Tracker" in reason


def login(client):
    from tracker.auth.operations import create_user

    user = create_user("impor@example.id", "Staf Impor", "kata-sandi-yang-panjang-sekali")
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": "kata-sandi-yang-panjang-sekali"})
    return user


def test_upload_through_the_page(client):
    login(client)
    page = client.get("/calendar/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(
        as_text=True
    )
    response = client.post(
        "/calendar/import",
        data={
            "file": (io.BytesIO(ics(RAKOR, UTC_EVENT)), "agenda.ics"),
            "region": "64",
            "kind": "rakor",
            "visibility": "public",
            "election": "pemilu-2024",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "2 rapat baru" in response.get_data(as_text=True)
    meeting = by_uid("agenda-1@bawaslu-kaltim.example")
    assert meeting.election.slug == "pemilu-2024"
    assert meeting.created_by.email == "impor@example.id"


def test_upload_of_a_bad_file_shows_the_line(client):
    login(client)
    bad = ics(RAKOR).replace(b"DTEND;TZID=Asia/Makassar:20240206T120000", b"DTEND:2024")
    response = client.post(
        "/calendar/import",
        data={
            "file": (io.BytesIO(bad), "agenda.ics"),
            "region": "64",
            "kind": "rakor",
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Baris 8" in html and "DTEND" in html
    assert count() == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_upload_needs_the_csrf_token(client, app_config):
    login(client)
    response = client.post(
        "/calendar/import",
        data={
            "file": (io.BytesIO(ics(RAKOR)), "agenda.ics"),
            "region": "64",
            "kind": "rakor",
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert count() == 0


def test_cli_imports_and_reports_bad_lines(runner, tmp_path):
    good = tmp_path / "agenda.ics"
    good.write_bytes(ics(RAKOR, ALL_DAY))
    result = runner.invoke(args=["import-ics", str(good), "--region", "64"])
    assert result.exit_code == 0, result.output
    assert "2 rapat baru" in result.output
    again = runner.invoke(args=["import-ics", str(good), "--region", "64"])
    assert "2 tidak berubah" in again.output
    assert count() == 2
    bad = tmp_path / "rusak.ics"
    bad.write_bytes(ics(RAKOR.replace("UID:agenda-1", "UID:agenda-7"), "UID:y\r\nSUMMARY:x"))
    failed = runner.invoke(args=["import-ics", str(bad), "--region", "64"])
    assert failed.exit_code == 1
    # Reported at the BEGIN:VEVENT of the event that lacks DTSTART.
    assert f"{bad}:14:" in failed.output and "DTSTART" in failed.output
    assert count() == 2
    unknown = runner.invoke(args=["import-ics", str(good), "--region", "00"])
    assert unknown.exit_code != 0


OUTLOOK_UID = "040000008200E00074C5B7101A82E00800000000" + "7A3B9C1D2E4F5061" * 4 + "0" * 8
OUTLOOK_ZONE = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:SE Asia Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0700",
        "TZOFFSETTO:+0700",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
)


def test_outlook_uids_longer_than_the_column_are_kept_as_a_digest(app, region):
    assert len(OUTLOOK_UID) == 112
    event = f"""
UID:{OUTLOOK_UID}
DTSTART;TZID="SE Asia Standard Time":20240206T090000
DTEND;TZID="SE Asia Standard Time":20240206T110000
SUMMARY:Rakor Jakarta
"""
    first = import_calendar(ics(event, extra=OUTLOOK_ZONE), region("31"))
    db.session.commit()
    (meeting,) = first.meetings
    assert meeting.uid.startswith("sha256-") and len(meeting.uid) <= 80
    again = import_calendar(ics(event, extra=OUTLOOK_ZONE), region("31"))
    assert (again.created, again.unchanged) == (0, 1)
    assert count() == 1


def test_outlook_all_day_entries_become_all_day_meetings(app, region):
    event = f"""
UID:{OUTLOOK_UID}
DTSTART;TZID="SE Asia Standard Time":20240209T000000
DTEND;TZID="SE Asia Standard Time":20240211T000000
SUMMARY:Bimtek dua hari
X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
"""
    import_calendar(ics(event, extra=OUTLOOK_ZONE), region("31"))
    (meeting,) = db.session.execute(db.select(Meeting)).scalars()
    assert meeting.time_unknown
    assert meeting.local_start.date().isoformat() == "2024-02-09"
    assert meeting.local_end.date().isoformat() == "2024-02-10"
    # Without Outlook's flag the same times are a timed meeting of two days.
    timed = event.replace("X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\n", "").replace(OUTLOOK_UID, "t-1")
    import_calendar(ics(timed, extra=OUTLOOK_ZONE), region("31"))
    assert not by_uid("t-1").time_unknown


def test_floating_times_follow_x_wr_timezone(app, region):
    event = """
UID:papua-1@example.id
DTSTART:20240206T090000
DTEND:20240206T110000
SUMMARY:Rakor Jayapura
"""
    import_calendar(ics(event, extra="X-WR-TIMEZONE:Asia/Jayapura"), region("64"))
    meeting = by_uid("papua-1@example.id")
    assert meeting.timezone == "Asia/Jayapura"
    assert meeting.starts_at == datetime(2024, 2, 6, 0, 0, tzinfo=UTC)  # 09:00 WIT


def test_floating_times_refuse_a_foreign_x_wr_timezone(app, region):
    event = "UID:x\r\nDTSTART:20240206T090000\r\nSUMMARY:Rakor"
    ((line, reason),) = rejected(ics(event, extra="X-WR-TIMEZONE:Europe/Berlin"), region("64"))
    assert line == 7  # the DTSTART
    assert "X-WR-TIMEZONE di baris 4" in reason and "Europe/Berlin" in reason


def test_outlook_cancellation_cancels_and_keeps_the_title(app, region):
    import_calendar(ics(RAKOR), region("64"))
    db.session.commit()
    cancel = RAKOR.replace("SUMMARY:Rakor", "SUMMARY:Canceled: Rakor") + "STATUS:CANCELLED\n"
    result = import_calendar(ics(cancel, extra="METHOD:CANCEL"), region("64"))
    assert result.cancelled == 1
    meeting = by_uid("agenda-1@bawaslu-kaltim.example")
    assert meeting.status == "cancelled"
    assert meeting.title == "Rakor Pengawasan Masa Tenang"


def test_a_new_cancelled_event_is_created_without_the_prefix(app, region):
    event = UTC_EVENT.replace("SUMMARY:Rakor", "SUMMARY:Cancelled: Rakor")
    import_calendar(ics(event, extra="METHOD:CANCEL"), region("64"))
    meeting = by_uid("agenda-2@bawaslu-kaltim.example")
    assert (meeting.title, meeting.status) == ("Rakor dalam UTC", "cancelled")


def test_a_bare_cancellation_needs_a_known_meeting(app, region):
    bare = "UID:agenda-1@bawaslu-kaltim.example\r\nSEQUENCE:2\r\nSTATUS:CANCELLED"
    ((line, reason),) = rejected(ics(bare, extra="METHOD:CANCEL"), region("64"))
    assert line == 5 and "belum tercatat" in reason
    import_calendar(ics(RAKOR), region("64"))
    db.session.commit()
    assert import_calendar(ics(bare, extra="METHOD:CANCEL"), region("64")).cancelled == 1
    assert by_uid("agenda-1@bawaslu-kaltim.example").title == "Rakor Pengawasan Masa Tenang"


def test_html_descriptions_become_plain_text(app, region):
    html = (
        "DESCRIPTION:<b>Agenda</b><br>Pembukaan &amp; arahan<br><ul><li>Satu</li>"
        '<li>Dua</li></ul><a href="https://meet.google.com/abc-defg-hij">Tautan rapat</a>'
        "<script>alert(1)</script>"
    )
    import_calendar(ics(UTC_EVENT + html), region("64"))
    assert by_uid("agenda-2@bawaslu-kaltim.example").summary == (
        "Agenda\nPembukaan & arahan\nSatu\nDua\nTautan rapat (https://meet.google.com/abc-defg-hij)"
    )


def test_plain_descriptions_with_angle_brackets_stay_as_written(app, region):
    import_calendar(ics(UTC_EVENT + "DESCRIPTION:Kuota < 50 orang\\, > 10 desa"), region("64"))
    assert by_uid("agenda-2@bawaslu-kaltim.example").summary == "Kuota < 50 orang, > 10 desa"


def test_zone_errors_name_the_tzid_and_line_never_a_repr(app, region):
    event = 'UID:o-1\r\nDTSTART;TZID="SE Asia Standard Time":20240206T090000\r\nSUMMARY:x'
    ((line, reason),) = rejected(ics(event, extra=OUTLOOK_ZONE), region("64"))
    assert line == 14  # the DTSTART
    assert "SE Asia Standard Time (UTC+7)" in reason and "bukan zona Indonesia" in reason
    assert "<" not in reason and "tzical" not in reason
    unknown = "UID:o-2\r\nDTSTART;TZID=Waktu Kantor:20240206T090000\r\nSUMMARY:x"
    ((line, reason),) = rejected(ics(unknown), region("64"))
    assert line == 6 and 'TZID "Waktu Kantor" tidak dikenal' in reason
