"""Agency pages: registry search, attendance record, chart, partners, CSV, redirects."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tracker.agencies.operations import create_agency, merge_agencies
from tracker.charts import bar_chart
from tracker.extensions import db
from tracker.meetings.operations import add_participation, cancel_meeting

WITA = ZoneInfo("Asia/Makassar")


def _meeting(make_meeting, agency, title, day, *others, visibility="public", **part):
    meeting = make_meeting(
        title=title,
        starts_at=datetime(2024, day[0], day[1], 9, 0, tzinfo=WITA),
        ends_at=None,
        visibility=visibility,
    )
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id, **part})
    for slug in others:
        add_participation(meeting, {"agency_id": agency(slug).id})
    db.session.commit()
    return meeting


def test_registry_search_by_name_and_alias(client):
    html = client.get("/agencies/", query_string={"q": "Kepolisian Daerah Kalimantan Timur"})
    assert 'href="/agencies/polda-kaltim"' in html.get_data(as_text=True)
    html = client.get("/agencies/", query_string={"q": "Kodam VI Mulawarman"}).get_data(
        as_text=True
    )
    assert 'href="/agencies/kodam-vi-mulawarman"' in html
    assert 'href="/agencies/polda-kaltim"' not in html
    html = client.get("/agencies/", query_string={"kind": "prosecutor"}).get_data(as_text=True)
    assert 'href="/agencies/kejati-kaltim"' in html
    assert 'href="/agencies/polda-kaltim"' not in html


def test_agency_page_counts_charts_and_partners_exclude_internal(client, make_meeting, agency):
    _meeting(make_meeting, agency, "Rakor Januari", (1, 9), "kejati-kaltim", roles={"speaker"})
    _meeting(
        make_meeting,
        agency,
        "Rakor Maret",
        (3, 4),
        "kejati-kaltim",
        "kpu-kaltim",
        roles={"chair"},
        attendance="represented",
        represented_by="Wakapolda",
    )
    _meeting(
        make_meeting,
        agency,
        "Rapat internal Polda",
        (4, 1),
        "bawaslu-kaltim",
        visibility="internal",
        roles={"speaker"},
    )
    response = client.get("/agencies/polda-kaltim")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rakor Januari" in html and "Rakor Maret" in html
    assert "Rapat internal Polda" not in html
    assert "<dt>Rapat publik</dt><dd>2</dd>" in html
    assert "<dt>Pimpinan rapat</dt><dd>1</dd>" in html
    assert "<dt>Pemateri</dt><dd>1</dd>" in html
    assert "<dt>Diwakili</dt><dd>1</dd>" in html
    # Chart: Jan, Feb (empty), Mar; April's internal meeting leaves no bar.
    assert "<svg" in html and "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "2024-01: 1" in html and "2024-02: 0" in html and "2024-03: 1" in html
    assert "2024-04" not in html
    # Partners: Kejati twice, KPU once; Bawaslu met it only internally.
    partners = html.split("Paling sering bertemu", 1)[1].split("</ol>", 1)[0]
    assert partners.index("Kejati Kaltim") < partners.index("KPU Kaltim")
    assert "Bawaslu" not in partners
    assert 'href="/calendar/agency/polda-kaltim.ics"' in html


def test_attendance_csv_is_complete_and_neutralised(client, make_meeting, agency):
    _meeting(make_meeting, agency, '=HYPERLINK("http://evil")', (2, 6), roles={"speaker"})
    _meeting(make_meeting, agency, "Rapat internal", (2, 7), visibility="internal")
    response = client.get("/agencies/polda-kaltim.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["meeting_id", "local_date", "zone", "meeting"]
    assert len(rows) == 2
    assert rows[1][1:4] == ["2024-02-06", "WITA", '\'=HYPERLINK("http://evil")']
    assert rows[1][7] == "speaker"


def test_merged_agency_slug_redirects_permanently(client, agency):
    duplicate = create_agency(
        {"short_name": "Polda Kaltim Lama", "full_name": "Polda Kaltim (lama)", "kind": "police"}
    )
    old_slug = duplicate.slug
    merge_agencies(agency("polda-kaltim"), duplicate)
    db.session.commit()
    for path in (f"/agencies/{old_slug}", f"/agencies/{old_slug}.csv"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"].endswith(path.replace(old_slug, "polda-kaltim"))
    assert client.get("/agencies/tidak-pernah-ada").status_code == 404


def test_bar_chart_escapes_labels_and_scales():
    svg = str(bar_chart([("<b>", 2), ("2024-01", 4)], "Judul & <x>"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "Judul &amp; &lt;x&gt;" in svg
    heights = [int(h) for h in re.findall(r'height="(\d+)" class="bar"', svg)]
    assert heights[1] == 2 * heights[0]
    assert str(bar_chart([], "kosong")).startswith("<svg")


def test_agency_search_understands_head_titles(client):
    html = client.get("/agencies/?q=Kapolda+Kaltim").get_data(as_text=True)
    assert 'href="/agencies/polda-kaltim"' in html
    assert 'href="/agencies/polda-jatim"' not in html
    html = client.get("/agencies/?q=Ketua+KPU+Kaltim").get_data(as_text=True)
    assert 'href="/agencies/kpu-kaltim"' in html


def test_cancelled_meetings_are_not_counted_as_attended(client, make_meeting, agency):
    _meeting(make_meeting, agency, "Rakor yang jadi", (1, 9), roles={"chair"}, attendance="present")
    called_off = _meeting(
        make_meeting, agency, "Rakor yang batal", (1, 16), roles={"chair"}, attendance="present"
    )
    cancel_meeting(called_off, "Banjir")
    db.session.commit()
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"<dt>Pimpinan rapat</dt><dd>1</dd>", facts)
    assert re.search(r"<dt>Hadir</dt><dd>1</dd>", facts)
    assert re.search(r"<dt>Rapat yang dibatalkan</dt><dd>1</dd>", facts)
    history = html.split('<table class="attendance-history">', 1)[1]
    row = history.split("Rakor yang batal", 1)[1].split("</tr>", 1)[0]
    assert "Direncanakan hadir" in row and "Dibatalkan" in row


def _facts(html: str) -> str:
    return html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]


def test_figures_count_meetings_not_delegates_and_partners_who_attended(
    client, make_meeting, agency
):
    shared = _meeting(make_meeting, agency, "Rakor", (1, 9), "kejati-kaltim", attendance="present")
    # A second delegate of Polda is still one meeting; KPU was absent, so it met nobody.
    add_participation(
        shared,
        {"agency_id": agency("polda-kaltim").id, "position": "Wakapolda", "attendance": "present"},
    )
    add_participation(shared, {"agency_id": agency("kpu-kaltim").id, "attendance": "absent"})
    db.session.commit()
    facts = _facts(client.get("/agencies/polda-kaltim").get_data(as_text=True))
    assert "<dt>Rapat publik</dt><dd>1</dd>" in facts
    assert "<dt>Peserta</dt><dd>1</dd>" in facts and "<dt>Hadir</dt><dd>1</dd>" in facts
    data = client.get("/api/v1/agencies/polda-kaltim").get_json()["data"]
    assert [p["agency"]["slug"] for p in data["meets_most_with"]] == ["kejati-kaltim"]
    assert data["by_role"] == {"attendee": 1} and data["by_attendance"] == {"present": 1}


def test_figures_read_kept_rows_in_constant_statements(app, make_meeting, agency):
    from sql_helpers import statements

    from tracker.agencies.queries import _compute_stats

    polda_id = agency("polda-kaltim").id

    def cost() -> list[str]:
        with statements() as seen:
            _compute_stats(polda_id, 10)
        return seen

    _meeting(make_meeting, agency, "Rakor 1", (1, 9), "kejati-kaltim")
    few = cost()
    for day in range(10, 20):
        _meeting(make_meeting, agency, f"Rakor {day}", (1, day), "kejati-kaltim", "kpu-kaltim")
    many = cost()
    assert len(few) == len(many) == 3
    # Kept rows only: no statement groups participations or joins meetings.
    assert not any("participation" in s or "meeting." in s for s in many)
