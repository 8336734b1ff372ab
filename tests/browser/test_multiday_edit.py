"""Issue 15 in Chromium: editing a three-day meeting's title keeps its three days in the
feed and moves SEQUENCE by exactly one; marking it held afterwards does not move it."""

from __future__ import annotations

import re
import urllib.request
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from .browser_support import LiveServer, log_in

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

WITA = ZoneInfo("Asia/Makassar")


def _three_day_meeting(server: LiveServer) -> int:
    """Record a 16-18 October meeting through the operations, as an import would."""
    from tracker.extensions import db
    from tracker.meetings import operations as ops
    from tracker.models import Region

    with server.app.app_context():
        region = db.session.execute(db.select(Region).filter_by(code="64")).scalar_one()
        meeting = ops.create_meeting(
            {
                "title": "Bimtek Pengawasan Tiga Hari",
                "starts_at": datetime(2024, 10, 16, 9, 0, tzinfo=WITA),
                "ends_at": datetime(2024, 10, 18, 15, 0, tzinfo=WITA),
                "region_id": region.id,
            }
        )
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _event(server: LiveServer, meeting_id: int) -> Any:
    with urllib.request.urlopen(server(f"/calendar/meetings/{meeting_id}.ics")) as response:
        body = response.read()
    return next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))


def test_title_edit_keeps_three_days_and_bumps_sequence_once(
    page: Any, fresh_server: LiveServer
) -> None:
    """Edit only the title in the staff form; then mark the meeting held."""
    meeting_id = _three_day_meeting(fresh_server)
    before = _event(fresh_server, meeting_id)
    assert (before.DTSTART.date(), before.DTEND.date()) == (date(2024, 10, 16), date(2024, 10, 18))

    log_in(page, fresh_server)
    page.goto(fresh_server(f"/staff/meetings/{meeting_id}/edit"))
    expect(page.get_by_label("Tanggal selesai")).to_have_value("2024-10-18")
    page.get_by_label(re.compile(r"^Judul( \*)?$")).fill("Bimtek Pengawasan Pemilu Tiga Hari")
    page.locator(".actions").get_by_role("button", name="Simpan").click()
    expect(page.locator(".flash")).to_contain_text("Perubahan disimpan")

    edited = _event(fresh_server, meeting_id)
    assert str(edited["SUMMARY"]) == "Bimtek Pengawasan Pemilu Tiga Hari"
    assert edited.DTSTART == before.DTSTART and edited.DTEND == before.DTEND
    assert edited["SEQUENCE"] == before["SEQUENCE"] + 1

    page.get_by_role("button", name="Tandai terlaksana").click()
    expect(page.locator(".flash")).to_contain_text("terlaksana")
    held = _event(fresh_server, meeting_id)
    assert held["SEQUENCE"] == edited["SEQUENCE"]
    assert (held.DTSTART, held.DTEND) == (edited.DTSTART, edited.DTEND)
