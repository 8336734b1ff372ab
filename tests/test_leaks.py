"""An internal meeting leaves no trace on any public page, count, export, feed or API answer."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tracker.extensions import db
from tracker.meetings.operations import (
    add_participation,
    find_or_create_person,
    find_or_create_venue,
    postpone_meeting,
)
from tracker.models import Election, Person
from tracker.press.operations import add_evidence, attach_press_release, create_press_release

WITA = ZoneInfo("Asia/Makassar")
MARKER = "Zqxmarker7731"
# Routes that are not public pages: static files, the language switch (a redirect),
# and the staff calendar feed, which needs a personal token.
SKIP_ENDPOINTS = {"static", "site.set_language", "calendar.private_feed"}


def _build_world(make_meeting, region, agency):
    pemilu = db.session.execute(db.select(Election).filter_by(slug="pemilu-2024")).scalar_one()
    public = make_meeting(title="Rakor publik", election_id=pemilu.id, kind="rakor_forkopimda")
    add_participation(public, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}})
    # An official named in both meetings: their page shows only the public one.
    both = find_or_create_person("Sari Publik")
    add_participation(public, {"person_id": both.id, "position": "Kepala Humas"})
    public_release = create_press_release(
        {
            "outlet": "Humas",
            "url": "https://example.go.id/publik",
            "title": "Rilis publik",
            "body": "Rakor publik digelar.",
        }
    )
    attach_press_release(public, public_release)

    m = MARKER
    venue = find_or_create_venue(f"Aula {m}", region("64.71"), address=f"Jalan {m}")
    internal = make_meeting(
        title=f"Rapat {m}",
        theme=f"Tema {m}",
        summary=f"Ringkasan {m}",
        source_note=f"Catatan {m}",
        kind="rakor_forkopimda",
        region_id=region("64.71").id,
        election_id=pemilu.id,
        venue_id=venue.id,
        visibility="internal",
        starts_at=datetime(2024, 3, 12, 9, 0, tzinfo=WITA),
        ends_at=None,
    )
    person = find_or_create_person(f"Budi {m}", rank=f"Kombes {m}")
    spoke = add_participation(
        internal,
        {
            "agency_id": agency("polda-kaltim").id,
            "person_id": person.id,
            "position": f"Jabatan {m}",
            "roles": {"chair", "speaker"},
            "attendance": "represented",
            "represented_by": f"Wakil {m}",
            "topic": f"Topik {m}",
        },
    )
    add_participation(internal, {"agency_id": agency("kejati-kaltim").id})
    add_participation(internal, {"person_id": both.id, "position": f"Jabatan rahasia {m}"})
    add_participation(internal, {"collective_label": f"Camat se-{m}"})
    release = create_press_release(
        {
            "outlet": f"Media {m}",
            "url": f"https://example.go.id/{m}",
            "title": f"Rilis {m}",
            "section": f"Rubrik {m}",
            "byline": f"Penulis {m}",
            "published_at": datetime(2024, 3, 12, 5, 0, tzinfo=UTC),
            "body": f"Kalimat bukti {m}. Kalimat lain.",
        }
    )
    add_evidence(spoke, release, f"Kalimat bukti {m}.")
    postpone_meeting(internal, datetime(2024, 3, 14, 9, 0, tzinfo=WITA), reason=f"Alasan {m}")
    db.session.commit()
    return public, public_release, internal, release


def _urls(app, public, public_release, internal, release):
    """Every GET route, filled from real rows, plus the list routes with their filters."""
    values = {
        "meeting_id": [internal.id, public.id],
        "release_id": [release.id, public_release.id],
        "kind": ["rakor_forkopimda"],
        "code": ["64", "64.71"],
        # The official named only internally (no page) and the one named in both.
        "person_id": list(db.session.execute(db.select(Person.id).order_by(Person.id)).scalars()),
    }
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        choices = dict(values)
        election_route = "election" in rule.endpoint
        choices["slug"] = ["pemilu-2024"] if election_route else ["polda-kaltim", "kejati-kaltim"]
        combos = [{}]
        for arg in sorted(rule.arguments):
            combos = [dict(c, **{arg: v}) for c in combos for v in choices.get(arg, [1])]
        for combo in combos:
            yield adapter.build(rule.endpoint, combo)
    filters = [
        # A prefix of the marker: it would match the internal meeting's search
        # document, while the query echoed back in the page is not the marker itself.
        {"q": MARKER[:7]},
        {"q": "Rapat"},
        {"region": "64.71"},
        {"region": "64"},
        {"agency": "polda-kaltim"},
        {"agency": "kejati-kaltim"},
        {"election": "pemilu-2024"},
        {"kind": "rakor_forkopimda"},
        {"status": "postponed"},
        {"date_from": "2024-03-01", "date_to": "2024-03-31"},
    ]
    for path in ("/meetings/", "/api/v1/meetings", "/api/v1/meetings.csv"):
        for args in filters:
            yield path, args
            yield path, args | {"per_page": 100, "format": "csv"}
    for path in ("/meetings/rankings", "/meetings/rankings.csv", "/meetings/feed.atom"):
        for args in filters:
            yield path, args
    for month in ("2024-02", "2024-03"):
        for args in filters:
            yield "/meetings/month", args | {"month": month}
    yield "/people/", {"q": "Budi"}
    yield "/people/", {"q": "Sari"}
    for path in ("export.xlsx", "export.csv", "attendance.xlsx", "attendance.csv"):
        for args in filters:
            yield f"/meetings/{path}", args
    for path in ("/agencies/", "/api/v1/agencies", "/api/v1/agencies.csv"):
        yield path, {"q": "polda"}
        yield path, {"kind": "police"}
    yield "/elections/pemilu-2024", {"region": "64"}
    yield "/elections/pemilu-2024/matrix.csv", {"region": "64"}
    yield "/api/v1/regions", {"parent": "64"}
    yield "/api/v1/regions", {"province": "64"}
    yield "/api/v1/regions.csv", {"province": "64"}
    yield "/meetings/", {"province": "64", "regency": "64.71"}
    yield "/api/v1/agencies/polda-kaltim/attendance", {"per_page": 100, "format": "csv"}


def _text(data):
    """A response's text; a workbook (XLSX is a zip) as the text of its parts."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return data.decode("utf-8", "replace")


def test_internal_meeting_leaves_no_trace(app, client, make_meeting, region, agency):
    public, public_release, internal, release = _build_world(make_meeting, region, agency)
    checked = 0
    for item in _urls(app, public, public_release, internal, release):
        path, args = item if isinstance(item, tuple) else (item, {})
        response = client.get(path, query_string=args)
        body = _text(response.get_data())
        response.close()  # file-backed responses (calendar feeds) hold a handle open
        if response.status_code in (401, 403) or (
            response.status_code == 302 and "/login" in response.headers.get("Location", "")
        ):
            continue  # a staff page, not a public one
        assert response.status_code < 500, (path, args, response.status_code)
        assert body or response.status_code in (301, 302, 404), (path, args)
        assert MARKER.lower() not in body.lower(), (path, args)
        checked += 1
    assert checked >= 80

    # Counts and charts count the public meeting only.
    assert client.get("/api/v1/meetings").get_json()["meta"]["total"] == 1
    polda = client.get("/api/v1/agencies/polda-kaltim").get_json()["data"]
    assert polda["meetings"] == 1 and polda["by_role"] == {"speaker": 1}
    assert polda["per_month"] == [{"month": "2024-02", "meetings": 1}]
    assert polda["meets_most_with"] == []  # Kejati met it only internally
    kejati = client.get("/api/v1/agencies/kejati-kaltim").get_json()["data"]
    assert kejati["meetings"] == 0
    elections = client.get("/api/v1/elections").get_json()["data"]
    assert {e["slug"]: e["meetings"] for e in elections}["pemilu-2024"] == 1
    assert client.get(f"/meetings/{internal.id}").status_code == 404
    assert client.get(f"/api/v1/meetings/{internal.id}").status_code == 404
    assert client.get(f"/press/{release.id}").status_code == 404
    html = client.get("/agencies/polda-kaltim").get_data(as_text=True)
    assert "2024-03" not in html and "Budi" not in html
    # Rankings name bodies, not meetings: Kejati met only internally, so it is in none.
    for path in ("/meetings/rankings", "/regions/64", "/meetings/rankings.csv"):
        body = client.get(path, query_string={"region": "64"}).get_data(as_text=True)
        assert "kejati-kaltim" not in body and "polda-kaltim" in body, path
    sheet = load_workbook(io.BytesIO(client.get("/meetings/rankings.xlsx").data)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["polda-kaltim"]
    # People pages and previews: the internal-only official has no page, the other shows
    # the public meeting alone; an internal meeting has no preview image.
    ids = {p.name.split()[0]: p.id for p in db.session.execute(db.select(Person)).scalars()}
    budi, sari = ids["Budi"], ids["Sari"]
    assert client.get(f"/people/{budi}").status_code == 404
    page = client.get(f"/people/{sari}").get_data(as_text=True)
    assert "Kepala Humas" in page and "Rakor publik" in page
    assert client.get(f"/meetings/{internal.id}/preview.png").status_code == 404
    assert client.get(f"/meetings/{public.id}/preview.png").status_code == 200
