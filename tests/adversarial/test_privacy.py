"""No e-mail address or phone number of a user or a person reaches a public answer, and the
login form does not tell whether an account exists."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from staff_helpers import PASSWORD, make_user

from tracker.extensions import db
from tracker.meetings.operations import add_participation, find_or_create_person
from tracker.validation import ValidationError

from .conftest import World, log_in, page_token

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = "0812-3456-7890"
SKIP = {"static", "site.set_language", "calendar.private_feed"}


def test_contact_details_of_people_are_refused_where_they_would_be_published(world: World) -> None:
    meeting = world.meeting
    for name, rank in (
        (f"Budi {PHONE}", None),
        ("Budi budi.santoso@polda-kaltim.example", None),
        ("Budi", "+62 812 3456 7890"),
    ):
        with pytest.raises(ValidationError):
            find_or_create_person(name, rank=rank)
        db.session.rollback()
    for field in ("represented_by", "position", "collective_label"):
        data = {"agency_id": world.agency.id, "attendance": "represented", field: f"Wakil {PHONE}"}
        with pytest.raises(ValidationError) as caught:
            add_participation(meeting, data)
        assert field in caught.value.errors
        db.session.rollback()
    # Through the staff form the same text is refused, and nothing is written.
    response = world.actors["editor"].client.post(
        f"/staff/meetings/{meeting.id}/edit",
        data={"participations-0-person_name": f"Siti siti@kpu.example {PHONE}"},
    )
    assert response.status_code == 422


def _text(data: bytes) -> str:
    """A response's text; a workbook (XLSX is a zip) as the text of its parts."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return data.decode("utf-8", "replace")


def _public_urls(world: World) -> list[str]:
    adapter = world.app.url_map.bind("localhost")
    values = {"meeting_id": world.meeting.id, "release_id": world.release.id, "kind": "rakor"}
    urls = []
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        args = dict(values)
        args["slug"] = "pemilu-2024" if "election" in rule.endpoint else "polda-kaltim"
        args["code"] = "64"
        args["agency_id"], args["user_id"] = world.agency.id, world.editor.id
        # The official named in the meeting (their public page), and a token nobody holds.
        args["person_id"] = next(
            (p.person_id for p in world.meeting.participations if p.person_id), 1
        )
        args["token"] = "kunci-yang-tidak-ada"
        # Other ids (staff records such as corrections) as 1: anonymous meets the login.
        urls.append(adapter.build(rule.endpoint, {k: args.get(k, 1) for k in rule.arguments}))
    return urls + [
        "/api/v1/meetings?per_page=100",
        "/api/v1/meetings.csv",
        "/calendar/all.ics?archive=1",
        "/meetings/?q=budi",
        "/api/v1/press-releases?per_page=100",
    ]


def test_no_user_or_person_contact_details_on_any_public_answer(world: World) -> None:
    # Staff whose names look like contact details edit and create records.
    writer = make_user("penulis.rahasia@kpu-kaltim.example", "editor", f"Zakaria Wibisono {PHONE}")
    client = world.actors["editor"].client
    client.post(f"/staff/meetings/{world.meeting.id}/held")
    other = log_in(world.app, writer.email)
    other.post(
        f"/staff/meetings/{world.meeting.id}/postpone",
        data={"start_date": "2024-03-01", "start_time": "09:00", "reason": "Jadwal bentrok"},
    )
    db.session.expire_all()  # the requests moved the meeting's version on
    person = find_or_create_person("Budi Santoso", rank="Kombes Pol")
    add_participation(world.meeting, {"person_id": person.id, "roles": {"speaker"}})
    db.session.commit()
    secrets = [u.email for u in (world.admin, world.editor, world.deactivated, writer)]
    secrets += [PHONE, "Zakaria Wibisono", world.editor.name, world.admin.name]

    crawled = 0
    anonymous = world.actors["anonymous"].client
    for url in _public_urls(world):
        response = anonymous.get(url)
        body = _text(response.get_data())
        response.close()
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            continue  # a staff page
        assert response.status_code < 500, url
        for secret in secrets:
            assert secret.lower() not in body.lower(), (url, secret)
        crawled += 1
    assert crawled >= 40


def _login_answer(client: Any, email: str, password: str) -> tuple[int, str]:
    token = page_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    body = response.get_data(as_text=True).replace(token or "-", "TOKEN")
    body = body.replace(email, "EMAIL")  # the form keeps what was typed, for every case alike
    return response.status_code, body


def test_login_errors_do_not_reveal_whether_an_account_exists(world: World) -> None:
    client = world.actors["anonymous"].client
    unknown = _login_answer(client, "tidak.ada@kaltim.example", PASSWORD)
    wrong = _login_answer(client, world.editor.email, "bukan-kata-sandinya")
    deactivated = _login_answer(client, world.deactivated.email, PASSWORD)
    assert unknown[0] == wrong[0] == deactivated[0] == 422
    assert unknown[1] == wrong[1] == deactivated[1]
    assert "Alamat surel atau kata sandi salah." in unknown[1]
