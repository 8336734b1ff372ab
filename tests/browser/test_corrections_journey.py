"""Issue 17 in Chromium: a reader reports an error, staff accept it with an edit of the
meeting, and the meeting page shows the correction (never the reader's contact)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browser_support import LiveServer, log_in, screenshot, watch_errors

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

CONTACT = "pembaca.teliti@contoh.example"
NOTE = "Judul diperbaiki sesuai rilis Humas: rapat ini tentang Pilkada."


def _public_meeting(server: LiveServer) -> tuple[int, str]:
    """The first public meeting of the demo data: its id and title."""
    from tracker.extensions import db
    from tracker.models import Meeting

    with server.app.app_context():
        meeting = (
            db.session.execute(
                db.select(Meeting).where(Meeting.visibility == "public").order_by(Meeting.id)
            )
            .scalars()
            .first()
        )
        found = (meeting.id, meeting.title)
        db.session.remove()
    return found


def test_reader_reports_an_error_staff_accept_it_and_the_page_shows_it(
    page: Any, context_factory: Any, fresh_server: LiveServer
) -> None:
    meeting_id, title = _public_meeting(fresh_server)
    new_title = title + " (Pilkada)"

    # The reader, without an account, from the meeting page.
    page.goto(fresh_server(f"/meetings/{meeting_id}"))
    page.get_by_role("link", name="Laporkan kesalahan").click()
    expect(page.get_by_role("heading", name="Laporkan kesalahan")).to_be_visible()
    # A report without its text is refused and keeps what was typed.
    page.get_by_label("Bagian yang salah").select_option(label="Judul")
    page.get_by_label("Kontak Anda (opsional)").fill(CONTACT)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator(".field-error")).to_contain_text("Tulis apa yang salah.")
    expect(page.get_by_label("Kontak Anda (opsional)")).to_have_value(CONTACT)
    page.get_by_label("Apa yang salah?").fill("Rapat ini membahas Pilkada, bukan Pemilu.")
    page.get_by_label("Tautan sumber (opsional)").fill("https://humas.example/rilis/42")
    screenshot(page, "correction-report", full_page=False)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator(".flash")).to_contain_text("Terima kasih")
    expect(page).to_have_url(fresh_server(f"/meetings/{meeting_id}"))

    # Staff: the menu counts the report; "Terima" opens the meeting's edit form.
    staff = context_factory().new_page()
    errors = watch_errors(staff)
    log_in(staff, fresh_server)
    staff.get_by_role("link", name=re.compile(r"^Koreksi 1$")).click()
    expect(staff.get_by_role("heading", name="Koreksi dari pembaca")).to_be_visible()
    staff.get_by_role("link", name="Terima", exact=True).click()
    expect(staff.locator(".correction-accept")).to_contain_text("bukan Pemilu")
    expect(staff.locator(".correction-accept")).to_contain_text(CONTACT)
    title_box = staff.get_by_label(re.compile(r"^Judul( \*)?$"))
    expect(title_box).to_have_value(title)
    title_box.fill(new_title)
    staff.get_by_label("Catatan koreksi (publik)").fill(NOTE)
    staff.locator(".actions").get_by_role("button", name="Simpan").click()
    expect(staff.locator(".flash")).to_contain_text("koreksi diterima")
    expect(staff.get_by_role("link", name=re.compile(r"^Koreksi$"))).to_be_visible()
    assert not errors, errors

    # The meeting page: the new title, the correction with its date, no contact.
    page.goto(fresh_server(f"/meetings/{meeting_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(new_title)
    corrections = page.locator("section.corrections")
    expect(corrections).to_contain_text(f"Koreksi: Judul — {NOTE.rstrip('.')}, ")
    expect(corrections.locator("time")).to_have_count(1)
    assert CONTACT not in page.content()
    screenshot(page, "correction-shown", full_page=False)
