"""Election pages: run-up timeline, Forkopimda statutory seats, attendance matrix."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tracker.elections.queries import forkopimda_seats
from tracker.extensions import db
from tracker.meetings.operations import add_participation, cancel_meeting
from tracker.models import Election

WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def _pemilu():
    return db.session.execute(db.select(Election).filter_by(slug="pemilu-2024")).scalar_one()


def _forum(make_meeting, agency, region, **extra):
    meeting = make_meeting(
        title=extra.pop("title", "Rakor Forkopimda Kaltim"),
        kind="rakor_forkopimda",
        election_id=_pemilu().id,
        **extra,
    )
    add_participation(
        meeting,
        {"agency_id": agency("pemprov-kaltim").id, "roles": {"chair"}, "attendance": "present"},
    )
    add_participation(
        meeting,
        {
            "agency_id": agency("kodam-vi-mulawarman").id,
            "attendance": "represented",
            "represented_by": "Kasdam VI/Mulawarman",
        },
    )
    add_participation(meeting, {"agency_id": agency("kejati-kaltim").id, "attendance": "absent"})
    add_participation(meeting, {"agency_id": agency("kpu-kaltim").id, "attendance": "present"})
    db.session.commit()
    return meeting


def test_statutory_seats_of_a_forkopimda_meeting(app, make_meeting, agency, region):
    meeting = _forum(make_meeting, agency, region)
    seats = {s.seat: (s.agency.slug, s.attendance) for s in forkopimda_seats([meeting])[meeting.id]}
    assert seats == {
        "head": ("pemprov-kaltim", "present"),
        "legislature": ("dprd-kaltim", "unknown"),  # not mentioned: unknown, not absent
        "police": ("polda-kaltim", "unknown"),
        "prosecutor": ("kejati-kaltim", "absent"),
        "military": ("kodam-vi-mulawarman", "represented"),
    }


def test_kodam_is_the_one_covering_the_province_on_that_day(app, make_meeting, agency, region):
    # Maluku's Kodam was renumbered XVI -> XV on 28 Feb 2024.
    early = make_meeting(
        title="Forum Maluku 2023",
        kind="rakor_forkopimda",
        region_id=region("81").id,
        starts_at=datetime(2023, 10, 2, 9, 0, tzinfo=WIT),
        ends_at=None,
    )
    late = make_meeting(
        title="Forum Maluku 2024",
        kind="rakor_forkopimda",
        region_id=region("81").id,
        starts_at=datetime(2024, 10, 2, 9, 0, tzinfo=WIT),
        ends_at=None,
    )
    seats = forkopimda_seats([early, late])
    military = {mid: next(s for s in row if s.seat == "military") for mid, row in seats.items()}
    assert "XVI" in military[early.id].agency.short_name
    assert "XV/" in military[late.id].agency.short_name


def test_election_page_timeline_seats_and_matrix(client, make_meeting, agency, region):
    _forum(make_meeting, agency, region)
    make_meeting(
        title="Rakor sesudah pemungutan",
        election_id=_pemilu().id,
        starts_at=datetime(2024, 2, 20, 9, 0, tzinfo=WITA),
        ends_at=None,
    )
    make_meeting(title="Rakor internal pemilu", election_id=_pemilu().id, visibility="internal")
    html = client.get("/elections/pemilu-2024").get_data(as_text=True)
    assert "Kalimantan Timur" in html
    assert "H-8 Pemilu 2024" in html
    assert "Rakor sesudah pemungutan" not in html
    assert "Rakor internal pemilu" not in html
    seats = html.split('<table class="seats">', 1)[1].split("</table>", 1)[0]
    assert re.search(
        r"Kejati Kaltim</a></td>\s*<td><span class=\"attendance attendance-absent\">", seats
    )
    assert "diwakili Kasdam VI/Mulawarman" in seats
    assert "DPRD Kaltim" in seats and "Tidak diketahui" in seats
    matrix = html.split('<table class="matrix">', 1)[1]
    assert "KPU Kaltim" in matrix
    # A province that held nothing shows nothing.
    other = client.get("/elections/pemilu-2024", query_string={"region": "91"})
    assert "Kalimantan Timur" not in other.get_data(as_text=True).split("<h2>", 1)[1]
    assert client.get("/elections/pemilu-1955").status_code == 404
    assert client.get("/elections/pemilu-2024?region=00").status_code == 404


def test_matrix_csv(client, make_meeting, agency, region):
    meeting = _forum(make_meeting, agency, region, title="=Forum Kaltim")
    response = client.get("/elections/pemilu-2024/matrix.csv", query_string={"region": "64"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["agency_slug", "agency", f"2024-02-06 #{meeting.id} =Forum Kaltim"]
    cells = {row[0]: row[2] for row in rows[1:]}
    assert cells == {
        "pemprov-kaltim": "present",
        "kodam-vi-mulawarman": "represented",
        "kejati-kaltim": "absent",
        "kpu-kaltim": "present",
    }


def test_election_list(client, make_meeting):
    make_meeting(election_id=_pemilu().id)
    make_meeting(election_id=_pemilu().id, visibility="internal")
    html = client.get("/elections/").get_data(as_text=True)
    assert 'href="/elections/pemilu-2024"' in html and 'href="/elections/pilkada-2024"' in html
    assert re.search(
        r"Pemilu 2024</strong></a>\s*— pemungutan suara Rabu, 14 Februari 2024\s*· 1 rapat", html
    )


def test_cancelled_forum_shows_who_was_to_attend(client, make_meeting, agency, region):
    cancel_meeting(_forum(make_meeting, agency, region, title="Rakor yang batal"), "Banjir")
    db.session.commit()
    html = client.get("/elections/pemilu-2024").get_data(as_text=True)
    seats = html.split('<table class="seats">', 1)[1].split("</table>", 1)[0]
    assert "Direncanakan hadir" in seats and ">Hadir<" not in seats
    matrix = html.split('<table class="matrix">', 1)[1]
    assert "Direncanakan hadir" in matrix and ">Hadir<" not in matrix
    response = client.get("/elections/pemilu-2024/matrix.csv", query_string={"region": "64"})
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[2].endswith("Rakor yang batal (cancelled)")
