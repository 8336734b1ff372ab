"""The month view (issue 17): meetings on their local day, the list's filters, no script."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sql_helpers import statement_count

from tracker.extensions import db
from tracker.meetings.operations import add_participation

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def _cell(html: str, iso_day: str) -> str:
    """The calendar cell of one day (its <td>)."""
    start = html.index(f'<time datetime="{iso_day}">')
    return html[html.rindex("<td", 0, start) : html.index("</td>", start)]


def _month(make_meeting, region):
    make_meeting(
        title="Rakor Balikpapan",
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA),
        ends_at=None,
    )
    # 00:30 WIT on 1 March is still 29 February in UTC: it belongs to March.
    make_meeting(
        title="Rakor Jayapura",
        starts_at=datetime(2024, 3, 1, 0, 30, tzinfo=WIT),
        ends_at=None,
        timezone="Asia/Jayapura",
        region_id=region("91").id,
    )
    make_meeting(
        title="Rakor Samarinda tanpa jam",
        starts_at=datetime(2024, 2, 20, 0, 0, tzinfo=WITA),
        ends_at=None,
        time_unknown=True,
    )
    make_meeting(
        title="Rapat internal",
        starts_at=datetime(2024, 2, 7, 9, 0, tzinfo=WITA),
        ends_at=None,
        visibility="internal",
    )
    db.session.commit()


def test_meetings_sit_on_their_local_day_with_zone(client, make_meeting, region):
    _month(make_meeting, region)
    html = client.get("/meetings/month", query_string={"month": "2024-02"}).get_data(as_text=True)
    assert '<h2 id="month-title">Februari 2024</h2>' in html
    assert "09.00 WITA" in _cell(html, "2024-02-06") and "Rakor Balikpapan" in _cell(
        html, "2024-02-06"
    )
    unknown = _cell(html, "2024-02-20")
    assert "Rakor Samarinda tanpa jam" in unknown and "jam tidak disebutkan (WITA)" in unknown
    assert "00.00" not in unknown
    assert "Rakor Jayapura" not in html  # a March meeting
    assert "Rapat internal" not in html
    assert "3 rapat bulan ini" not in html and "2 rapat bulan ini" in html
    # Monday-first weeks; February 2024 starts on a Thursday.
    first_row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert first_row.count('class="outside"') == 3
    march = client.get("/meetings/month", query_string={"month": "2024-03"}).get_data(as_text=True)
    assert "00.30 WIT" in _cell(march, "2024-03-01")


def test_filters_apply_and_navigation_keeps_them(client, make_meeting, region):
    _month(make_meeting, region)
    html = client.get(
        "/meetings/month", query_string={"month": "2024-03", "province": "91"}
    ).get_data(as_text=True)
    assert "Rakor Jayapura" in html
    prev = re.search(r'<a rel="prev" href="([^"]+)"', html).group(1)
    assert "month=2024-02" in prev and "region=91" in prev
    html = client.get("/meetings/month", query_string={"month": "2024-02", "region": "91"})
    assert "Rakor Balikpapan" not in html.get_data(as_text=True)


def test_default_month_is_the_latest_meeting_and_errors_are_shown(client, make_meeting, region):
    _month(make_meeting, region)
    html = client.get("/meetings/month").get_data(as_text=True)
    assert '<h2 id="month-title">Maret 2024</h2>' in html
    html = client.get("/meetings/month", query_string={"date_from": "2024-02-10"}).get_data(
        as_text=True
    )
    # The date filter picks the month and still applies inside it.
    assert "Februari 2024</h2>" in html and "Rakor Balikpapan" not in html
    assert "Rakor Samarinda tanpa jam" in html
    bad = client.get("/meetings/month", query_string={"date_from": "kemarin"})
    assert bad.status_code == 400 and "Filter tidak bisa dipakai" in bad.get_data(as_text=True)


def test_english_month_and_list_link(client, make_meeting, region):
    _month(make_meeting, region)
    client.set_cookie("lang", "en")
    html = client.get("/meetings/month", query_string={"month": "2024-02"}).get_data(as_text=True)
    assert "February 2024</h2>" in html and 'title="Monday"' in html
    listing = client.get("/meetings/").get_data(as_text=True)
    assert 'href="/meetings/month' in listing


def test_month_view_statements_do_not_grow_with_meetings(client, make_meeting, agency):
    def add(n):
        for i in range(n):
            m = make_meeting(
                title=f"Rakor {i}",
                starts_at=datetime(2024, 2, 1 + i % 28, 9, 0, tzinfo=WITA),
                ends_at=None,
            )
            add_participation(m, {"agency_id": agency("polda-kaltim").id, "roles": {"chair"}})
        db.session.commit()

    url = "/meetings/month?month=2024-02&province=64"
    add(5)
    client.get(url)  # warm the kept choices
    few = statement_count(client, url)
    add(45)
    client.get(url)
    many = statement_count(client, url)
    assert "50 rapat bulan ini" in client.get(url).get_data(as_text=True)
    assert many == few, (few, many)


def test_a_busy_day_shows_its_first_meetings_and_links_to_the_rest(client, make_meeting):
    for hour in range(8, 15):  # seven meetings on 6 February
        make_meeting(
            title=f"Rakor jam {hour:02d}",
            starts_at=datetime(2024, 2, 6, hour, 0, tzinfo=WITA),
            ends_at=None,
        )
    db.session.commit()
    html = client.get("/meetings/month", query_string={"month": "2024-02"}).get_data(as_text=True)
    cell = _cell(html, "2024-02-06")
    shown = re.findall(r"Rakor jam (\d\d)", cell)
    assert shown == ["08", "09", "10", "11", "12"]  # the first five, oldest first
    more = re.search(r'<li class="more"><a href="([^"]+)">\+2 rapat lain', cell)
    assert more, cell
    listing = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Rakor jam 13" in listing and "Rakor jam 14" in listing
    assert "7 rapat bulan ini" in html  # the month's count includes the hidden ones
    english = client.get("/meetings/month?month=2024-02&lang=en").get_data(as_text=True)
    assert "+2 more meetings" in english
