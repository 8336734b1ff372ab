"""A PostgreSQL backend terminated under the app: reads retry once, writes never.

PostgreSQL only: SQLite has no server process to lose. The app's connections carry an
application name of their own, so ``pg_terminate_backend`` hits them and nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PG_URL
from flask import Flask, request
from sqlalchemy import create_engine, text
from staff_helpers import login, make_user

from tracker.extensions import db
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


@pytest.fixture
def drop_mid_request(app: Flask) -> None:
    """Requests with ``X-Drop-Connection`` lose their connection after their first statement."""

    @app.before_request
    def drop() -> None:
        if "X-Drop-Connection" in request.headers:
            db.session.execute(text("SELECT 1"))  # the request now holds a connection
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


def test_a_read_whose_connection_dies_mid_request_is_retried_once(
    client: Any, make_meeting: Any, drop_mid_request: None
) -> None:
    meeting_id = make_meeting(title="Rakor putus sambungan").id
    db.session.remove()
    for path in READS:
        response = client.get(path, headers={"X-Drop-Connection": "1"})
        assert response.status_code == 200, path
    page = client.get(f"/meetings/{meeting_id}", headers={"X-Drop-Connection": "1"})
    assert page.status_code == 200 and "Rakor putus sambungan" in page.get_data(as_text=True)
    assert client.head("/api/v1/meetings", headers={"X-Drop-Connection": "1"}).status_code == 200


def test_a_write_whose_connection_dies_is_not_retried(
    client: Any, make_meeting: Any, drop_mid_request: None
) -> None:
    meeting_id = make_meeting().id
    login(client, make_user().email)
    db.session.remove()
    response = client.post(f"/staff/meetings/{meeting_id}/held", headers={"X-Drop-Connection": "1"})
    assert response.status_code == 500
    found = db.session.get(Meeting, meeting_id)
    assert found is not None and found.status == "scheduled"
    logged = db.session.execute(db.select(ChangeLog.action).filter_by(meeting_id=meeting_id))
    assert list(logged.scalars()) == ["create"]
