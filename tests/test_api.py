"""The read API: shapes, filters, paging, CSV, errors, CORS, OpenAPI."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sql_helpers import statements

from tracker import page_cache
from tracker.api.export import neutralise
from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.press.operations import add_evidence, create_press_release

WITA = ZoneInfo("Asia/Makassar")
LISTS = (
    "/api/v1/meetings",
    "/api/v1/agencies",
    "/api/v1/agencies/polda-kaltim/attendance",
    "/api/v1/press-releases",
    "/api/v1/elections",
    "/api/v1/regions",
)


def _seeded_meeting(make_meeting, agency):
    meeting = make_meeting(title="Rakor API", theme="Tema", summary="Ringkasan")
    part = add_participation(
        meeting,
        {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}, "attendance": "present"},
    )
    release = create_press_release(
        {
            "outlet": "Humas",
            "url": "https://example.go.id/rilis",
            "title": "Rilis",
            "body": "Kapolda Kaltim menjadi pemateri. Kalimat lain.",
            "published_date": date(2024, 2, 7),  # a day without an hour
        }
    )
    add_evidence(part, release, "Kapolda Kaltim menjadi pemateri.")
    db.session.commit()
    return meeting, release


def test_meeting_list_and_detail_shapes(client, make_meeting, agency):
    meeting, release = _seeded_meeting(make_meeting, agency)
    body = client.get("/api/v1/meetings").get_json()
    meta = {"page": 1, "per_page": 25, "total": 1, "pages": 1, "total_capped": False}
    assert body["meta"] == meta
    item = body["data"][0]
    assert item["title"] == "Rakor API"
    assert item["starts_at"] == "2024-02-06T09:00:00+08:00"
    assert item["zone"] == "WITA" and item["local_date"] == "2024-02-06"
    assert item["region"] == {"code": "64", "name": "Kalimantan Timur", "kind": "province"}
    assert item["participants"][0]["agency"]["slug"] == "polda-kaltim"
    detail = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["data"]
    assert detail["summary"] == "Ringkasan"
    assert detail["participants"][0]["evidence"] == [
        {"press_release_id": release.id, "sentence": "Kapolda Kaltim menjadi pemateri."}
    ]
    assert detail["press_releases"][0]["relation"] == "reports"
    # Known only by its day: the date, and no invented instant.
    assert detail["press_releases"][0]["published_date"] == "2024-02-07"
    assert detail["press_releases"][0]["published_at"] is None
    assert "visibility" not in detail and "ical_event" not in detail


def test_meeting_filters_match_the_html_list(client, make_meeting, region, agency):
    make_meeting(title="Kaltim", region_id=region("64.71").id)
    make_meeting(title="Jakarta", region_id=region("31").id, kind="apel")
    for args, titles in (
        ({"region": "64"}, ["Kaltim"]),
        ({"kind": "apel"}, ["Jakarta"]),
        ({"q": "jakarta"}, ["Jakarta"]),
        ({"date_from": "2024-02-07"}, []),
        ({"status": "scheduled", "region": "31"}, ["Jakarta"]),
    ):
        data = client.get("/api/v1/meetings", query_string=args).get_json()["data"]
        assert [m["title"] for m in data] == titles, args


def test_page_links_keep_filters(client, make_meeting):
    for day in range(1, 6):
        make_meeting(
            title=f"R{day}", starts_at=datetime(2024, 2, day, 9, tzinfo=WITA), ends_at=None
        )
    body = client.get("/api/v1/meetings?per_page=2&q=r&page=2").get_json()
    assert [m["title"] for m in body["data"]] == ["R3", "R2"]
    links = body["links"]
    assert "page=3" in links["next"] and "q=r" in links["next"] and "per_page=2" in links["next"]
    assert "page=1" in links["prev"]
    last = client.get(links["last"]).get_json()
    assert last["links"]["next"] is None and [m["title"] for m in last["data"]] == ["R1"]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_csv_both_ways(client, make_meeting, agency, path):
    _seeded_meeting(make_meeting, agency)
    by_suffix = client.get(f"{path}.csv")
    by_param = client.get(path, query_string={"format": "csv"})
    for response in (by_suffix, by_param):
        assert response.status_code == 200, path
        assert response.mimetype == "text/csv"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert by_suffix.get_data() == by_param.get_data()
    rows = list(csv.reader(io.StringIO(by_suffix.get_data(as_text=True))))
    assert len(rows) >= 2


def test_csv_cells_are_neutralised(client, make_meeting):
    make_meeting(title="=cmd|' /C calc'!A0")
    make_meeting(title="@SUM(1)", theme="x")
    body = client.get("/api/v1/meetings.csv").get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in body and "'@SUM(1)" in body
    assert [neutralise(v) for v in ("+1", "-1", "\tx", "\rx", "a=b", 5, None)] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "a=b",
        5,
        "",
    ]


def test_errors_are_json(client):
    for path, status in (
        ("/api/v1/meetings?kind=pesta", 400),
        ("/api/v1/meetings?per_page=1000", 400),
        ("/api/v1/meetings?page=nol", 400),
        ("/api/v1/meetings?format=xml", 400),
        ("/api/v1/meetings/999999", 404),
        ("/api/v1/agencies/tidak-ada", 404),
        ("/api/v1/elections/pemilu-1955", 404),
        ("/api/v1/tidak-ada", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert response.mimetype == "application/json"
        error = response.get_json()["error"]
        assert error["code"] == status and error["message"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    bad = client.get("/api/v1/meetings?date_from=kemarin").get_json()["error"]
    assert "date_from" in bad["fields"]
    response = client.post("/api/v1/meetings")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert "GET" in response.headers["Allow"]


def test_cors_for_get_without_credentials(client):
    response = client.get("/api/v1/regions", headers={"Origin": "https://newsroom.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options("/api/v1/meetings")
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_agency_endpoints_and_redirect(client, make_meeting, agency):
    from tracker.agencies.operations import create_agency, merge_agencies

    _seeded_meeting(make_meeting, agency)
    data = client.get("/api/v1/agencies/polda-kaltim").get_json()["data"]
    assert data["meetings"] == 1 and data["by_role"] == {"speaker": 1}
    assert data["per_month"] == [{"month": "2024-02", "meetings": 1}]
    attendance = client.get("/api/v1/agencies/polda-kaltim/attendance").get_json()
    assert attendance["data"][0]["roles"] == ["speaker"]
    found = client.get("/api/v1/agencies?q=kepolisian daerah kalimantan timur").get_json()
    assert [a["slug"] for a in found["data"]] == ["polda-kaltim"]
    dup = create_agency({"short_name": "Polda Kaltim B", "full_name": "B", "kind": "police"})
    old = dup.slug
    merge_agencies(agency("polda-kaltim"), dup)
    db.session.commit()
    moved = client.get(f"/api/v1/agencies/{old}/attendance")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/api/v1/agencies/polda-kaltim/attendance")


def test_attendance_pages_follow_the_kept_history_order(client, make_meeting, agency):
    """Pages read their own rows in the history's order, which is kept between writes."""
    polda = agency("polda-kaltim").id
    for day, title in ((3, "Rakor Selasa"), (9, "Rakor Senin"), (5, "Rakor Kamis")):
        start = datetime(2024, 1, day, 9, 0, tzinfo=WITA)
        meeting = make_meeting(title=title, starts_at=start, ends_at=None)
        add_participation(meeting, {"agency_id": polda, "roles": {"attendee"}})
    internal = make_meeting(title="Rakor Tertutup", visibility="internal")
    add_participation(internal, {"agency_id": polda, "roles": {"attendee"}})
    db.session.commit()
    url = "/api/v1/agencies/polda-kaltim/attendance"

    def titles(page: int) -> list[str]:
        body = client.get(url, query_string={"per_page": 2, "page": page}).get_json()
        assert body["meta"]["total"] == 3 and body["meta"]["pages"] == 2
        return [line["meeting"]["title"] for line in body["data"]]

    assert titles(1) + titles(2) == ["Rakor Senin", "Rakor Kamis", "Rakor Selasa"]
    page_cache.forget()  # the answer itself is kept too: time the path beneath it
    with statements() as seen:
        assert titles(2) == ["Rakor Selasa"]
    # Neither counted nor sorted again: the counter reading (for the kept answer and the
    # kept order), the agency, the page's rows.
    assert not [s for s in seen if "count(" in s], seen
    assert len(seen) == 4, seen
    assert sum("FROM calendar_state" in s for s in seen) == 2, seen


def test_elections_regions_and_press(client, make_meeting, agency):
    meeting, release = _seeded_meeting(make_meeting, agency)
    elections = client.get("/api/v1/elections").get_json()["data"]
    assert [e["slug"] for e in elections] == ["pemilu-2024", "pilkada-2024"]
    regencies = client.get("/api/v1/regions?parent=64").get_json()["data"]
    assert regencies and all(r["parent_code"] == "64" for r in regencies)
    assert client.get("/api/v1/regions?kind=province").get_json()["meta"]["total"] == 38
    press = client.get(f"/api/v1/press-releases/{release.id}").get_json()["data"]
    assert press["meetings"][0]["id"] == meeting.id
    # A news outlet's text stays at its source, as on the release page (issue 16) ...
    assert press["body"] is None and press["shown_in_full"] is False
    # ... unless staff marked the release to be shown in full.
    release.shown_in_full = True
    db.session.commit()
    press = client.get(f"/api/v1/press-releases/{release.id}").get_json()["data"]
    assert press["body"] == "Kapolda Kaltim menjadi pemateri. Kalimat lain."


def test_openapi_document_and_api_page(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    for path in ("/meetings", "/meetings/{meeting_id}", "/agencies/{slug}/attendance", "/regions"):
        assert path in doc["paths"]
    params = {p["name"] for p in doc["paths"]["/meetings"]["get"]["parameters"]}
    assert {"q", "date_from", "date_to", "region", "agency", "election", "kind", "status"} <= params
    html = client.get("/api/").get_data(as_text=True)
    assert 'href="/api/v1/openapi.json"' in html
