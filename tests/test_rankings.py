"""Rankings (issue 17): bodies by meetings attended, split by role and attendance."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from tracker.extensions import db
from tracker.meetings.operations import add_participation, cancel_meeting
from tracker.meetings.queries import parse_filters
from tracker.rankings import queries

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")
PERIOD = {"province": "64", "date_from": "2024-01-01", "date_to": "2024-02-29"}


def _meeting(make_meeting, agency, title, day, parts, **fields):
    """A meeting with participations given as (slug, roles, attendance)."""
    meeting = make_meeting(
        title=title, starts_at=datetime(2024, *day, 9, 0, tzinfo=WITA), ends_at=None, **fields
    )
    for slug, roles, mark in parts:
        add_participation(
            meeting, {"agency_id": agency(slug).id, "roles": frozenset(roles), "attendance": mark}
        )
    db.session.commit()
    return meeting


@pytest.fixture
def meetings(make_meeting, agency, region):
    """Kaltim in January and February 2024, with what must not be counted around it."""
    _meeting(
        make_meeting,
        agency,
        "Rakor Januari",
        (1, 10),
        [
            ("polda-kaltim", {"chair"}, "present"),
            # A second person of the same body: the body still counts once.
            ("polda-kaltim", {"attendee"}, "present"),
            ("kpu-kaltim", {"speaker"}, "present"),
            ("bawaslu-kaltim", {"attendee"}, "absent"),
        ],
    )
    _meeting(
        make_meeting,
        agency,
        "Rakor Februari",
        (2, 5),
        [
            ("polda-kaltim", {"host", "speaker"}, "represented"),
            ("kpu-kaltim", set(), "unknown"),
            ("kejati-kaltim", {"attendee"}, "present"),
        ],
    )
    called_off = _meeting(
        make_meeting,
        agency,
        "Rakor yang batal",
        (2, 20),
        [("polda-kaltim", {"chair"}, "present"), ("kpu-kaltim", {"chair"}, "absent")],
    )
    cancel_meeting(called_off, "Banjir")
    db.session.commit()
    _meeting(
        make_meeting,
        agency,
        "Rapat internal",
        (2, 21),
        [("polda-kaltim", {"chair"}, "present"), ("kesbangpol-kaltim", {"chair"}, "present")],
        visibility="internal",
    )
    _meeting(
        make_meeting, agency, "Rakor Maret", (3, 10), [("polda-kaltim", {"attendee"}, "present")]
    )
    _meeting(
        make_meeting,
        agency,
        "Rakor Forkopimda Kaltim",
        (2, 12),
        [
            ("pemprov-kaltim", {"chair"}, "present"),
            ("polda-kaltim", set(), "absent"),
            ("dprd-kaltim", set(), "represented"),
            ("kodam-vi-mulawarman", set(), "absent"),
            # Not a statutory member: absent, but never flagged.
            ("kpu-kaltim", set(), "absent"),
        ],
        kind="rakor_forkopimda",
    )
    make_jatim = {"region_id": region("35").id, "timezone": "Asia/Jakarta"}
    _meeting(
        make_meeting,
        agency,
        "Rakor Jatim",
        (2, 6),
        [("polda-jatim", {"chair"}, "present")],
        **make_jatim,
    )


def _rows(filters_args):
    ranking = queries.ranking(parse_filters(filters_args))
    return ranking, {row.slug: row for row in ranking.rows}


def test_counts_by_role_and_attendance(app, meetings):
    ranking, rows = _rows(PERIOD)
    assert ranking.meetings == 3  # January, February, the Forkopimda; not cancelled/internal
    order = [row.slug for row in ranking.rows]
    assert order == [
        "kpu-kaltim",
        "polda-kaltim",
        "dprd-kaltim",
        "kejati-kaltim",
        "pemprov-kaltim",
        "bawaslu-kaltim",
        "kodam-vi-mulawarman",
    ]
    polda = rows["polda-kaltim"]
    assert polda.attended == 2
    assert dict(polda.by_role) == {"chair": 1, "host": 1, "speaker": 1, "attendee": 1}
    assert dict(polda.by_attendance) == {"present": 1, "represented": 1, "unknown": 0, "absent": 1}
    kpu = rows["kpu-kaltim"]
    assert kpu.attended == 2
    assert dict(kpu.by_role) == {"chair": 0, "host": 0, "speaker": 1, "attendee": 1}
    assert dict(kpu.by_attendance) == {"present": 1, "represented": 0, "unknown": 1, "absent": 1}
    bawaslu = rows["bawaslu-kaltim"]
    assert (bawaslu.attended, bawaslu.attendance("absent")) == (0, 1)
    assert "kesbangpol-kaltim" not in rows and "polda-jatim" not in rows


def test_cancelled_and_internal_meetings_are_not_counted(app, meetings):
    _ranking, rows = _rows({"province": "64"})
    # March counts without the period; the cancelled and the internal chair never do.
    assert rows["polda-kaltim"].attended == 3
    assert rows["polda-kaltim"].role("chair") == 1
    assert rows["kpu-kaltim"].role("chair") == 0
    assert "kesbangpol-kaltim" not in rows


def test_statutory_forkopimda_absentees_are_flagged(client, meetings):
    _ranking, rows = _rows(PERIOD)
    assert (rows["polda-kaltim"].forum_absent, rows["polda-kaltim"].forum_represented) == (1, 0)
    assert rows["dprd-kaltim"].forum_represented == 1
    assert rows["kodam-vi-mulawarman"].forum_absent == 1
    assert rows["kpu-kaltim"].forum_absent == 0  # absent, but not a statutory member
    assert rows["pemprov-kaltim"].forum_absent == rows["pemprov-kaltim"].forum_represented == 0
    html = client.get("/meetings/rankings", query_string=PERIOD).get_data(as_text=True)
    badges = dict(
        re.findall(r'href="/agencies/([\w-]+)">[^<]+</a> <span class="badge[^"]*">([^<]+)', html)
    )
    assert badges == {
        "polda-kaltim": "Anggota Forkopimda: tidak hadir 1x",
        "dprd-kaltim": "Anggota Forkopimda: diwakili 1x",
        "kodam-vi-mulawarman": "Anggota Forkopimda: tidak hadir 1x",
    }


def _number_links(html):
    """(count, href) of every linked number in the ranking table."""
    table = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    return [
        (int(n), unescape(href))
        for href, n in re.findall(r'<a href="(/meetings/\?[^"]+)">(\d+)<span', table)
    ]


def _listed(client, href):
    html = client.get(href).get_data(as_text=True)
    found = re.search(r'<p class="count">(\d+) rapat', html)
    return int(found.group(1)) if found else 0


def test_each_number_links_to_exactly_that_many_meetings(client, meetings):
    response = client.get("/meetings/rankings", query_string=PERIOD)
    assert response.status_code == 200
    links = _number_links(response.get_data(as_text=True))
    # Every non-zero cell of the seven bodies: totals, roles and attendance.
    assert len(links) == 25
    for n, href in links:
        assert "region=64" in href and "date_from=2024-01-01" in href, href
        assert _listed(client, href) == n, href
    assert (
        2,
        "/meetings/?date_from=2024-01-01&date_to=2024-02-29&region=64&agency=polda-kaltim"
        "&attendance=attended",
    ) in links


def test_role_and_attendance_filters_on_the_meeting_list(client, meetings):
    def listed(**args):
        return _listed(client, "/meetings/?" + "&".join(f"{k}={v}" for k, v in args.items()))

    # A role alone keeps the cancelled meeting (the role was planned); attendance does not.
    assert listed(agency="polda-kaltim", role="chair") == 2
    assert listed(agency="polda-kaltim", role="chair", attendance="attended") == 1
    assert listed(agency="polda-kaltim", attendance="absent") == 1
    # Role and attendance hold for one participation: KPU was absent only where it sat.
    assert listed(agency="kpu-kaltim", role="speaker", attendance="absent") == 0
    # Attendee includes participations with no role at all.
    assert listed(agency="kpu-kaltim", role="attendee") == 2
    assert listed(role="host") == 1
    for bad in ({"role": "boss"}, {"attendance": "maybe"}):
        response = client.get("/meetings/", query_string=bad)
        assert response.status_code == 400


def test_frequent_partners(client, meetings):
    ranking, _rows_by_slug = _rows(PERIOD)
    by_id = {row.agency_id: row.slug for row in ranking.rows}
    partners = {
        by_id[a]: [(slug, n) for slug, _name, n in items] for a, items in ranking.partners.items()
    }
    # Absent participations are no meeting together (Bawaslu in January, all at the forum).
    assert partners["polda-kaltim"] == [("kpu-kaltim", 2), ("kejati-kaltim", 1)]
    assert partners["kpu-kaltim"] == [("polda-kaltim", 2), ("kejati-kaltim", 1)]
    assert "bawaslu-kaltim" not in partners
    html = client.get("/meetings/rankings", query_string=PERIOD).get_data(as_text=True)
    section = html.split('id="partners"', 1)[1]
    assert "KPU Kaltim</a> (2 rapat)" in section


def test_national_totals_agree_with_the_tally(meetings):
    national, _rows_by_slug = _rows({})
    # A filter every meeting passes takes the other path: summing the tally rows.
    everything, _rows_by_slug = _rows({"date_from": "2000-01-01"})
    assert national.rows == everything.rows and national.meetings == everything.meetings
    # Partners too: kept pairs on one side, pairs counted from the tally on the other.
    assert national.partners == everything.partners and national.partners
    assert {row.slug for row in national.rows} >= {"polda-kaltim", "polda-jatim"}


def test_long_rankings_come_in_pages(client, meetings, monkeypatch):
    from tracker.rankings import views

    monkeypatch.setattr(views, "PER_PAGE", 3)
    ranked, _rows_by_slug = _rows(PERIOD)
    assert len(ranked.rows) == 7

    def bodies(html):
        table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return re.findall(
            r'<td class="num">(\d+)</td>\s*<th scope="row"><a href="/agencies/([^"]+)"', table
        )

    first = client.get("/meetings/rankings", query_string=PERIOD).get_data(as_text=True)
    third = client.get("/meetings/rankings", query_string={**PERIOD, "page": 3})
    html = third.get_data(as_text=True)
    assert [n for n, _slug in bodies(first)] == ["1", "2", "3"]
    # Ranks continue across pages; the last page holds the seventh body alone.
    assert bodies(html) == [("7", ranked.rows[6].slug)]
    assert 'rel="prev"' in html and "page=2" in html and "region=64" in html
    assert 'rel="next"' not in html
    # Partners are listed once, with the top of the ranking.
    assert 'id="partners"' in first and 'id="partners"' not in html
    assert client.get("/meetings/rankings", query_string={**PERIOD, "page": 4}).status_code == 404
    assert client.get("/meetings/rankings", query_string={**PERIOD, "page": 0}).status_code == 404


def test_province_page_shows_the_top_ten(client, meetings):
    html = client.get("/regions/64").get_data(as_text=True)
    table = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    first = table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert 'href="/agencies/polda-kaltim"' in first  # three meetings over the whole record
    assert "polda-jatim" not in table and "kesbangpol-kaltim" not in table
    assert 'href="/meetings/rankings?region=64"' in html
    for n, href in _number_links(html):
        assert _listed(client, href) == n, href
    assert len(re.findall(r"<tr", table.split("<tbody>", 1)[1])) <= 10


def test_a_province_alone_counts_its_regencies_from_the_province_rows(
    app, meetings, make_meeting, agency, region
):
    samarinda = {"region_id": region("64.72").id}
    parts = [("kpu-kaltim", set(), "present")]
    _meeting(make_meeting, agency, "Rakor Samarinda", (2, 7), parts, **samarinda)
    province = queries.ranking(parse_filters({"region": "64"}))
    # January, February, the Forkopimda, March and Samarinda; not Jawa Timur's.
    assert province.meetings == 5
    attended = {row.slug: row.attended for row in province.rows}
    assert attended["kpu-kaltim"] == 3 and "polda-jatim" not in attended
    regency = queries.ranking(parse_filters({"region": "64.72"}))
    assert regency.meetings == 1
    assert [(row.slug, row.attended) for row in regency.rows] == [("kpu-kaltim", 1)]
    # The counter, the province's rows and its regencies (the meeting count is kept).
    filters = parse_filters({"region": "64"})
    assert _statements(lambda: queries._compute(filters, 10, False)) == 3


def test_ranking_exports(client, meetings):
    response = client.get("/meetings/rankings.csv", query_string=PERIOD)
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["Peringkat", "Instansi", "Kode instansi", "Rapat diikuti"]
    polda = next(r for r in rows if r[2] == "polda-kaltim")
    assert polda[3:] == ["2", "1", "1", "1", "1", "1", "1", "0", "1", "1", "0"]
    assert all(r[2] != "kesbangpol-kaltim" for r in rows)
    response = client.get("/meetings/rankings.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:4] == (1, "KPU Kaltim", "kpu-kaltim", 2)
    assert len(values) == 8 and sheet.freeze_panes == "A2"
    notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "region=64" in notes[0] and notes[1] == "3 rapat dihitung"
    assert client.get("/meetings/rankings.csv?date_from=nope").status_code == 400


def _statements(run):
    count = 0

    def seen(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return count


def test_constant_statements(app, make_meeting, agency):
    slugs = ["polda-kaltim", "kpu-kaltim", "bawaslu-kaltim", "kejati-kaltim"]

    def add(n):
        for i in range(n):
            _meeting(
                make_meeting,
                agency,
                f"Rakor {i}",
                (1, 1 + i % 28),
                [(s, {"attendee"}, "present") for s in slugs],
                kind="rakor_forkopimda" if i % 2 else "rakor",
            )

    def count_statements(args):
        filters = parse_filters(args)  # loaded apart: the region read is not the ranking's
        return _statements(lambda: queries._compute(filters, None, True))

    add(5)
    small = [count_statements(PERIOD), count_statements({})]
    add(45)
    large = [count_statements(PERIOD), count_statements({})]
    # Bodies with their Forkopimda flags, partners, the meeting count (and, filtered by a
    # province, its regencies, loaded once per session): whatever the archive's size,
    # filtered (from the tally) or national (from the kept totals and pairs).
    assert small == large == [4, 3]
