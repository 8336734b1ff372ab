"""The access log of a real gunicorn names the private feed's route, never its token."""

from __future__ import annotations

import http.client
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from staff_helpers import make_user

from tracker import redaction
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db

from .child import start_gunicorn, stop_gunicorn, wait_ready

BASE_URL = "https://rakor.example.id"


@pytest.fixture
def app_config(backend: str, tmp_path: Path) -> dict[str, Any]:
    """SQLite in a file, so the gunicorn process reads the rows this test writes."""
    if backend == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite'}"}
    return {}


def _serve_and_request(app: Flask, tmp_path: Path, requests: list[tuple[str, dict]]) -> str:
    """Run gunicorn as ``make serve`` does, send the requests, stop it; return the access log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        TRACKER_SECRET_KEY="access-log-secret",
        TRACKER_PUBLIC_BASE_URL=BASE_URL,
    )
    out = tmp_path / "gunicorn.out"
    access = tmp_path / "access.log"
    # The same settings as `make serve`, with the access log in a file instead of stdout.
    options = ["-c", "python:tracker.gunicorn_conf", "--workers", "1"]
    proc, port = start_gunicorn([*options, "--access-logfile", str(access)], env, out)
    try:
        wait_ready(proc, port, out)
        for path, headers in requests:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status in (200, 308), (path, response.status)
            conn.close()
    finally:
        stop_gunicorn(proc)
    return access.read_text()


def test_the_access_log_redacts_private_feed_tokens(app: Flask, tmp_path: Path) -> None:
    user = make_user("feed.log@kaltim.example")
    token = regenerate_feed_token(user)
    db.session.commit()
    feed = f"/calendar/private/{token}.ics"
    log = _serve_and_request(
        app,
        tmp_path,
        [
            (feed, {}),
            (f"{feed}?archive=1", {"Referer": f"{BASE_URL}{feed}"}),
            # Percent-encoded, the same route: the raw request line must not carry it either.
            (f"/calendar/private%2F{token[:5]}%{ord(token[5]):02X}{token[6:]}.ics", {}),
            # Repeated slashes reach the same feed through a redirect.
            (f"/calendar//private//{token}.ics", {}),
            ("/calendar/all.ics", {}),
        ],
    )
    lines = log.splitlines()
    assert len(lines) >= 6, log  # the readiness probe, then the five requests
    assert token not in log and token[6:] not in log
    private = [line for line in lines if "/calendar/private/" in line]
    assert len(private) == 3
    assert all("/calendar/private/<token>.ics" in line and '" 200 ' in line for line in private)
    assert any('"GET /calendar/all.ics HTTP/1.1" 200' in line for line in lines)


def test_app_and_dev_server_logs_redact_private_feed_tokens(app: Flask) -> None:
    """Flask's 'Exception on <path>' line, a child logger's record and the dev server's."""
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(self.format(record))

    keep = Keep()
    loggers = (app.logger, logging.getLogger("werkzeug"))
    # Alembic's fileConfig (run in-process by the PostgreSQL fixture) disables existing
    # loggers; a server never runs it, so switch them back on for the test.
    disabled = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = False
        logger.addHandler(keep)
    try:
        with app.test_request_context("/calendar/private/SECRET123.ics"):
            app.log_exception((RuntimeError, RuntimeError("boom"), None))
        loggers[1].warning('"GET %s HTTP/1.1" 200', "/calendar//private//S3CRET.ics")
        redaction.install(app.logger)  # a second install adds nothing
        logging.getLogger(app.logger.name + ".child").warning("feed /calendar/private%2FCHILD9.ics")
    finally:
        for logger, was in zip(loggers, disabled, strict=True):
            logger.removeHandler(keep)
            logger.disabled = was
    text = "\n".join(seen)
    assert "SECRET123" not in text and "S3CRET" not in text
    assert "Exception on /calendar/private/<token>.ics [GET]" in text
    assert '"GET /calendar//private//<token>.ics HTTP/1.1" 200' in text
