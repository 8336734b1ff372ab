"""People pages (issue 17): positions over time, meetings attended and chaired, evidence."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.meetings.operations import add_participation, cancel_meeting, find_or_create_person
from tracker.press.operations import add_evidence, create_press_release

WITA = ZoneInfo("Asia/Makassar")


def _meeting(make_meeting, title, month, day, visibility="public"):
    return make_meeting(
        title=title,
        starts_at=datetime(2024, month, day, 9, 0, tzinfo=WITA),
        ends_at=None,
        visibility=visibility,
    )


def _record(make_meeting, agency):
    """Akmal Malik as Pj Gubernur (two meetings, one chaired), then in a third meeting."""
    akmal = find_or_create_person("Akmal Malik")
    first = _meeting(make_meeting, "Rakor Januari", 1, 6)
    p = add_participation(
        first,
        {
            "agency_id": agency("pemprov-kaltim").id,
            "person_id": akmal.id,
            "position": "Pj Gubernur Kaltim",
            "roles": {"chair"},
            "attendance": "present",
        },
    )
    sentence = "Pj Gubernur Kaltim, Akmal Malik memimpin langsung rapat."
    release = create_press_release(
        {"title": "Forkopimda Kaltim gelar Rakor", "outlet": "kaltimprov.go.id", "body": sentence}
    )
    add_evidence(p, release, sentence)
    second = _meeting(make_meeting, "Rakor Februari", 2, 3)
    add_participation(
        second,
        {
            "agency_id": agency("pemprov-kaltim").id,
            "person_id": akmal.id,
            "position": "Pj Gubernur Kaltim",
            "roles": {"speaker"},
            "attendance": "present",
        },
    )
    called_off = _meeting(make_meeting, "Rakor yang batal", 3, 1)
    add_participation(
        called_off,
        {"person_id": akmal.id, "position": "Pj Gubernur", "roles": {"chair"}},
    )
    cancel_meeting(called_off, "Banjir")
    hidden = _meeting(make_meeting, "Rapat internal rahasia", 3, 5, visibility="internal")
    add_participation(hidden, {"person_id": akmal.id, "position": "Jabatan rahasia"})
    db.session.commit()
    return akmal


def test_person_page_positions_counts_and_evidence(client, make_meeting, agency):
    akmal = _record(make_meeting, agency)
    response = client.get(f"/people/{akmal.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Akmal Malik</h1>" in html
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"<dt>Rapat publik</dt><dd>3</dd>", facts)
    # The cancelled meeting was neither attended nor chaired.
    assert re.search(r"<dt>Hadir atau diwakili</dt><dd>2</dd>", facts)
    assert re.search(r"<dt>Memimpin rapat</dt><dd>1</dd>", facts)
    assert re.search(r"<dt>Menjadi pemateri</dt><dd>1</dd>", facts)
    positions = html.split('<table class="positions">', 1)[1].split("</table>", 1)[0]
    rows = positions.split("<tr>")[2:]
    # Latest first: the cancelled March meeting named him "Pj Gubernur" without a body.
    assert "Pj Gubernur</td>" in rows[0] and "1 Maret 2024" in rows[0]
    assert "Pj Gubernur Kaltim" in rows[1] and "Pemprov Kaltim" in rows[1]
    assert "6 Januari 2024" in rows[1] and "3 Februari 2024" in rows[1]
    assert "Akmal Malik memimpin langsung rapat." in html
    assert "Forkopimda Kaltim gelar Rakor" in html
    # Internal meetings never show.
    assert "Rapat internal rahasia" not in html and "Jabatan rahasia" not in html


def test_person_only_in_internal_meetings_has_no_page(client, make_meeting):
    secret = find_or_create_person("Orang Rahasia")
    add_participation(
        _meeting(make_meeting, "Rapat internal", 1, 9, visibility="internal"),
        {"person_id": secret.id},
    )
    db.session.commit()
    assert client.get(f"/people/{secret.id}").status_code == 404
    assert client.get("/people/999999").status_code == 404
    assert "Orang Rahasia" not in client.get("/people/").get_data(as_text=True)


def test_people_index_searches_names_and_meeting_page_links_people(client, make_meeting, agency):
    akmal = _record(make_meeting, agency)
    html = client.get("/people/", query_string={"q": "akmal"}).get_data(as_text=True)
    assert f'href="/people/{akmal.id}"' in html
    assert re.search(r'Akmal Malik</a></td>\s*<td class="num">3</td>', html)
    assert f'href="/people/{akmal.id}"' not in client.get(
        "/people/", query_string={"q": "100%_"}
    ).get_data(as_text=True)
    meeting_html = client.get("/meetings/").get_data(as_text=True)
    first = re.search(r'href="/meetings/(\d+)">Rakor Januari', meeting_html).group(1)
    page = client.get(f"/meetings/{first}").get_data(as_text=True)
    assert f'<a href="/people/{akmal.id}">Akmal Malik</a>' in page
