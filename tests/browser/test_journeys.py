"""The main journeys, driven in Chromium as editors, journalists and subscribers use the app."""

from __future__ import annotations

import re
import urllib.request
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import icalendar
import pytest

from .browser_support import LiveServer, log_in, screenshot

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

SEED_MEETING = "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024"
POLDA_EVIDENCE = "pemateri dari Kapolda Kaltim"


def labelled(scope: Any, label: str) -> Any:
    """The control whose label is exactly ``label`` (a required field's "*" aside)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _seed_release() -> str:
    return resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")


def test_editor_extracts_the_seed_release_and_publishes_it(page: Any, fresh_server: LiveServer):
    """Paste the seed release, accept the suggested date, save, find it on the public list."""
    log_in(page, fresh_server)
    page.goto(fresh_server("/staff/press/extract"))
    page.get_by_label("Teks siaran pers").fill(_seed_release())
    page.get_by_label("Media atau penerbit").fill("kaltimfaktual.co")
    page.get_by_role("button", name="Usulkan rapat").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa usulan rapat")
    warning = page.locator(".review-warning").filter(has_text="Selasa")
    expect(warning.first).to_contain_text("Sabtu")
    expect(warning.first).to_contain_text("6 Februari 2024")
    # The suggested date is already in the date field: accepting it means leaving it.
    expect(labelled(page, "Tanggal")).to_have_value("2024-02-06")
    expect(labelled(page, "Wilayah")).to_have_value(re.compile(r"\d+"))
    screenshot(page, "extract-review")

    # The demo already holds this meeting; a distinct title keeps the new one apart.
    title = "Rakor Forkopimda Kaltim Jelang Pemilu 2024 (dicatat dari siaran pers)"
    labelled(page, "Judul").fill(title)
    page.get_by_label("Visibilitas").select_option("public")
    page.get_by_role("button", name="Simpan rapat").click()

    expect(page.locator(".flash")).to_contain_text("disimpan")
    staff_url = page.url
    meeting_id = int(re.search(r"/staff/meetings/(\d+)", staff_url).group(1))

    page.goto(fresh_server("/meetings/"))
    link = page.get_by_role("link", name=title)
    expect(link).to_have_attribute("href", f"/meetings/{meeting_id}")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("dl.facts")).to_contain_text("Selasa, 6 Februari 2024")
    expect(page.locator("dl.facts")).to_contain_text("WITA")
    expect(
        page.locator("blockquote.evidence").filter(has_text=POLDA_EVIDENCE).first
    ).to_be_visible()


def test_journalist_finds_polda_kaltim_evidence(page: Any, live_server: LiveServer):
    """Search "Kapolda Kaltim", open Polda Kaltim, open the Balikpapan Rakor, read the evidence."""
    page.goto(live_server("/"))
    page.get_by_role("searchbox", name="Cari rapat").fill("Kapolda Kaltim")
    page.get_by_role("searchbox", name="Cari rapat").press("Enter")
    expect(page).to_have_url(re.compile(r"/meetings/\?q=Kapolda(\+|%20)Kaltim"))
    result = page.locator("article.meeting-row").filter(has_text=SEED_MEETING)
    expect(result).to_contain_text("Polda Kaltim")
    expect(result).to_contain_text("Balikpapan")

    nav = page.get_by_role("navigation", name="Navigasi utama")
    nav.get_by_role("link", name="Instansi").click()
    page.get_by_role("searchbox", name="Nama atau alias").fill("Polda Kaltim")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Polda Kaltim", exact=True).click()
    expect(page).to_have_url(live_server("/agencies/polda-kaltim"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Polda Kaltim")
    history = page.locator("table.attendance-history")
    expect(history).to_contain_text(SEED_MEETING)
    screenshot(page, "agency", docs=True)

    history.get_by_role("link", name=SEED_MEETING).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_MEETING)
    expect(page.locator("dl.facts")).to_contain_text("Hotel Novotel Balikpapan")
    row = page.locator("table.participants tr").filter(
        has=page.get_by_role("link", name="Polda Kaltim", exact=True)
    )
    expect(row).to_have_count(1)
    evidence = row.locator("blockquote.evidence")
    expect(evidence).to_be_visible()
    expect(evidence).to_contain_text(POLDA_EVIDENCE)
    screenshot(page, "meeting", full_page=False, docs=True)


def _fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.headers.get_content_type(), response.read()


def _expected_uids(server: LiveServer, slug: str) -> set[str]:
    """UIDs of the public meetings the agency takes part in, straight from the database."""
    from tracker.extensions import db
    from tracker.models import Agency, Meeting, Participation

    with server.app.app_context():
        query = (
            db.select(Meeting.uid)
            .join(Participation, Participation.meeting_id == Meeting.id)
            .join(Agency, Agency.id == Participation.agency_id)
            .where(Agency.slug == slug, Meeting.visibility == "public")
        )
        uids = set(db.session.execute(query).scalars())
        db.session.remove()
    return uids


def test_subscriber_builds_a_bawaslu_kaltim_feed(page: Any, live_server: LiveServer):
    """The builder's webcal, Google and https links all name one feed of that agency."""
    page.goto(live_server("/calendar/"))
    builder = page.locator("form.feed-builder")
    # The agency is searched, not picked from a select of hundreds (no JavaScript).
    builder.get_by_label("Instansi").fill("Bawaslu Kaltim")
    builder.get_by_role("button", name="Cari instansi").click()
    builder = page.locator("form.feed-builder")
    expect(builder.get_by_role("radio", name=re.compile("^Bawaslu Kaltim"))).to_be_checked()
    # Two steps without JavaScript: the province, then "Pilih" lists its regions.
    builder.get_by_label("Provinsi", exact=True).select_option("64")
    builder.get_by_role("button", name="Pilih", exact=True).click()
    builder = page.locator("form.feed-builder")
    expect(builder.locator("#agency-current")).to_contain_text("Bawaslu Kaltim")
    builder.get_by_label("Wilayah").select_option("64")
    # The demo meetings are from 2024: the archive holds them whatever today is.
    builder.get_by_label("Seluruh arsip").check()
    builder.get_by_role("button", name="Tampilkan tautan").click()

    built = page.locator(".built-feed")
    expect(built).to_contain_text("Bawaslu Kaltim")
    expect(built).to_contain_text("Kalimantan Timur")
    screenshot(page, "subscribe", full_page=False, docs=True)
    https_url = built.get_by_role("textbox").input_value()
    webcal = built.get_by_role("link", name=re.compile("webcal")).get_attribute("href")
    google = built.get_by_role("link", name=re.compile("Google")).get_attribute("href")

    parts = urlsplit(https_url)
    assert parts.scheme in ("http", "https") and parts.path == "/calendar/feed.ics"
    assert parse_qs(parts.query) == {
        "agency": ["bawaslu-kaltim"],
        "region": ["64"],
        "archive": ["1"],
    }
    same_address = https_url.split("://", 1)[1]
    assert webcal == "webcal://" + same_address
    google_parts = urlsplit(google)
    assert google_parts.netloc == "calendar.google.com"
    assert parse_qs(google_parts.query)["cid"] == [webcal]
    assert quote(webcal, safe="") in google

    content_type, body = _fetch(https_url)
    assert content_type == "text/calendar"
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    uids = {str(event["UID"]) for event in events}
    assert uids == _expected_uids(live_server, "bawaslu-kaltim")
    assert len(uids) >= 2
    for event in events:
        assert "Bawaslu Kaltim" in str(event["DESCRIPTION"])


def _error_next_to_field(page: Any, field_id: str, message: str) -> None:
    """The field is marked invalid and described by its error, shown right below it."""
    control = page.locator(f"#{field_id}")
    expect(control).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{field_id}-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    assert f"{field_id}-error" in (control.get_attribute("aria-describedby") or "").split()
    same_block = control.evaluate(
        "(c, id) => c.closest('.field').contains(document.getElementById(id))",
        f"{field_id}-error",
    )
    assert same_block, f"the error of {field_id} is not in the field's block"
    control_box, error_box = control.bounding_box(), error.bounding_box()
    gap = error_box["y"] - (control_box["y"] + control_box["height"])
    assert 0 <= gap < 60, f"the error of {field_id} is {gap}px from its control"


def _check_kept(form: Any, typed: dict[str, str]) -> None:
    for label, value in typed.items():
        expect(labelled(form, label)).to_have_value(value)
    expect(form.get_by_label("Jenis rapat")).to_have_value("rakor_forkopimda")
    expect(form.get_by_label("Visibilitas")).to_have_value("internal")
    region = labelled(form, "Wilayah").evaluate("s => s.options[s.selectedIndex].text")
    assert "Samarinda" in region
    row = form.locator("fieldset.participation-row").first
    expect(row.get_by_label("Instansi")).to_have_value("Polda Kaltim")
    expect(row.get_by_label("Jabatan seperti tertulis")).to_have_value("Kapolda Kaltim")
    expect(row.get_by_label("Pemateri")).to_be_checked()


def test_meeting_form_with_errors_keeps_values_and_marks_fields(page: Any, live_server: LiveServer):
    """A rejected form keeps every typed value and ties each error to its field."""
    log_in(page, live_server)
    page.goto(live_server("/staff/meetings/new"))
    # The region in two steps: the province, then "Pilih" lists its regencies and cities.
    form = page.locator("form.meeting-form")
    labelled(form, "Provinsi").select_option("64")
    form.locator('button[name="pick"][value="region"]').click()
    typed = {
        "Tema": "Kesiapan logistik pemungutan suara",
        "Ringkasan": "Catatan rapat yang harus tetap ada setelah ditolak.",
        "Tanggal": "2024-02-10",
        "Jam mulai": "14:00",
        "Jam selesai": "10:30",
        "Nama tempat baru": "Gedung Olah Bebaya",
        "Alamat tempat baru": "Jl. Gajah Mada, Samarinda",
    }
    form = page.locator("form.meeting-form")
    for label, value in typed.items():
        labelled(form, label).fill(value)
    form.get_by_label("Jenis rapat").select_option("rakor_forkopimda")
    labelled(form, "Wilayah").select_option(label="Kota Samarinda (WITA)")
    form.get_by_label("Visibilitas").select_option("internal")
    row = form.locator("fieldset.participation-row").first
    row.get_by_label("Instansi").fill("Polda Kaltim")
    row.get_by_label("Jabatan seperti tertulis").fill("Kapolda Kaltim")
    row.get_by_label("Pemateri").check()
    row.get_by_label("Urutan").fill("1200")
    form.get_by_role("button", name="Simpan", exact=True).click()

    # No title, an order out of range, and the end before the start.
    expect(page.locator(".error-summary")).to_be_visible()
    _check_kept(form, typed)
    expect(labelled(form, "Judul")).to_have_value("")
    expect(row.get_by_label("Urutan")).to_have_value("1200")
    _error_next_to_field(page, "title", "Judul wajib diisi")
    _error_next_to_field(page, "participations-0-order", "0 dan 999")
    screenshot(page, "meeting-form-errors")

    # The form's own checks pass once those are fixed; the end time is checked when
    # the meeting is built, and is reported next to its field the same way.
    labelled(form, "Judul").fill("Rakor Logistik Pemilu di Samarinda")
    row.get_by_label("Urutan").fill("1")
    form.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    _check_kept(form, typed)
    expect(labelled(form, "Judul")).to_have_value("Rakor Logistik Pemilu di Samarinda")
    _error_next_to_field(page, "end_time", "sebelum")
    expect(page.locator(".field-error")).to_have_count(1)


def test_language_switch_turns_the_page_to_english_and_back(page: Any, live_server: LiveServer):
    """The switch changes the page's language, its labels and its dates, then restores them."""
    page.goto(live_server("/meetings/1"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "id")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Selasa, 6 Februari 2024")

    page.get_by_role("group", name="Bahasa").get_by_role("link", name="English").click()
    # The page comes back with its language in the address, ready to share (issue 16).
    expect(page).to_have_url(live_server("/meetings/1?lang=en"))
    expect(html).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Meetings", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Calendar", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(facts.get_by_role("link", name="Download .ics")).to_be_visible()
    expect(page.locator("table.participants th").last).to_have_text("Evidence from press releases")
    expect(page.get_by_role("link", name="Skip to content")).to_have_count(1)
    expect(facts.locator("dt").first).to_have_text("Time")
    expect(facts).to_contain_text("Venue")
    expect(facts).to_contain_text("Held")
    expect(facts).to_contain_text("Tuesday")
    expect(facts).to_contain_text("February")
    expect(page.get_by_role("heading", name="Participants", exact=True)).to_be_visible()
    expect(page.locator("table.participants").first).to_contain_text("Present")
    expect(page.locator(".site-footer")).to_contain_text("records election coordination meetings")
    expect(facts.locator("time").first).not_to_contain_text("Selasa")
    expect(page.get_by_role("group", name="Language").locator("[aria-current]")).to_have_text(
        "English"
    )

    # The choice is remembered on the next page.
    nav.get_by_role("link", name="Meetings", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordination meetings")

    page.get_by_role("group", name="Language").get_by_role("link", name="Bahasa Indonesia").click()
    expect(html).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapat koordinasi")
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_visible()
    expect(page.get_by_role("link", name="Langsung ke isi")).to_have_count(1)


PHONE_PAGES = {
    "home": "/",
    "meetings-list": "/meetings/",
    "meeting": "/meetings/1",
    "agency": "/agencies/polda-kaltim",
    "subscribe": "/calendar/",
    "login": "/login",
    "meeting-form": "/staff/meetings/new",
}


def test_main_pages_fit_a_phone_without_horizontal_scrolling(
    context_factory: Any, live_server: LiveServer
):
    """At 375 px the document is never wider than the screen."""
    page = context_factory(width=375, height=812, is_mobile=True).new_page()
    too_wide: dict[str, list[str]] = {}
    for name, path in PHONE_PAGES.items():
        if name == "meeting-form":
            log_in(page, live_server)
        page.goto(live_server(path))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[name] = page.evaluate(_WIDE_ELEMENTS) + [f"scrollWidth={width}"]
        screenshot(page, f"phone-{name}")
    assert not too_wide, f"pages wider than 375 px: {too_wide}"


# For the failure message: which elements stick out past the viewport.
_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
       + (e.className?.split ? '.' + e.className.split(' ').join('.') : '')
       + ' right=' + Math.round(e.getBoundingClientRect().right))"""
