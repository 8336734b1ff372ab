"""A journalist saves a search as an e-mail alert, confirms it, and gets one digest."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alert_helpers import start_server, text_body

from .browser_support import LiveServer

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

ADDRESS = "redaksi@samarinda.example"
TITLE = "Rakor Distribusi Logistik Pemilu Kota Samarinda"


def _create_meeting(server: LiveServer) -> int:
    """A new public meeting in Samarinda, recorded through the operations as staff would."""
    from tracker.extensions import db
    from tracker.meetings.operations import create_meeting
    from tracker.models import Region

    with server.app.app_context():
        samarinda = db.session.execute(db.select(Region).filter_by(code="64.72")).scalar_one()
        wita = ZoneInfo("Asia/Makassar")
        meeting = create_meeting(
            {
                "title": TITLE,
                "kind": "rakor",
                "starts_at": datetime(2024, 2, 8, 13, 30, tzinfo=wita),
                "region_id": samarinda.id,
            }
        )
        db.session.commit()
        return meeting.id


def _send_alerts(server: LiveServer) -> str:
    result = server.app.test_cli_runner().invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_subscribe_confirm_and_receive_one_digest(page: Any, fresh_server: LiveServer):
    controller, inbox = start_server()
    try:
        fresh_server.app.config.update(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
        page.goto(fresh_server("/meetings/"))
        page.get_by_label("Provinsi").select_option("64")
        page.get_by_role("button", name="Tampilkan").click()
        expect(page).to_have_url(re.compile(r"province=64"))
        atom = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
        assert "/meetings/feed.atom?region=64" in (atom.get_attribute("href") or "")
        expect(page.get_by_role("link", name="Atom", exact=True)).to_be_visible()
        page.get_by_role("link", name="Kabari saya").click()
        expect(page.get_by_role("heading", name="Kabari saya lewat surel")).to_be_visible()
        expect(page.get_by_text("Kalimantan Timur")).to_be_visible()
        page.get_by_label("Alamat surel").fill(ADDRESS)
        page.get_by_role("button", name="Kabari saya").click()
        expect(page.get_by_text("Periksa kotak surel Anda")).to_be_visible()
        assert ADDRESS not in page.content()

        (confirmation,) = inbox.to(ADDRESS)
        confirm_url = re.search(r"http://\S+/alerts/confirm/\S+", text_body(confirmation))
        assert confirm_url and confirm_url.group(0).startswith(fresh_server.url)
        page.goto(confirm_url.group(0))
        page.get_by_role("button", name="Ya, kirimi saya ringkasan harian").click()
        expect(page.get_by_text("Langganan aktif")).to_be_visible()
        inbox.clear()

        meeting_id = _create_meeting(fresh_server)
        assert "1 ringkasan terkirim" in _send_alerts(fresh_server)
        (digest,) = inbox.to(ADDRESS)
        body = text_body(digest)
        assert TITLE in body
        meeting_url = fresh_server(f"/meetings/{meeting_id}")
        assert meeting_url in body
        page.goto(meeting_url)
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

        assert "0 ringkasan terkirim" in _send_alerts(fresh_server)
        assert len(inbox.to(ADDRESS)) == 1
    finally:
        controller.stop()
