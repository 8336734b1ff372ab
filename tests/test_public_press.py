"""Press-release pages: only releases about public meetings, with those meetings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

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


def test_the_press_total_is_kept_until_a_write_it_shows(client, make_meeting):
    """The count of public releases is read once per write, and any write it shows moves it."""
    from sql_helpers import statements

    from tracker.meetings.operations import update_meeting

    meeting = make_meeting(title="Rakor publik")
    attach_press_release(meeting, _release("Rilis satu", "https://example.go.id/1"))
    db.session.commit()

    def total() -> int:
        return client.get("/api/v1/press-releases").get_json()["meta"]["total"]

    assert total() == 1
    with statements() as seen:
        assert total() == 1
    assert not [s for s in seen if "count(" in s], seen
    # A press write (page counter) and a meeting write (feed counter) both count again.
    attach_press_release(meeting, _release("Rilis dua", "https://example.go.id/2"))
    db.session.commit()
    assert total() == 2
    assert "2 siaran pers" in client.get("/press/").get_data(as_text=True)
    update_meeting(meeting, {"visibility": "internal"})
    db.session.commit()
    assert total() == 0


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_press_page_walks_the_newest_first_index(app):
    """No sort of every release: SQLite reads the index in order and stops at the page."""
    from tracker.press.queries import public_releases

    page = public_releases().limit(25).offset(50)
    sql = str(page.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " | ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "SCAN press_release USING INDEX ix_press_release_newest" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
