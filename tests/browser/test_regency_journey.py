"""A regency outside Kaltim, recorded with its own bodies that nobody added by hand first."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import icalendar
import pytest

from .browser_support import LiveServer, log_in, screenshot

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

TITLE = "Rakor Pengamanan Pemilu 2024 Kabupaten Indragiri Hulu"
# As an editor types them: head-title, abbreviated and full forms, and a national body.
TYPED = [
    "Bupati Inhu",
    "Kapolres Inhu",
    "KPU Inhu",
    "Bawaslu Indragiri Hulu",
    "Kejaksaan Negeri Indragiri Hulu",
    "Bawaslu RI",
]
EXPECTED = [
    "Pemkab Indragiri Hulu",
    "Polres Indragiri Hulu",
    "KPU Indragiri Hulu",
    "Bawaslu Indragiri Hulu",
    "Kejari Indragiri Hulu",
    "Bawaslu RI",
]


def labelled(scope: Any, label: str) -> Any:
    """The control whose label is exactly ``label`` (a required field's "*" aside)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _fill_meeting(form: Any) -> None:
    labelled(form, "Provinsi").select_option("14")
    form.locator('button[name="pick"][value="region"]').click()
    labelled(form, "Judul").fill(TITLE)
    labelled(form, "Wilayah").select_option(label="Kab. Indragiri Hulu (WIB)")
    labelled(form, "Tanggal").fill("2024-01-23")
    labelled(form, "Jam mulai").fill("09:00")
    labelled(form, "Nama tempat baru").fill("Aula Kantor Bupati Indragiri Hulu")


def _rows(form: Any) -> Any:
    return form.locator("fieldset.participation-row")


def test_editor_records_a_riau_regency_meeting_with_its_own_bodies(
    page: Any, fresh_server: LiveServer
):
    log_in(page, fresh_server)
    page.goto(fresh_server("/staff/meetings/new"))
    form = page.locator("form.meeting-form")
    _fill_meeting(form)
    for index, name in enumerate(TYPED):
        if index:
            form.get_by_role("button", name="Tambah baris").click()
        labelled(_rows(form).nth(index), "Instansi").fill(name)
    labelled(_rows(form).first, "Nama orang").fill("Rezita Meylani Yopi")
    _rows(form).first.get_by_label("Pimpinan rapat").check()

    # The "Cari" button of a row: the matches come back as choices, nothing is saved.
    row = _rows(form).nth(4)
    labelled(row, "Instansi").fill("Kejari Inhu")
    row.get_by_role("button", name="Cari", exact=True).click()
    choices = _rows(form).nth(4).locator("fieldset.agency-choices")
    expect(choices).to_contain_text("Kejari Indragiri Hulu")
    expect(choices).to_contain_text("belum di registri")
    choices.get_by_label(re.compile(r"^Kejari Indragiri Hulu")).check()
    screenshot(page, "meeting-form-regency-bodies")
    # Enter in a text box saves (the form's first button is a hidden "Simpan", not "Pilih").
    labelled(form, "Judul").press("Enter")

    expect(page.locator(".flash")).to_contain_text("Rapat dicatat")
    meeting_id = int(re.search(r"/staff/meetings/(\d+)", page.url).group(1))
    page.goto(fresh_server(f"/meetings/{meeting_id}"))
    participants = page.locator("main")
    for name in EXPECTED:
        expect(participants).to_contain_text(name)

    # The province page counts it under the regency and leads to it.
    page.goto(fresh_server("/regions/14"))
    row = page.locator("tr").filter(has_text="Indragiri Hulu")
    expect(row.locator("td.num a").first).to_contain_text("1")
    row.locator("td.num a").first.click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    # And the regency's whole feed (the archive: the meeting is past) carries it.
    feed = fresh_server("/calendar/region/14.02.ics?archive=1")
    with urllib.request.urlopen(feed, timeout=10) as r:
        calendar = icalendar.Calendar.from_ical(r.read())
    events = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == TITLE]
    assert len(events) == 1
    assert str(events[0]["URL"]).endswith(f"/meetings/{meeting_id}")
    assert "Polres Indragiri Hulu" in str(events[0].get("DESCRIPTION", ""))
