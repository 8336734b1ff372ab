"""The feed builder says what a built feed holds now (issue 16): its count, the next
five meetings with their zone, and the archive when the 90-day window is empty; and
its help gives the Google, Apple and Outlook steps that work for phones."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tracker.calendar.feeds import day_start
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models.types import utcnow

WITA = ZoneInfo("Asia/Makassar")


def _attended(make_meeting, agency, slug, start, **fields):
    meeting = make_meeting(starts_at=start, ends_at=start + timedelta(hours=2), **fields)
    ops.add_participation(meeting, {"agency_id": agency(slug).id, "roles": {"attendee"}})
    db.session.commit()
    return meeting


def _built(client, **args) -> str:
    html = client.get("/calendar/", query_string=args).get_data(as_text=True)
    assert 'id="feed-built"' in html, "no feed was built"
    built = html.split('<div class="built-feed" role="status">', 1)[1]
    return built.split('<section aria-labelledby="per-election">', 1)[0]


def test_built_feed_counts_and_lists_the_next_five(client, make_meeting, agency):
    soon = day_start(utcnow()) + timedelta(days=2, hours=1)
    made = [
        _attended(
            make_meeting, agency, "polda-kaltim", soon + timedelta(days=n), title=f"Rakor {n}"
        )
        for n in range(7)
    ]
    _attended(make_meeting, agency, "polda-kaltim", soon - timedelta(days=10), title="Rakor lalu")
    _attended(make_meeting, agency, "kpu-kaltim", soon, title="Rakor KPU saja")
    html = _built(client, agency="polda-kaltim")
    assert "Feed ini sekarang berisi 8 rapat." in html  # 7 coming, 1 past inside the window
    listed = re.findall(r'<a href="/meetings/(\d+)">([^<]+)</a>', html)
    assert listed == [(str(m.id), m.title) for m in made[:5]]
    # Date and time with the meeting's zone, and machine-readable.
    assert html.count(" WITA</time>") == 5
    assert f'<time datetime="{made[0].starts_at.isoformat()}">' in html
    assert "Rakor lalu" not in html and "Rakor KPU saja" not in html
    assert "feed arsip" not in html


def test_an_empty_feed_says_so_and_links_the_archive(client, make_meeting, agency):
    old = datetime(2024, 2, 6, 9, 0, tzinfo=WITA)  # far outside the 90-day window
    _attended(make_meeting, agency, "bawaslu-kaltim", old)
    _attended(make_meeting, agency, "bawaslu-kaltim", old + timedelta(days=1))
    html = _built(client, agency="bawaslu-kaltim")
    assert "Feed ini sekarang berisi 0 rapat." in html
    assert "Tidak ada rapat dalam 90 hari terakhir atau yang akan datang." in html
    link = re.search(r'<a href="([^"]+)">Lihat feed arsip \(2 rapat\)</a>', html)
    assert link, html
    target = link.group(1).replace("&amp;", "&")
    assert "archive=y" in target and "agency=bawaslu-kaltim" in target
    assert target.endswith("#builder")
    archived = _built(client, agency="bawaslu-kaltim", archive="y")
    assert "Feed ini sekarang berisi 2 rapat." in archived
    assert "Belum ada rapat mendatang dalam feed ini" in archived  # both are past
    assert "feed arsip" not in archived


def test_an_empty_archive_has_no_archive_link(client):
    html = _built(client, agency="kip-aceh")
    assert "Feed ini sekarang berisi 0 rapat." in html and "feed arsip" not in html


def test_internal_meetings_are_not_counted(client, make_meeting, agency):
    soon = day_start(utcnow()) + timedelta(days=3)
    _attended(make_meeting, agency, "polda-kaltim", soon, visibility="internal", title="Tertutup")
    html = _built(client, agency="polda-kaltim")
    assert "Feed ini sekarang berisi 0 rapat." in html and "Tertutup" not in html


def test_help_explains_google_apple_and_outlook_for_phones(client):
    html = client.get("/calendar/").get_data(as_text=True)
    howto = html.split('id="howto"', 1)[1]
    assert "calendar.google.com" in howto and "Dari URL" in howto
    assert "muncul sendiri di aplikasi ponsel" in howto
    assert "Tambah Kalender Langganan" in howto
    assert "Berlangganan dari web" in howto and "Aplikasi Outlook di ponsel" in howto
    # Google before Apple before Outlook.
    assert howto.index("Google Calendar") < howto.index("Apple Calendar") < howto.index("Outlook")


def test_counts_and_help_in_english(client, make_meeting, agency):
    old = datetime(2024, 2, 6, 9, 0, tzinfo=WITA)
    _attended(make_meeting, agency, "bawaslu-kaltim", old)
    client.get("/lang/en")
    html = client.get("/calendar/", query_string={"agency": "bawaslu-kaltim"}).get_data(
        as_text=True
    )
    assert "This feed now holds 0 meetings." in html
    assert "See the archive feed (1 meeting)" in html
    assert "From URL" in html and "Add Subscribed Calendar" in html
    assert "Subscribe from web" in html and "The Outlook phone app follows that account" in html
