"""Region pages (/regions/), the list's province and regency choice, and the regions API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sql_helpers import statement_count

from tracker import reference
from tracker.extensions import db
from tracker.meetings.operations import cancel_meeting, update_meeting
from tracker.regions.operations import upsert_regions

MARKER = "Rahasia-Wilayah-7Q"


def _world(make_meeting, region) -> dict[str, object]:
    """Public, cancelled and internal meetings in Kaltim, its cities, and another province."""
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)

    def meeting(title: str, code: str, **fields: object) -> object:
        return make_meeting(
            title=title, region_id=region(code).id, starts_at=soon, ends_at=None, **fields
        )

    made = {
        "province": meeting("Rakor Provinsi Kaltim", "64"),
        "balikpapan": meeting("Rakor Kota Balikpapan", "64.71"),
        "cancelled": meeting("Rakor Balikpapan Batal", "64.71"),
        "internal": meeting(f"Rakor {MARKER}", "64.72", visibility="internal"),
        "kalsel": meeting("Rakor Kalimantan Selatan", "63"),
    }
    cancel_meeting(made["cancelled"], "Ditunda tanpa batas")
    db.session.commit()
    return made


def _count_links(html: str) -> dict[str, int]:
    """{region code: count} from the links that lead from a count to the meeting list."""
    pattern = r'<a href="/meetings/\?region=([0-9.]+)">(\d+)'
    return {code: int(n) for code, n in re.findall(pattern, html)}


def test_counts_are_public_meetings_only_and_provinces_include_their_regions(
    client, make_meeting, region
):
    _world(make_meeting, region)
    index = client.get("/regions/").get_data(as_text=True)
    row = r'<a href="/regions/(\d+)">[^<]+</a></td>\s*<td>\1</td>\s*<td>\w+</td>\s*'
    row += r'<td class="num">(\d+)'
    rows = dict(re.findall(row, index))
    assert len(rows) == 38
    # The cancelled meeting is public (the list shows it); the internal one is not.
    assert rows["64"] == "3" and rows["63"] == "1" and rows["31"] == "0"
    assert "<td>WITA</td>" in index and "<td>WIB</td>" in index and "<td>WIT</td>" in index

    page = client.get("/regions/64")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and MARKER not in html and MARKER not in index
    assert ">3 rapat</a> (1 dibatalkan)" in html
    counts = _count_links(html)
    assert counts["64.71"] == 2 and counts["64.72"] == 0
    # Every regency and city of the province has its row, whatever their number.
    assert set(counts) - {"64"} == {r.code for r in region("64").children}

    city = client.get("/regions/64.71").get_data(as_text=True)
    assert ">2 rapat</a> (1 dibatalkan)" in city
    assert '<a href="/regions/64">Kalimantan Timur</a>' in city
    assert "/calendar/region/64.71.ics" in city
    assert ">0 rapat</a>" in client.get("/regions/64.72").get_data(as_text=True)

    api = client.get("/api/v1/regions", query_string={"province": "64"}).get_json()["data"]
    by_code = {r["code"]: r for r in api}
    assert by_code["64"]["meetings"] == 3 and by_code["64.71"]["meetings"] == 2
    assert by_code["64.72"]["meetings"] == 0 and by_code["64.71"]["parent_code"] == "64"
    assert set(by_code) == {"64"} | {r.code for r in region("64").children}


def test_counts_follow_a_change_of_visibility(client, make_meeting, region):
    made = _world(make_meeting, region)
    assert _count_links(client.get("/regions/64").get_data(as_text=True))["64.71"] == 2
    update_meeting(made["balikpapan"], {"visibility": "internal"})
    db.session.commit()
    html = client.get("/regions/64").get_data(as_text=True)
    assert _count_links(html)["64.71"] == 1 and ">2 rapat</a>" in html


def _feed_titles(client, url: str) -> set[str]:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, url
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True).replace("\r\n ", "")
    return {line.removeprefix("SUMMARY:") for line in text.splitlines() if "SUMMARY:" in line}


def test_feed_links_answer_with_exactly_their_regions_meetings(client, make_meeting, region):
    _world(make_meeting, region)
    html = client.get("/regions/64").get_data(as_text=True)
    feeds = dict(re.findall(r'<a href="(http://[^"]+/calendar/region/([0-9.]+)\.ics)">', html))
    feeds = {code: url for url, code in feeds.items()}
    assert "64" not in feeds  # the province's own feed is offered as webcal/Google/https above
    assert 'value="http://localhost/calendar/region/64.ics"' in html
    assert set(feeds) == {r.code for r in region("64").children}
    assert _feed_titles(client, feeds["64.71"]) == {
        "Rakor Kota Balikpapan",
        "[DIBATALKAN] Rakor Balikpapan Batal",
    }
    assert _feed_titles(client, feeds["64.72"]) == set()  # its only meeting is internal
    province = _feed_titles(client, "http://localhost/calendar/region/64.ics")
    assert "Rakor Provinsi Kaltim" in province and "Rakor Kota Balikpapan" in province
    assert not any(MARKER in t or "Kalimantan Selatan" in t for t in province)


def test_unknown_codes_are_not_found(client):
    for path in ("/regions/99.99", "/regions/x", "/regions/64.71.ics"):
        assert client.get(path).status_code == 404, path
    for args in ({"province": "99"}, {"province": "64.71"}, {"parent": "nowhere"}):
        response = client.get("/api/v1/regions", query_string=args)
        assert response.status_code == 404 and response.get_json()["error"], args
    assert client.get("/api/v1/regions.csv", query_string={"province": "99"}).status_code == 404


def _titles(client, **args: str) -> list[str]:
    html = client.get("/meetings/", query_string=args).get_data(as_text=True)
    return sorted(re.findall(r'<h2><a href="/meetings/\d+">([^<]+)</a></h2>', html))


def _menu(html: str, name: str) -> tuple[list[str], list[str]]:
    """The option values of a select, and the selected ones."""
    found = re.search(rf'<select id="[^"]+" name="{name}".*?</select>', html, re.S)
    if found is None:
        return [], []
    values = re.findall(r'<option value="([^"]*)"', found.group(0))
    return values, re.findall(r'<option value="([^"]*)" selected', found.group(0))


def test_meeting_list_chooses_a_province_then_one_of_its_regencies(client, make_meeting, region):
    _world(make_meeting, region)
    first = client.get("/meetings/").get_data(as_text=True)
    provinces, chosen = _menu(first, "province")
    assert len(provinces) == 39 and chosen == []  # "every province" and the 38
    assert _menu(first, "regency") == ([], []) and 'name="region"' not in first
    html = client.get("/meetings/", query_string={"province": "64"}).get_data(as_text=True)
    regencies, chosen = _menu(html, "regency")
    assert regencies == [""] + sorted(r.code for r in region("64").children) and chosen == []
    assert _titles(client, province="64") == [
        "Rakor Balikpapan Batal",
        "Rakor Kota Balikpapan",
        "Rakor Provinsi Kaltim",
    ]
    picked = client.get("/meetings/", query_string={"province": "64", "regency": "64.71"})
    html = picked.get_data(as_text=True)
    assert _menu(html, "province")[1] == ["64"] and _menu(html, "regency")[1] == ["64.71"]
    assert _titles(client, province="64", regency="64.71") == [
        "Rakor Balikpapan Batal",
        "Rakor Kota Balikpapan",
    ]
    # Links from the result page name the region the canonical way.
    assert _titles(client, region="64.71") == _titles(client, province="64", regency="64.71")
    # The province changed, the regency menu still held the old province's city.
    assert _titles(client, province="63", regency="64.71") == ["Rakor Kalimantan Selatan"]
    assert _titles(client, province="64", regency="") == _titles(client, province="64")
    bad = client.get("/meetings/", query_string={"province": "99"})
    assert bad.status_code == 400 and "Wilayah tidak dikenal." in bad.get_data(as_text=True)


def test_meeting_page_links_its_region_pages(client, make_meeting, region):
    made = _world(make_meeting, region)
    html = client.get(f"/meetings/{made['balikpapan'].id}").get_data(as_text=True)
    assert '<a href="/regions/64.71">Balikpapan</a>, <a href="/regions/64">' in html
    assert 'href="/regions/"' in html  # the site navigation


URLS = (
    "/regions/",
    "/regions/64",
    "/regions/64.71",
    "/api/v1/regions?province=64",
    "/meetings/?province=64&regency=64.71",
)


def test_statement_counts_do_not_grow_with_regions_or_meetings(client, make_meeting, region):
    _world(make_meeting, region)
    few = {url: statement_count(client, url) for url in URLS}
    more = [
        reference.RegionRow(
            code=f"64.9{n:02d}",
            name=f"Kabupaten Uji {n}",
            kind="regency",
            short=f"Uji {n}",
            timezone="Asia/Makassar",
            parent_code="64",
        )
        for n in range(60)
    ]
    upsert_regions(more)
    db.session.commit()
    for n in range(0, 60, 6):
        make_meeting(title=f"Rakor Uji {n}", region_id=region(f"64.9{n:02d}").id)
    many = {url: statement_count(client, url) for url in URLS}
    assert many == few
    html = client.get("/regions/64").get_data(as_text=True)
    assert _count_links(html)["64.954"] == 1 and _count_links(html)["64.955"] == 0
