"""NUL characters and over-long text are refused with a clear message on both databases.

PostgreSQL's driver raises on NUL in text and on values longer than a VARCHAR, where
SQLite stores them; these tests failed with 500s and crashed imports before the guards.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tracker.extensions import db
from tracker.meetings.operations import create_meeting, find_or_create_venue
from tracker.models import Meeting, PressRelease, Region
from tracker.press.operations import create_press_release
from tracker.validation import ValidationError

from .conftest import World

WITA = ZoneInfo("Asia/Makassar")
NUL_MESSAGE = "NUL"


def _count(model: Any) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/?q=a%00b",
        "/agencies/a%00b",
        "/agencies/?q=%00",
        "/press/?q=%00",
        "/elections/x%00",
        "/calendar/feed.ics?agency=%00",
        "/calendar/region/%00.ics",
    ],
)
def test_nul_in_a_public_url_is_a_plain_400(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)


def test_nul_in_an_api_parameter_is_a_json_400(client: Any) -> None:
    response = client.get("/api/v1/meetings", query_string={"q": "a\x00"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and "q" in error["fields"] and NUL_MESSAGE in error["message"]


def test_nul_in_staff_forms_and_login_writes_nothing(world: World) -> None:
    editor = world.actors["editor"].client
    meetings, releases = _count(Meeting), _count(PressRelease)
    city = db.session.execute(db.select(Region).filter_by(code="64.71")).scalar_one()
    posts = [
        ("/staff/press/new", {"outlet": "Humas", "title": "Rilis", "body": "Isi\x00rilis"}),
        (
            "/staff/meetings/new",
            {
                "title": "Rakor\x00",
                "kind": "rakor",
                "region": str(city.id),
                "start_date": "2024-02-06",
                "start_time": "09:00",
                "visibility": "public",
                "participations-0-agency_name": "Polda Kaltim",
            },
        ),
    ]
    for path, data in posts:
        response = editor.post(path, data=data)
        assert response.status_code == 400, path
        assert NUL_MESSAGE in response.get_data(as_text=True)
    response = world.actors["anonymous"].client.post(
        "/login", data={"email": "a\x00@b.example", "password": "x" * 12}
    )
    assert response.status_code == 400
    assert (_count(Meeting), _count(PressRelease)) == (meetings, releases)


def test_operations_refuse_nul_and_overlong_text_on_both_databases(app: Any, region: Any) -> None:
    base = {"starts_at": datetime(2024, 2, 6, 9, 0, tzinfo=WITA), "region_id": region("64").id}
    with pytest.raises(ValidationError) as caught:
        create_meeting({"title": "Rakor", "summary": "a\x00b", **base})
    assert "summary" in caught.value.errors and "NUL" in caught.value.errors["summary"]
    db.session.rollback()
    with pytest.raises(ValidationError) as caught:
        create_meeting({"title": "Rakor", "theme": "t" * 501, **base})
    assert "500" in caught.value.errors["theme"]
    db.session.rollback()
    with pytest.raises(ValidationError) as caught:
        find_or_create_venue("Gedung " + "x" * 300, region("64.71"))
    assert "name" in caught.value.errors
    db.session.rollback()
    with pytest.raises(ValidationError):
        create_press_release({"outlet": "o" * 161, "title": "t", "body": "b"})
    db.session.rollback()
    assert _count(Meeting) == 0 and _count(PressRelease) == 0


def test_importers_reject_nul_with_the_reason(world: World, runner: Any, tmp_path: Any) -> None:
    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-nul.txt").write_text("Rakor digelar\x00 di Samarinda.", encoding="utf-8")
    jsonl = tmp_path / "rilis.jsonl"
    jsonl.write_text(
        '{"body": "Rakor digelar.", "title": "Judul\\u0000"}\n'
        '{"body": "Rakor lain.", "title": "' + "j" * 500 + '"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-press", str(folder)])
    assert result.exit_code == 0, result.output
    assert "rejected      01-nul.txt: berisi karakter NUL" in result.output
    result = runner.invoke(args=["import-press", str(jsonl)])
    assert result.exit_code == 0, result.output
    assert "rejected      rilis.jsonl:1: berisi karakter NUL" in result.output
    assert "rejected      rilis.jsonl:2: title:" in result.output  # too long, not a crash

    regions = tmp_path / "regions.csv"
    regions.write_text(
        "code,name,kind,parent_code,short,timezone\n64.97,Kota\x00Uji,city,64,Uji,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["load-regions", str(regions)])
    assert result.exit_code == 1 and "NUL" in result.output
    assert db.session.execute(db.select(Region).filter_by(code="64.97")).first() is None

    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:n@x\r\n"
        "DTSTAMP:20240101T000000Z\r\nDTSTART:20240710T090000Z\r\nSUMMARY:Ra\x00kor\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    response = world.actors["editor"].client.post(
        "/calendar/import",
        data={
            "region": "64.71",
            "kind": "rakor",
            "visibility": "public",
            "file": (io.BytesIO(ics.encode()), "agenda.ics"),
        },
    )
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
