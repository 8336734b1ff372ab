"""Hostile text through every way in (staff forms, operations, importers), then every output.

HTML must be escaped (no script, handler or javascript: link from data), JSON-LD must
parse as one block, JSON must parse, CSV cells must not start a formula, ICS must keep
its CRLF line discipline with nothing injected, CLI reports must stay one line per file,
and nothing may answer 500.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.meetings.operations import add_participation, find_or_create_person
from tracker.models import Agency, Meeting, PressRelease, Region
from tracker.press.operations import add_evidence

from .checks import (
    CRLF,
    FORMULAS,
    JS_URL,
    LONG,
    MIX,
    RTL,
    SCRIPT,
    check_csv,
    check_html,
    check_ics,
    check_json,
    json_ld_blocks,
)
from .conftest import World

WITA = ZoneInfo("Asia/Makassar")
SKIP = {"static", "site.set_language"}


def _created_id(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/(\d+)(?:/|$)", response.headers["Location"]).group(1))


def _through_staff_forms(world: World) -> tuple[Meeting, PressRelease]:
    """A meeting, a release, an agency and a postponement, all typed by a hostile editor."""
    editor = world.actors["editor"].client
    admin = world.actors["admin"].client
    city = db.session.execute(db.select(Region).filter_by(code="64.71")).scalar_one()
    response = admin.post(
        "/admin/agencies/new",
        data={
            "short_name": FORMULAS[3][:8] + SCRIPT[:60],
            "full_name": FORMULAS[0] + " " + MIX[:150],
            "kind": "other",
            "head_title": QUOTES_SHORT,
            "aliases": f"{FORMULAS[1]}\n{SCRIPT}",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    hostile_agency = (
        db.session.execute(db.select(Agency).order_by(Agency.id.desc())).scalars().first()
    )
    response = editor.post(
        "/staff/meetings/new",
        data={
            "title": FORMULAS[0] + " " + MIX,
            "kind": "rakor",
            "theme": FORMULAS[1] + " " + CRLF,
            "summary": LONG,
            "region": str(city.id),
            "start_date": "2024-02-06",
            "start_time": "09:00",
            "end_time": "12:00",
            "new_venue_name": FORMULAS[3] + " " + SCRIPT,
            "new_venue_address": JS_URL + " " + CRLF,
            "new_venue_city": str(city.id),
            "visibility": "public",
            "source_note": FORMULAS[2] + " " + CRLF + MIX,
            "participations-0-agency_name": "Polda Kaltim",
            "participations-0-person_name": "-" + RTL + "Budi <b>",
            "participations-0-person_rank": "+Kombes",
            "participations-0-position": FORMULAS[0] + " </script>",
            "participations-0-roles": "chair",
            "participations-0-attendance": "represented",
            "participations-0-represented_by": "@" + QUOTES_SHORT,
            "participations-0-topic": "=" + MIX,
            "participations-1-collective_label": FORMULAS[1] + " " + SCRIPT,
            "participations-1-attendance": "present",
        },
    )
    meeting = db.session.get(Meeting, _created_id(response))
    assert meeting.title.startswith("=HYPERLINK") and SCRIPT in meeting.title
    assert meeting.summary == LONG.strip() or len(meeting.summary) > 99_000
    add_participation(meeting, {"agency_id": hostile_agency.id, "roles": {"speaker"}})
    db.session.commit()

    sentence = "Rakor " + SCRIPT + " digelar di Samarinda."
    response = editor.post(
        "/staff/press/new",
        data={
            "outlet": FORMULAS[0],
            "url": JS_URL,
            "title": "x",
            "body": "y",
        },
    )
    assert response.status_code == 422  # javascript: is no web address
    response = editor.post(
        "/staff/press/new",
        data={
            "outlet": FORMULAS[0][:100],
            "url": 'https://contoh.example/a?b="><script>alert(1)</script>',
            "title": FORMULAS[1] + " " + MIX,
            "section": "@" + SCRIPT[:50],
            "byline": "-" + QUOTES_SHORT,
            "body": LONG[:50_000] + " " + sentence + " " + CRLF,
        },
    )
    release = db.session.get(PressRelease, _created_id(response))
    response = editor.post(
        f"/staff/press/{release.id}/link", data={"meeting": str(meeting.id), "relation": "reports"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    add_evidence(meeting.participations[0], release, sentence)
    db.session.commit()
    response = editor.post(
        f"/staff/meetings/{meeting.id}/postpone",
        data={"start_date": "2024-02-08", "start_time": "10:00", "reason": "=" + MIX + CRLF},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return meeting, release


QUOTES_SHORT = "\"'><img src=x onerror=alert(2)>"

HOSTILE_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Dinas Uji//ID\r\n"
    "BEGIN:VEVENT\r\nUID:hostile-1@dinas.example\r\nDTSTAMP:20240101T000000Z\r\n"
    "DTSTART;TZID=Asia/Makassar:20240710T090000\r\n"
    "SUMMARY:+Rapat </script><script>alert(1)</script>\\nBEGIN:VEVENT\\nX-INJ:1\r\n"
    "DESCRIPTION:=cmd|' /C calc'!A0\\nEND:VEVENT\\n\\, \\; <img src=x onerror=alert(2)>\r\n"
    "LOCATION:@Gedung\\, javascript:alert(3) \u202egnp\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)
HOSTILE_REGIONS = (
    "code,name,kind,parent_code,short,timezone\r\n"
    '64.98,"=HYPERLINK(""http://evil.example"")<script>x</script>",city,64,"+Kota ""A""\r\nB",\r\n'
)


def _through_importers(world: World, runner: Any, tmp_path: Any) -> tuple[Meeting, list[str]]:
    """The .ics upload, load-regions and import-press, each fed hostile text."""
    editor = world.actors["editor"].client
    response = editor.post(
        "/calendar/import",
        data={
            "region": "64.71",
            "kind": "rakor",
            "visibility": "public",
            "file": (io.BytesIO(HOSTILE_ICS.encode()), "agenda.ics"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    imported = db.session.execute(
        db.select(Meeting).filter_by(uid="hostile-1@dinas.example")
    ).scalar_one()
    assert "</script>" in imported.title and "\n" in imported.title or "BEGIN" in imported.title

    regions = tmp_path / "regions.csv"
    regions.write_bytes(HOSTILE_REGIONS.encode())
    result = runner.invoke(args=["load-regions", str(regions)])
    assert result.exit_code == 0, result.output
    region = db.session.execute(db.select(Region).filter_by(code="64.98")).scalar_one()
    assert region.name.startswith("=HYPERLINK")

    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-script.html").write_text(
        f"<html><body><script>alert(1)</script><p>{SCRIPT} Rakor Forkopimda Kota Samarinda "
        "digelar di Balai Kota Samarinda, Senin (12/2/2024) pukul 09.00 WITA, dipimpin "
        f"Wali Kota Samarinda. {FORMULAS[0]} {CRLF}</p></body></html>",
        encoding="utf-8",
    )
    (folder / "02-long.txt").write_text(LONG, encoding="utf-8")
    (folder / "03-\u202etxt.exe\rcreated 99.txt").write_text("=1+1 " + MIX, encoding="utf-8")
    result = runner.invoke(args=["import-press", str(folder)])
    assert result.exit_code == 0, result.output
    report = [line for line in result.output.splitlines() if line.strip()]
    return region, report


def _get_urls(
    world: World, meeting_ids: list[int], release_ids: list[int]
) -> list[tuple[str, dict]]:
    values = {"meeting_id": meeting_ids, "release_id": release_ids, "kind": ["rakor"]}
    adapter = world.app.url_map.bind("localhost")
    urls: list[tuple[str, dict]] = []
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        choices = dict(values)
        if "election" in rule.endpoint:
            choices["slug"] = ["pemilu-2024"]
        else:
            choices["slug"] = ["polda-kaltim"]
        choices["code"] = ["64", "64.71", "64.98"]
        choices["token"] = [world.editor.feed_token or "x"]
        choices["agency_id"] = [world.agency.id]
        choices["user_id"] = [world.editor.id]
        combos: list[dict] = [{}]
        for arg in sorted(rule.arguments):
            combos = [dict(c, **{arg: v}) for c in combos for v in choices.get(arg, [1])]
        urls += [(adapter.build(rule.endpoint, combo), {}) for combo in combos]
    # Reflected input: hostile search terms and filters echoed back.
    for path in ("/meetings/", "/agencies/", "/press/", "/api/v1/meetings", "/api/v1/agencies"):
        for q in (SCRIPT, QUOTES_SHORT, FORMULAS[0], RTL, "x" * 5000):
            urls.append((path, {"q": q}))
    for path in ("/meetings/", "/api/v1/meetings", "/api/v1/meetings.csv", "/calendar/feed.ics"):
        urls.append((path, {"region": SCRIPT, "agency": QUOTES_SHORT}))
        urls.append((path, {"region": "64.98"}))
    urls += [("/calendar/all.ics", {"archive": "1"}), ("/meetings/", {"format": "csv"})]
    urls += [("/api/v1/meetings", {"format": "csv", "per_page": 100})]
    urls += [(f"/staff/meetings/{i}/edit", {}) for i in meeting_ids]
    urls += [("/staff/agencies/search", {"q": SCRIPT})]
    return urls


def _check_response(path: str, args: dict, response: Any) -> str:
    where = (path, {k: str(v)[:40] for k, v in args.items()})
    assert response.status_code < 500, where
    kind = response.mimetype
    if response.status_code in (301, 302, 304) or response.status_code >= 400 and not response.data:
        return "other"
    if kind == "text/html":
        check_html(response.get_data(as_text=True), where)
        return "html"
    if kind == "application/json":
        check_json(response.get_data(as_text=True), where)
        return "json"
    if kind == "text/csv":
        check_csv(response.get_data(as_text=True), where)
        return "csv"
    if kind == "text/calendar":
        check_ics(response.get_data(), where)
        return "ics"
    return "other"


def test_hostile_text_comes_out_inert_everywhere(world: World, runner: Any, tmp_path: Any) -> None:
    meeting, release = _through_staff_forms(world)
    region, report = _through_importers(world, runner, tmp_path)
    # A meeting in the hostile region, so its name reaches lists, CSV and feeds.
    person = find_or_create_person("=" + SCRIPT[:40], rank="+" + RTL)
    add_participation(meeting, {"person_id": person.id, "roles": {"attendee"}})
    in_region = Meeting(
        title="@" + MIX,
        kind="rakor",
        starts_at=datetime(2024, 7, 1, 9, 0, tzinfo=WITA),
        timezone="Asia/Makassar",
        region_id=region.id,
    )
    db.session.add(in_region)
    db.session.commit()

    # CLI report: one line per file plus the summary, nothing forged or hidden.
    assert len(report) == 4, report
    assert all(line.isprintable() for line in report), report
    assert not any(line.startswith("created 99") for line in report), report

    ids = [meeting.id, in_region.id] + [
        m.id
        for m in db.session.execute(
            db.select(Meeting).filter_by(uid="hostile-1@dinas.example")
        ).scalars()
    ]
    releases = [r.id for r in db.session.execute(db.select(PressRelease)).scalars()]
    seen: dict[str, int] = {}
    for actor in ("anonymous", "editor"):
        client = world.actors[actor].client
        for path, args in _get_urls(world, ids, releases):
            response = client.get(path, query_string=args)
            kind = _check_response(path, args, response)
            response.close()
            seen[kind] = seen.get(kind, 0) + 1
    print(seen)
    assert seen["html"] > 40 and seen["json"] > 20 and seen["csv"] >= 8 and seen["ics"] >= 8, seen

    # JSON-LD: the data went in whole and came out equal, inside one parsable block.
    page = world.actors["anonymous"].client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    (event,) = json_ld_blocks(page)
    assert event["name"] == db.session.get(Meeting, meeting.id).title
    assert page.count('<script type="application/ld+json">') == 1
    # JSON API: the same text, unchanged.
    data = world.actors["anonymous"].client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert data["data"]["title"] == meeting.title
    # ICS: the imported hostile SUMMARY comes back as one value, not as new lines.
    body = world.actors["anonymous"].client.get(f"/calendar/meetings/{ids[-1]}.ics").get_data()
    calendar = check_ics(body, "single")
    (vevent,) = calendar.walk("VEVENT")
    assert "BEGIN:VEVENT" in str(vevent["SUMMARY"])
    # CSV: a hostile title leads its cell with an apostrophe and is otherwise intact.
    rows = check_csv(
        world.actors["anonymous"].client.get("/api/v1/meetings.csv").get_data(as_text=True), "csv"
    )
    assert any(cell == "'" + meeting.title for row in rows for cell in row)


def test_extraction_api_answers_hostile_text_with_plain_json(world: World) -> None:
    """The API's one POST route (extraction, staff only) echoes text back only as JSON."""
    client = world.actors["editor"].client
    for text in (MIX + " Rakor digelar di Samarinda, Senin (12/2/2024).", LONG, CRLF, "\x00x"):
        response = client.post("/api/v1/extract", json={"text": text, "published": "2024-02-12"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        check_json(response.get_data(as_text=True), "extract")
    response = client.post("/api/v1/extract", data=SCRIPT, content_type="text/html")
    assert response.status_code in (200, 400) and response.mimetype == "application/json"
