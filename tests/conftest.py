"""Fixtures: an app per test on SQLite and on PostgreSQL, clients and factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text

from tracker import create_app
from tracker.extensions import db

PG_REQUIRED = os.environ.get("TRACKER_TEST_REQUIRE_POSTGRES") == "1"
_pg_schema_ready = False


def _worker_database(url: str) -> str:
    """The database of this pytest-xdist worker: ``<name>_gw0``, made on first use.

    Each test empties and refills its database, so two workers sharing one would erase
    each other's rows; a plain ``pytest`` run (no worker) uses the configured database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # noqa: BLE001 - unreachable: _postgres_available() says why
        return url
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TRACKER_TEST_POSTGRES_URL", ""))


def _postgres_available() -> str | None:
    """Return why PostgreSQL tests cannot run, or None when they can."""
    if not PG_URL:
        return "TRACKER_TEST_POSTGRES_URL is not set (see docs/development.md)"
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at TRACKER_TEST_POSTGRES_URL is unreachable: {exc}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL tests only when no server is configured and none is required."""
    reason = _postgres_available()
    if reason is None:
        return
    if PG_REQUIRED:
        raise pytest.UsageError(f"PostgreSQL tests are required but cannot run: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _reset_postgres(app: Flask) -> None:
    """Build the PostgreSQL schema once per session from the migrations."""
    global _pg_schema_ready
    if _pg_schema_ready:
        return
    from flask_migrate import upgrade

    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    _pg_schema_ready = True


def _truncate_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


# The reference data (regions, elections, agencies) every test starts from. Loading it
# takes seconds; it is loaded once per session and copied into each test's database.
TEMPLATE_SCHEMA = "test_reference_template"
_sqlite_template: bytes | None = None
_pg_template_tables: list[str] | None = None


def _load_reference_data() -> None:
    from tracker.cli import _load_reference

    _load_reference()
    db.session.commit()


def _fresh_epoch() -> None:
    """Forget the copied counter row, so this database draws its own epoch.

    Results kept in the process are keyed by (epoch, generation): two copies of one
    template must never share an epoch (``tracker/kept.py``).
    """
    from tracker import page_cache
    from tracker.kept import forget

    db.session.execute(text("DELETE FROM calendar_state"))
    db.session.commit()
    forget()
    page_cache.forget()


def _sqlite_reference() -> None:
    """Create the schema with the reference data: built once, then copied byte for byte."""
    global _sqlite_template
    if db.engine.url.database not in (None, "", ":memory:"):
        # A file (a test serving it from another process): built the plain way.
        db.create_all()
        _load_reference_data()
        _fresh_epoch()
        return
    raw = db.engine.raw_connection()  # the in-memory database's one connection
    try:
        if _sqlite_template is not None:
            raw.driver_connection.deserialize(_sqlite_template)
    finally:
        raw.close()
    if _sqlite_template is None:
        db.create_all()
        _load_reference_data()
        raw = db.engine.raw_connection()
        try:
            _sqlite_template = raw.driver_connection.serialize()
        finally:
            raw.close()
    _fresh_epoch()


def _postgres_reference() -> None:
    """Empty every table, then copy the reference rows in from the session's template."""
    global _pg_template_tables
    _truncate_postgres()
    tables = [t.name for t in db.metadata.sorted_tables]
    if _pg_template_tables is None:
        _load_reference_data()
        db.session.execute(text(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE'))
        db.session.execute(text(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"'))
        filled = []
        for name in tables:
            if db.session.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).scalar():
                db.session.execute(
                    text(f'CREATE TABLE "{TEMPLATE_SCHEMA}"."{name}" AS TABLE "{name}"')
                )
                filled.append(name)
        db.session.commit()
        _pg_template_tables = filled
    else:
        for name in _pg_template_tables:  # parents first (sorted_tables order)
            db.session.execute(
                text(f'INSERT INTO "{name}" SELECT * FROM "{TEMPLATE_SCHEMA}"."{name}"')
            )
            _advance_sequence(name)
        db.session.commit()
    _fresh_epoch()


def _advance_sequence(table: str) -> None:
    """Move a copied table's id sequence past its rows, as loading them would have."""
    if "id" not in db.metadata.tables[table].c:
        return
    sequence = db.session.execute(
        text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{table}"'}
    ).scalar()
    if sequence:
        db.session.execute(
            text(f'SELECT setval(:s, (SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'),
            {"s": sequence},
        )


def make_app(backend: str, tmp_path: Any, **extra: Any) -> Flask:
    """Create a test app on the given backend."""
    if backend == "postgres":
        url = PG_URL
    else:
        url = "sqlite:///:memory:"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        # The test client's own host, configured as production configures it: absolute
        # links never come from the request (tests of the development fallback unset it).
        "PUBLIC_BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,
        # Cheap Argon2 for speed; production keeps the library's RFC 9106 defaults.
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra config a test module may override."""
    return {}


@pytest.fixture
def app(backend: str, tmp_path: Any, app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app with reference data loaded, inside an app context."""
    application = make_app(backend, tmp_path, **app_config)
    with application.app_context():
        if backend == "postgres":
            _reset_postgres(application)
            _postgres_reference()
        else:
            _sqlite_reference()
        yield application
        db.session.rollback()
        if backend == "postgres":
            _truncate_postgres()
        db.session.remove()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """A client whose every request gets its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test body; without this,
    requests would reuse it and share ``g`` (cached locale, logged-in user).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for the app."""
    return app.test_cli_runner()


WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def region() -> Callable[[str], Any]:
    """Look a region up by code."""
    from tracker.models import Region

    def get(code: str) -> Region:
        return db.session.execute(db.select(Region).filter_by(code=code)).scalar_one()

    return get


@pytest.fixture
def agency() -> Callable[[str], Any]:
    """Look an agency up by slug."""
    from tracker.models import Agency

    def get(slug: str) -> Agency:
        return db.session.execute(db.select(Agency).filter_by(slug=slug)).scalar_one()

    return get


@pytest.fixture
def make_meeting(app: Flask, region: Callable[[str], Any]) -> Callable[..., Any]:
    """Create a meeting through the operations, with sensible defaults."""
    from tracker.meetings.operations import create_meeting

    def make(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "title": "Rakor Kesiapan Pemilu 2024",
            "kind": "rakor",
            "starts_at": datetime(2024, 2, 6, 9, 0, tzinfo=WITA),
            "ends_at": datetime(2024, 2, 6, 12, 0, tzinfo=WITA),
            "region_id": region("64").id,
        }
        fields.update(overrides)
        meeting = create_meeting(fields)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def built_events(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the meetings whose VEVENT the calendar store writes, in order."""
    from tracker.calendar import cache

    built: list[int] = []
    real = cache.event_text

    def counting(meeting: Any, conf: Any) -> str:
        built.append(meeting.id)
        return real(meeting, conf)

    monkeypatch.setattr(cache, "event_text", counting)
    return built
