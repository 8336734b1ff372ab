"""Press-release pages: only releases about public meetings, with those meetings."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.extensions import db
from tracker.press.operations import attach_press_release, create_press_release


def _release(title: str, url: str):
    return create_press_release(
        {
            "outlet": "Humas Polda Kaltim",
            "url": url,
            "title": title,
            "published_at": datetime(2024, 2, 6, 5, 0, tzinfo=UTC),
            "body": "Paragraf satu.\nParagraf dua <b>tebal</b>.",
        }
    )


def test_press_list_and_detail_show_only_public_meetings(client, make_meeting):
    public = make_meeting(title="Rakor publik")
    hidden = make_meeting(title="Rapat tertutup", visibility="internal")
    both = _release("Rilis dua rapat", "https://example.go.id/1")
    attach_press_release(public, both)
    attach_press_release(hidden, both, relation="mentions")
    secret = _release("Rilis rapat tertutup", "https://example.go.id/2")
    attach_press_release(hidden, secret)
    _release("Rilis belum ditautkan", "https://example.go.id/3")
    db.session.commit()

    listing = client.get("/press/").get_data(as_text=True)
    assert "Rilis dua rapat" in listing
    assert "Rilis rapat tertutup" not in listing and "Rilis belum ditautkan" not in listing
    assert "Rapat tertutup" not in listing
    detail = client.get(f"/press/{both.id}").get_data(as_text=True)
    assert f'href="/meetings/{public.id}"' in detail and "Rakor publik" in detail
    assert "Rapat tertutup" not in detail
    # Not marked as shown in full: the text stays at its source (tests/test_public_sources.py).
    assert "Paragraf satu." not in detail and "tebal" not in detail
    # Given in UTC: shown in the zone of the Kaltim meeting it reports (issue 16).
    assert "Selasa, 6 Februari 2024 pukul 13.00 WITA" in detail
    assert client.get(f"/press/{secret.id}").status_code == 404
    assert client.get("/press/999999").status_code == 404
