"""The home page, the filtered meeting list and the meeting page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.meetings.operations import add_participation, cancel_meeting, postpone_meeting
from tracker.models import Election

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")


def _titles(client, **args) -> list[str]:
    response = client.get("/meetings/", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return sorted(re.findall(r'<h2><a href="/meetings/\d+">([^<]+)</a></h2>', html))


def _election(slug: str):
    return db.session.execute(db.select(Election).filter_by(slug=slug)).scalar_one()


def test_every_filter_and_their_combination(client, make_meeting, region, agency):
    pemilu, pilkada = _election("pemilu-2024"), _election("pilkada-2024")
    a = make_meeting(
        title="A Balikpapan",
        region_id=region("64.71").id,
        election_id=pemilu.id,
        kind="rakor_forkopimda",
    )
    add_participation(a, {"agency_id": agency("polda-kaltim").id})
    make_meeting(
        title="B Kaltim",
        starts_at=datetime(2024, 11, 20, 9, 0, tzinfo=WITA),
        ends_at=None,
        election_id=pilkada.id,
    )
    c = make_meeting(
        title="C Jakarta",
        region_id=region("31").id,
        starts_at=datetime(2024, 2, 1, 9, 0, tzinfo=WIB),
        ends_at=None,
    )
    cancel_meeting(c, "Banjir")
    db.session.commit()

    assert _titles(client) == ["A Balikpapan", "B Kaltim", "C Jakarta"]
    # A province includes its regencies and cities; a city only itself.
    assert _titles(client, region="64") == ["A Balikpapan", "B Kaltim"]
    assert _titles(client, region="64.71") == ["A Balikpapan"]
    assert _titles(client, agency="polda-kaltim") == ["A Balikpapan"]
    assert _titles(client, election="pilkada-2024") == ["B Kaltim"]
    assert _titles(client, kind="rakor_forkopimda") == ["A Balikpapan"]
    assert _titles(client, status="cancelled") == ["C Jakarta"]
    assert _titles(client, date_from="2024-02-02") == ["A Balikpapan", "B Kaltim"]
    assert _titles(client, date_to="2024-02-06") == ["A Balikpapan", "C Jakarta"]
    assert _titles(client, date_from="2024-02-06", date_to="2024-02-06") == ["A Balikpapan"]
    assert _titles(client, region="64", election="pemilu-2024", q="balikpapan") == ["A Balikpapan"]
    assert _titles(client, region="31", status="held") == []


def test_dates_are_local_days_in_each_meetings_zone(client, make_meeting, region):
    # 23:30 WIT on 9 Feb is 14:30 UTC, still 9 Feb in Jayapura.
    make_meeting(
        title="Rakor malam Jayapura",
        region_id=region("91").id,
        starts_at=datetime(2024, 2, 9, 23, 30, tzinfo=ZoneInfo("Asia/Jayapura")),
        ends_at=None,
    )
    # 00:30 WIB on 10 Feb is 17:30 UTC on 9 Feb, but the local day is the 10th.
    make_meeting(
        title="Rakor dini hari Jakarta",
        region_id=region("31").id,
        starts_at=datetime(2024, 2, 10, 0, 30, tzinfo=WIB),
        ends_at=None,
    )
    assert _titles(client, date_from="2024-02-09", date_to="2024-02-09") == ["Rakor malam Jayapura"]
    assert _titles(client, date_from="2024-02-10", date_to="2024-02-10") == [
        "Rakor dini hari Jakarta"
    ]


def test_invalid_filters_are_explained(client, make_meeting):
    make_meeting()
    for args in (
        {"kind": "pesta"},
        {"status": "x"},
        {"region": "99.99"},
        {"agency": "tidak-ada"},
        {"election": "pemilu-1999"},
        {"date_from": "6/2/2024"},
    ):
        response = client.get("/meetings/", query_string=args)
        assert response.status_code == 400, args
        assert 'role="alert"' in response.get_data(as_text=True)


def test_pages_are_shareable_urls_that_keep_the_filters(app, client, make_meeting, region):
    app.config["PAGE_SIZE"] = 2
    for day in range(1, 6):
        make_meeting(
            title=f"Rakor hari {day}",
            starts_at=datetime(2024, 2, day, 9, 0, tzinfo=WITA),
            ends_at=None,
        )
    html = client.get("/meetings/?region=64&q=rakor").get_data(as_text=True)
    assert 'method="get"' in html
    assert "Halaman 1 dari 3" in html
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "region=64" in next_link and "q=rakor" in next_link and "page=2" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert "Halaman 2 dari 3" in second
    assert "Rakor hari 3" in second and "Rakor hari 5" not in second


def test_home_page_searches_and_shows_upcoming_and_recent(client, make_meeting):
    make_meeting(
        title="Rakor yang akan datang",
        starts_at=datetime(2099, 1, 5, 9, 0, tzinfo=WITA),
        ends_at=None,
    )
    make_meeting(title="Rakor yang sudah lewat")
    make_meeting(title="Rapat internal di beranda", visibility="internal")
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'action="/meetings/"' in html and 'name="q"' in html
    upcoming, recent = html.split("Terbaru", 1)
    assert "Rakor yang akan datang" in upcoming
    assert "Rakor yang sudah lewat" in recent
    assert "Rapat internal di beranda" not in html
    for link in ("/elections/pemilu-2024", "/agencies/", "/api/", "/calendar/"):
        assert f'href="{link}"' in html


def test_meeting_page_groups_roles_quotes_evidence_and_counts_down(client, runner):
    runner.invoke(args=["seed-demo"])
    response = client.get("/meetings/", query_string={"q": "Menjelang Pemilu 2024 Balikpapan"})
    link = re.search(
        r'<h2><a href="(/meetings/\d+)">Rakor Forkopimda se-Kaltim Menjelang',
        response.get_data(as_text=True),
    )
    html = client.get(link.group(1)).get_data(as_text=True)
    assert "H-8 Pemilu 2024" in html
    chair_group, rest = html.split("Pemateri <small>", 1)
    assert "Pimpinan rapat" in chair_group and "Akmal Malik" in chair_group
    # Kejati Kaltim spoke, and the sentence and its press release say so.
    row = re.search(
        r'<tr>\s*<td><a href="/agencies/kejati-kaltim">Kejati Kaltim</a>.*?</tr>', rest, re.S
    ).group(0)
    assert "Pemateri" in row and "Hadir" in row
    assert "Kejaksaan Tinggi Kaltim" in row  # the quoted sentence
    assert re.search(r'href="/press/\d+"', row)
    assert 'href="/calendar/meetings/' in html and 'href="/calendar/"' in html


def test_countdown_labels():
    from tracker.meetings.queries import countdown_label
    from tracker.models import Meeting

    election = Election(
        slug="x", name="Pemilu 2024", kind="pemilu", polling_day=datetime(2024, 2, 14).date()
    )

    def label(day: int) -> str | None:
        m = Meeting(starts_at=datetime(2024, 2, day, 9, tzinfo=WITA), timezone="Asia/Makassar")
        m.election = election
        return countdown_label(m)

    assert label(6) == "H-8 Pemilu 2024"
    assert label(14) == "Hari H Pemilu 2024"
    assert label(16) == "H+2 Pemilu 2024"
    assert (
        countdown_label(
            Meeting(starts_at=datetime(2024, 2, 6, tzinfo=WITA), timezone="Asia/Makassar")
        )
        is None
    )


def test_json_ld_cannot_break_out_of_its_script_block(client, make_meeting):
    meeting = make_meeting(
        title='Rakor </script><script>alert("x")</script> & <!--',
        summary="Ringkasan",
    )
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["@type"] == "Event"
    assert data["name"] == meeting.title
    assert data["startDate"] == "2024-02-06T09:00:00+08:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["address"]["addressRegion"] == "Kalimantan Timur"
    # Only the data block: no executable inline script on the page.
    assert re.findall(r"<script(?![^>]*(?:application/ld\+json|src=))", html) == []


def test_postponed_and_cancelled_meetings_say_so(client, make_meeting):
    moved = make_meeting(title="Rakor ditunda")
    postpone_meeting(
        moved, datetime(2024, 2, 9, 10, 0, tzinfo=WITA), reason="Menunggu arahan pusat"
    )
    called_off = make_meeting(title="Rakor batal")
    cancel_meeting(called_off, "Cuaca buruk")
    db.session.commit()
    html = client.get(f"/meetings/{moved.id}").get_data(as_text=True)
    assert "Ditunda" in html and "Menunggu arahan pusat" in html
    assert "Jumat, 9 Februari 2024 pukul 10.00 WITA" in html
    assert '"eventStatus": "https://schema.org/EventRescheduled"' in html
    html = client.get(f"/meetings/{called_off.id}").get_data(as_text=True)
    assert "Dibatalkan" in html and "Cuaca buruk" in html
    assert "EventCancelled" in html


def test_journalist_journey_from_home_to_agency_csv(client, runner):
    """Home → search Balikpapan → the Rakor → Kejati Kaltim spoke → its CSV."""
    runner.invoke(args=["seed-demo"])
    home = client.get("/").get_data(as_text=True)
    action = re.search(r'<form class="home-search" method="get" action="([^"]+)"', home).group(1)
    results = client.get(action, query_string={"q": "Balikpapan"}).get_data(as_text=True)
    links = re.findall(r'<h2><a href="(/meetings/\d+)">(Rakor[^<]*)</a>', results)
    assert links, results[:1000]
    seed = next(url for url, title in links if "Menjelang Pemilu 2024" in title)
    page = client.get(seed).get_data(as_text=True)
    assert "Hotel Novotel Balikpapan" in page
    assert 'href="/agencies/kejati-kaltim"' in page
    assert "Kejaksaan Tinggi Kaltim" in page  # quoted in the evidence sentence
    agency_page = client.get("/agencies/kejati-kaltim").get_data(as_text=True)
    csv_link = re.search(r'href="(/agencies/kejati-kaltim\.csv)"', agency_page).group(1)
    download = client.get(csv_link)
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    body = download.get_data(as_text=True)
    assert body.startswith("meeting_id,local_date,zone,meeting")
    assert "Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024" in body
    assert "speaker" in body


def test_the_agency_filter_offers_bodies_of_public_meetings_only(client, make_meeting, agency):
    """Counted meetings' bodies come from the kept totals; cancelled ones are read apart."""
    from tracker.meetings.queries import filter_choices

    held = make_meeting(title="Rakor Pilkada")
    add_participation(held, {"agency_id": agency("polda-kaltim").id})
    cancelled = make_meeting(title="Rakor yang batal")
    add_participation(cancelled, {"agency_id": agency("kejati-kaltim").id})
    cancel_meeting(cancelled, "Banjir")
    internal = make_meeting(title="Rapat internal", visibility="internal")
    add_participation(internal, {"agency_id": agency("kesbangpol-kaltim").id})
    db.session.commit()
    offered = {choice.value for choice in filter_choices()["agencies"]}
    assert {"polda-kaltim", "kejati-kaltim"} <= offered
    assert "kesbangpol-kaltim" not in offered
    html = client.get("/meetings/").get_data(as_text=True)
    assert '<option value="kejati-kaltim"' in html and "kesbangpol-kaltim" not in html
