"""A PostgreSQL backend terminated under the app: reads retry once, writes never.

PostgreSQL only: SQLite has no server process to lose. The app's connections carry an
application name of their own, so ``pg_terminate_backend`` hits them and nothing else.
The termination is real, from a second connection, at chosen points of a request: inside
a query function a view calls, inside the staff guard's user loading, inside a write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from conftest import PG_URL
from flask import Flask, request
from sqlalchemy import create_engine, text
from staff_helpers import login, make_user

from tracker.auth import operations as auth_operations
from tracker.extensions import db
from tracker.meetings import operations as meeting_operations
from tracker.meetings import queries
from tracker.models import ChangeLog, Meeting

APP_NAME = "tracker-dropped-connection-test"
pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Production's engine options with a recognisable name, and 500s answered, not raised."""
    return {
        "PROPAGATE_EXCEPTIONS": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "connect_args": {"application_name": APP_NAME},
        },
    }


def terminate_app_backends() -> int:
    """End every server process serving one of the app's connections, from outside."""
    engine = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": APP_NAME},
        ).scalar_one()
    engine.dispose()
    return int(ended)


def sever_first_call(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Make ``module.name`` lose the app's connection on its first call; return its calls."""
    original = getattr(module, name)
    calls: list[int] = []

    def severing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            db.session.execute(text("SELECT 1"))  # the request now holds a connection
            assert terminate_app_backends() >= 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, severing)
    return calls


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name``."""
    original = getattr(module, name)
    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def retries(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], int]:
    """How many retries the app has logged so far."""
    # The migrations' fileConfig (schema set-up) disables every logger that existed then.
    monkeypatch.setattr(app.logger, "disabled", False)
    caplog.set_level(logging.WARNING, logger=app.logger.name)
    return lambda: sum("retrying once" in r.getMessage() for r in caplog.records)


@pytest.fixture
def drop_once_per_request(app: Flask) -> None:
    """Requests with ``X-Drop-Connection`` lose their connection in an app-level hook, once."""

    @app.before_request
    def drop() -> None:
        if "X-Drop-Connection" in request.headers and "dropped" not in request.environ:
            request.environ["dropped"] = True
            db.session.execute(text("SELECT 1"))
            assert terminate_app_backends() >= 1


READS = ("/meetings/", "/agencies/polda-kaltim", "/api/v1/meetings", "/calendar/all.ics")


def test_a_read_after_the_backend_was_terminated_between_requests_succeeds(
    client: Any, make_meeting: Any
) -> None:
    make_meeting()
    for path in READS:
        assert client.get(path).status_code == 200
        db.session.remove()  # the test's own connection goes back to the pool, to be ended too
        assert terminate_app_backends() >= 1
        assert client.get(path).status_code == 200, path


def test_a_read_whose_connection_dies_in_a_hook_is_retried_once(
    client: Any, make_meeting: Any, drop_once_per_request: None, retries: Callable[[], int]
) -> None:
    make_meeting()
    db.session.remove()
    for number, path in enumerate(READS, start=1):
        assert client.get(path, headers={"X-Drop-Connection": "1"}).status_code == 200, path
        assert retries() == number, path
    assert client.head("/api/v1/meetings", headers={"X-Drop-Connection": "1"}).status_code == 200
    assert retries() == len(READS) + 1


def test_a_read_whose_connection_dies_in_the_view_is_retried_once(
    client: Any, make_meeting: Any, monkeypatch: pytest.MonkeyPatch, retries: Callable[[], int]
) -> None:
    meeting_id = make_meeting(title="Rakor putus sambungan").id
    db.session.remove()
    calls = sever_first_call(monkeypatch, queries, "meeting_detail")
    page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == 200 and "Rakor putus sambungan" in page.get_data(as_text=True)
    assert len(calls) == 2 and retries() == 1


def test_a_staff_read_whose_connection_dies_loading_the_user_is_retried(
    client: Any, make_meeting: Any, monkeypatch: pytest.MonkeyPatch, retries: Callable[[], int]
) -> None:
    make_meeting(title="Rakor putus sambungan")
    login(client, make_user().email)
    db.session.remove()
    # Flask-Login loads the user in staff_only, a before_request hook, not in the view.
    calls = sever_first_call(monkeypatch, auth_operations, "find_login")
    page = client.get("/staff/meetings/")
    assert page.status_code == 200 and "Rakor putus sambungan" in page.get_data(as_text=True)
    assert len(calls) == 2 and retries() == 1


def test_a_staff_read_retried_after_the_view_failed_loads_the_user_again(
    client: Any, make_meeting: Any, monkeypatch: pytest.MonkeyPatch, retries: Callable[[], int]
) -> None:
    meeting_id = make_meeting(title="Rakor putus sambungan").id
    login(client, make_user().email)
    db.session.remove()
    loads = count_calls(monkeypatch, auth_operations, "find_login")
    views = sever_first_call(monkeypatch, queries, "meeting_detail")
    page = client.get(f"/staff/meetings/{meeting_id}")
    assert page.status_code == 200 and "Rakor putus sambungan" in page.get_data(as_text=True)
    # The retry starts from an empty g: the user the first attempt cached is not reused.
    assert len(views) == 2 and len(loads) == 2 and retries() == 1


def test_a_write_whose_connection_dies_in_the_view_is_not_retried(
    client: Any, make_meeting: Any, monkeypatch: pytest.MonkeyPatch, retries: Callable[[], int]
) -> None:
    meeting_id = make_meeting().id
    login(client, make_user().email)
    db.session.remove()
    calls = sever_first_call(monkeypatch, meeting_operations, "mark_held")
    response = client.post(f"/staff/meetings/{meeting_id}/held")
    assert response.status_code == 500
    assert len(calls) == 1 and retries() == 0
    found = db.session.get(Meeting, meeting_id)
    assert found is not None and found.status == "scheduled"
    logged = db.session.execute(db.select(ChangeLog.action).filter_by(meeting_id=meeting_id))
    assert list(logged.scalars()) == ["create"]
