"""A demo world with one account per role, and clients logged in as each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import FreshContextClient
from flask import Flask
from flask.testing import FlaskClient
from staff_helpers import PASSWORD, make_user

from tracker.cli import seed_demo
from tracker.extensions import db
from tracker.models import Agency, Meeting, PressRelease, User

ROLES = ("anonymous", "editor", "admin", "deactivated")
TOKEN_PATTERNS = (
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'name="csrf_token" value="([^"]+)"'),
)


def page_token(html: str) -> str | None:
    """The CSRF token of a rendered form, if the page has one."""
    for pattern in TOKEN_PATTERNS:
        match = pattern.search(html)
        if match:
            return match.group(1)
    return None


@dataclass
class Actor:
    """A client acting as one role, with the CSRF token of its session."""

    role: str
    client: FlaskClient
    token: str | None = None
    user: User | None = None

    def refresh_token(self) -> None:
        """Fetch a form page so the session holds a CSRF token, and keep it."""
        path = "/login" if self.role in ("anonymous", "deactivated") else "/staff/meetings/new"
        response = self.client.get(path)
        self.token = page_token(response.get_data(as_text=True))


@dataclass
class World:
    """Real rows to fill URL parameters with, and one actor per role."""

    app: Flask
    admin: User
    editor: User
    deactivated: User
    meeting: Meeting
    release: PressRelease
    agency: Agency
    actors: dict[str, Actor] = field(default_factory=dict)
    serial: int = 0

    def next(self) -> int:
        """A number no earlier call returned, for unique names."""
        self.serial += 1
        return self.serial


def new_client(app: Flask) -> FlaskClient:
    """A client with a fresh app context per request, as the suite's ``client``."""
    app.test_client_class = FreshContextClient
    return app.test_client()


def log_in(app: Flask, email: str) -> FlaskClient:
    """A client logged in as ``email`` (through the real form, CSRF token included)."""
    client = new_client(app)
    token = page_token(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def world(app: Flask, runner: Any) -> World:
    """seed-demo, an admin, an editor and a deactivated editor whose session outlived it."""
    result = runner.invoke(seed_demo)
    assert result.exit_code == 0, result.output
    admin = make_user("admin.adv@kaltim.example", "admin", "Admin Adv")
    editor = make_user("editor.adv@kaltim.example", "editor", "Editor Adv")
    gone = make_user("gone.adv@kaltim.example", "editor", "Gone Adv")
    meeting = (
        db.session.execute(db.select(Meeting).filter_by(visibility="public").order_by(Meeting.id))
        .scalars()
        .first()
    )
    release = db.session.execute(db.select(PressRelease).order_by(PressRelease.id)).scalar()
    agency = db.session.execute(db.select(Agency).filter_by(slug="polda-kaltim")).scalar_one()
    assert meeting is not None and release is not None
    world = World(app, admin, editor, gone, meeting, release, agency)
    world.actors["anonymous"] = Actor("anonymous", new_client(app))
    world.actors["editor"] = Actor("editor", log_in(app, editor.email), user=editor)
    world.actors["admin"] = Actor("admin", log_in(app, admin.email), user=admin)
    # Logged in, then deactivated by an admin: the old session cookie must count for nothing.
    world.actors["deactivated"] = Actor("deactivated", log_in(app, gone.email), user=gone)
    gone.active = False
    db.session.commit()
    for actor in world.actors.values():
        actor.refresh_token()
    return world
