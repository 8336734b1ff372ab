"""A concise meeting page (issue 16): the seed Balikpapan Rakor fits in 2,500 px at 1280 px
wide, its history a one-line note whose link opens the history page."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_support import LiveServer, screenshot, watch_errors

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

SEED_TITLE = "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024"
MAX_HEIGHT = 2500


def _open_seed_meeting(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server("/meetings/?q=Balikpapan"))
    page.get_by_role("link", name=SEED_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_seed_meeting_page_is_under_2500_px(page: Any, live_server: LiveServer):
    """At 1280 px the whole page, participants and evidence included, is under 2,500 px."""
    errors = watch_errors(page)
    _open_seed_meeting(page, live_server)
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "meeting-page-1280")
    assert height < MAX_HEIGHT, f"the meeting page is {height} px tall"
    # Concise, not emptied: every participant's evidence is still on the page.
    expect(page.locator("table.participants blockquote.evidence").first).to_be_visible()
    expect(page.locator("table.history-changes")).to_have_count(0)
    assert not errors, errors


def test_history_page_opens_from_the_note(page: Any, live_server: LiveServer):
    """The note's link opens the history; its breadcrumb leads back to the meeting."""
    errors = watch_errors(page)
    _open_seed_meeting(page, live_server)
    note = page.locator("p.history-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("WITA")
    note.get_by_role("link", name="Lihat riwayat perubahan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riwayat perubahan")
    expect(page.locator("ol.public-history > li")).not_to_have_count(0)
    expect(page.locator("ol.public-history")).to_contain_text("Rapat dicatat")
    expect(page.locator("ol.public-history")).to_contain_text("Peserta ditambahkan")
    expect(page.locator("ol.public-history")).not_to_contain_text("Urutan")
    screenshot(page, "meeting-history-1280")
    crumbs = page.get_by_role("navigation", name="Jejak halaman")
    crumbs.get_by_role("link", name=SEED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    assert not errors, errors
