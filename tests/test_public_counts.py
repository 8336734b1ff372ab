"""Agency counts on public pages: kept per change-counter reading, ranked, zoned, public only."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tracker.agencies import queries
from tracker.extensions import db
from tracker.meetings.operations import add_participation, update_meeting

WITA = ZoneInfo("Asia/Makassar")


def _meeting(make_meeting, agency, slugs, day=6, **fields):
    meeting = make_meeting(
        title=fields.pop("title", f"Rakor {day}"),
        starts_at=fields.pop("starts_at", datetime(2024, 2, day, 9, 0, tzinfo=WITA)),
        ends_at=None,
        **fields,
    )
    for slug in slugs:
        add_participation(meeting, {"agency_id": agency(slug).id})
    db.session.commit()
    return meeting


def _api_counts(client, **args):
    body = client.get("/api/v1/agencies", query_string=args).get_json()
    return [(a["slug"], a["meetings"]) for a in body["data"]], body["meta"]


def test_agency_list_counts_follow_every_committed_write(client, make_meeting, agency):
    # The first request keeps the counts of an empty archive.
    assert _api_counts(client, q="polda kaltim")[0] == [("polda-kaltim", 0)]
    meeting = _meeting(make_meeting, agency, ["polda-kaltim"])
    assert _api_counts(client, q="polda kaltim")[0] == [("polda-kaltim", 1)]
    html = client.get("/agencies/", query_string={"q": "polda kaltim"}).get_data(as_text=True)
    assert '<td class="num">1</td>' in html
    # Made internal: the kept count must not survive the change of visibility.
    update_meeting(meeting, {"visibility": "internal"})
    db.session.commit()
    assert _api_counts(client, q="polda kaltim")[0] == [("polda-kaltim", 0)]
    html = client.get("/agencies/", query_string={"q": "polda kaltim"}).get_data(as_text=True)
    assert '<td class="num">0</td>' in html and '<td class="num">1</td>' not in html


def test_counts_are_kept_per_reading_of_the_change_counter(app, make_meeting, agency):
    _meeting(make_meeting, agency, ["polda-kaltim"])
    first = queries.all_meeting_counts()
    assert queries.all_meeting_counts() is first  # no write since: the same reading
    _meeting(make_meeting, agency, ["polda-kaltim"], day=7)
    again = queries.all_meeting_counts()
    assert again is not first and again[agency("polda-kaltim").id] == 2


def test_agency_list_ranks_busiest_first_then_by_name_across_pages(client, make_meeting, agency):
    _meeting(make_meeting, agency, ["kpu-kaltim", "polda-kaltim"], day=6)
    _meeting(make_meeting, agency, ["kpu-kaltim"], day=7)
    _meeting(make_meeting, agency, ["kejati-kaltim"], day=8)
    _meeting(make_meeting, agency, ["kejati-kaltim"], day=9, visibility="internal")
    ranked, meta = _api_counts(client, q="kaltim", per_page=2)
    # Kejati and Polda have one public meeting each: name order breaks the tie.
    assert ranked == [("kpu-kaltim", 2), ("kejati-kaltim", 1)]
    assert meta["page"] == 1 and meta["per_page"] == 2 and meta["total"] > 3
    second, _meta = _api_counts(client, q="kaltim", per_page=2, page=2)
    assert second[0] == ("polda-kaltim", 1) and all(n == 0 for _slug, n in second[1:])
    beyond, meta = _api_counts(client, q="kaltim", per_page=2, page=999)
    assert beyond == [] and meta["page"] == 999
    html = client.get("/agencies/", query_string={"q": "kaltim"}).get_data(as_text=True)
    assert html.index("/agencies/kpu-kaltim") < html.index("/agencies/kejati-kaltim")
    assert html.index("/agencies/kejati-kaltim") < html.index("/agencies/polda-kaltim")
    rows = client.get("/api/v1/agencies.csv", query_string={"q": "kaltim"}).get_data(as_text=True)
    lines = rows.splitlines()
    assert lines[1].startswith("kpu-kaltim,") and lines[1].endswith(",2")
    assert lines[2].startswith("kejati-kaltim,") and lines[3].startswith("polda-kaltim,")


def test_months_are_counted_in_each_meetings_own_zone(client, make_meeting, agency, region):
    # 31 January 16:00 UTC is 1 February 01:00 in Jayapura (WIT), 23:00 in Jakarta (WIB).
    moment = datetime(2024, 1, 31, 16, 0, tzinfo=UTC)
    _meeting(make_meeting, agency, ["polda-kaltim"], starts_at=moment, timezone="Asia/Jayapura")
    _meeting(make_meeting, agency, ["polda-kaltim"], starts_at=moment, timezone="Asia/Jakarta")
    data = client.get("/api/v1/agencies/polda-kaltim").get_json()["data"]
    assert data["meetings"] == 2
    assert data["per_month"] == [
        {"month": "2024-01", "meetings": 1},
        {"month": "2024-02", "meetings": 1},
    ]


def test_partners_count_each_shared_public_meeting_once(client, make_meeting, agency):
    shared = _meeting(make_meeting, agency, ["polda-kaltim", "kejati-kaltim"])
    # A second delegate of the same agency in the same meeting is still one meeting.
    add_participation(shared, {"agency_id": agency("kejati-kaltim").id, "position": "Aspidum"})
    db.session.commit()
    _meeting(make_meeting, agency, ["polda-kaltim", "kejati-kaltim", "kpu-kaltim"], day=7)
    _meeting(make_meeting, agency, ["polda-kaltim", "kpu-kaltim"], day=8, visibility="internal")
    data = client.get("/api/v1/agencies/polda-kaltim").get_json()["data"]
    partners = [(p["agency"]["slug"], p["meetings"]) for p in data["meets_most_with"]]
    assert partners == [("kejati-kaltim", 2), ("kpu-kaltim", 1)]
    assert data["meetings"] == 2


def test_meeting_list_total_and_menus_follow_every_committed_write(client, make_meeting, agency):
    first = _meeting(make_meeting, agency, ["polda-kaltim"])
    html = client.get("/meetings/").get_data(as_text=True)
    assert "1 rapat" in html and 'value="polda-kaltim"' in html
    assert 'value="kejati-kaltim"' not in html
    _meeting(make_meeting, agency, ["kejati-kaltim"], day=7)
    html = client.get("/meetings/").get_data(as_text=True)
    assert "2 rapat" in html and 'value="kejati-kaltim"' in html
    filtered = client.get("/meetings/", query_string={"agency": "polda-kaltim"})
    assert "1 rapat" in filtered.get_data(as_text=True)
    update_meeting(first, {"visibility": "internal"})
    db.session.commit()
    html = client.get("/meetings/").get_data(as_text=True)
    assert "1 rapat" in html and 'value="polda-kaltim"' not in html
    # Filtering by an agency that is in no public meeting still shows it, selected.
    html = client.get("/meetings/", query_string={"agency": "polda-kaltim"}).get_data(as_text=True)
    assert '<option value="polda-kaltim" selected>' in html
    assert "Tidak ada rapat yang cocok" in html


def test_kept_results_are_reused_until_a_commit_moves_the_counter(app, make_meeting, agency):
    from tracker.kept import kept

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert kept("probe", compute) == 1
    assert kept("probe", compute) == 1 and kept("other", compute) == 2
    db.session.rollback()  # a transaction that wrote nothing moves nothing
    assert kept("probe", compute) == 1
    _meeting(make_meeting, agency, ["polda-kaltim"])
    assert kept("probe", compute) == 3


def test_agency_page_history_and_figures_follow_every_committed_write(client, make_meeting, agency):
    meetings = [
        _meeting(make_meeting, agency, ["polda-kaltim"], day=day, title=f"Rakor nomor {day}")
        for day in range(1, 28)
    ]
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    assert "<dt>Rapat publik</dt><dd>27</dd>" in html and "Halaman 1 dari 2" in html
    history = html.split("Riwayat kehadiran", 1)[1]
    # Newest first: 27 February down to 3 February on the first page.
    assert history.index("Rakor nomor 27") < history.index("Rakor nomor 3<")
    assert "Rakor nomor 2<" not in history
    second = client.get("/agencies/polda-kaltim?page=2").get_data(as_text=True)
    history = second.split("Riwayat kehadiran", 1)[1]
    assert "Rakor nomor 2<" in history and "Rakor nomor 1<" in history
    assert "Rakor nomor 3<" not in history
    update_meeting(meetings[-1], {"visibility": "internal"})
    update_meeting(meetings[-2], {"visibility": "internal"})
    db.session.commit()
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    assert "<dt>Rapat publik</dt><dd>25</dd>" in html and "Halaman 1 dari" not in html
    assert "Rakor nomor 27" not in html and "Rakor nomor 26" not in html
    assert "Rakor nomor 1<" in html
    assert client.get("/agencies/polda-kaltim?page=9").status_code == 200
