"""Rakor Tracker: election coordination meetings, their agencies and sources."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from tracker.urls import TrackerFlask

ROOT = Path(__file__).resolve().parent.parent


# The embedded defaults; instance/config.py, TRACKER_* variables and tests override them.
DEFAULTS: dict[str, Any] = dict(
    SECRET_KEY=None,
    DATABASE_URL=None,
    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    BABEL_DEFAULT_LOCALE="id",
    BABEL_DEFAULT_TIMEZONE="UTC",
    LANGUAGES=("id", "en"),
    SITE_NAME="Rakor Tracker",
    # Scheme and host of every absolute link, e.g. "https://rakor.example.go.id";
    # required in production (tracker/production.py).
    PUBLIC_BASE_URL=None,
    # Host used in calendar UIDs and absolute links built outside a request.
    PUBLIC_HOST="rakor-tracker.local",
    PAGE_SIZE=25,
    # Bytes of public pages' HTML each process keeps between writes (tracker/page_cache.py);
    # 0 turns the cache off.
    PAGE_CACHE_BYTES=32 * 1024 * 1024,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    REMEMBER_COOKIE_HTTPONLY=True,
    REMEMBER_COOKIE_SAMESITE="Lax",
    MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    WTF_CSRF_TIME_LIMIT=None,
    # A login ends after this long without a request, and this long after it began.
    LOGIN_IDLE_HOURS=12,
    LOGIN_MAX_AGE_DAYS=30,
)


def _database_url(app: Flask) -> str:
    """Pick the database URL, steering PostgreSQL URLs to the psycopg 3 driver."""
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(app.instance_path, "tracker.sqlite")
    )
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and wire the application; no I/O beyond reading config."""
    # Tests and deployments may keep the instance folder elsewhere.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "TRACKER_INSTANCE_PATH"
    )
    app = TrackerFlask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
    )
    # A copy: the engine options are a dict each app may change.
    app.config.from_mapping(copy.deepcopy(DEFAULTS))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TRACKER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Pool pre-ping is pointless for a file and costs a statement per checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    _init_extensions(app)
    from tracker import production

    # `flask init` writes SECRET_KEY into instance/config.py; production refuses to
    # start without it or without PUBLIC_BASE_URL.
    production.configure(app)
    from tracker import security

    security.register(app)
    from tracker import routing

    routing.register(app)
    from tracker.api import throttle

    throttle.init_app(app)
    throttle.init_downloads(app)
    _register_blueprints(app)
    from tracker import redaction

    # The dev server's request log and the app's error log name paths; no feed token.
    redaction.install(app.logger, logging.getLogger("werkzeug"))
    _register_template_helpers(app)
    from tracker import cli

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from tracker import auth_loader, i18n, limiter
    from tracker.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    auth_loader.configure(login_manager)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from tracker.meetings.views import bp as meetings_bp
    from tracker.site.views import bp as site_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(meetings_bp)
    from tracker.meetings.export_views import bp as meeting_exports_bp

    app.register_blueprint(meeting_exports_bp)
    from tracker.meetings.share_views import bp as meeting_share_bp

    app.register_blueprint(meeting_share_bp)
    from tracker.meetings.month_views import bp as meeting_month_bp

    app.register_blueprint(meeting_month_bp)
    # Public lookup: agencies, elections, regions, press releases and the read API.
    from tracker.agencies.views import bp as agencies_bp
    from tracker.api.views import bp as api_bp
    from tracker.elections.views import bp as elections_bp
    from tracker.people.views import bp as people_bp
    from tracker.press.views import bp as press_bp
    from tracker.rankings.views import bp as rankings_bp
    from tracker.regions.views import bp as regions_bp

    app.register_blueprint(agencies_bp)
    app.register_blueprint(elections_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(rankings_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(press_bp)
    app.register_blueprint(api_bp)
    from tracker.calendar import upkeep  # noqa: F401 (its session listeners keep VEVENTs fresh)
    from tracker.calendar.views import bp as calendar_bp

    app.register_blueprint(calendar_bp)
    # Saved searches: Atom feeds, e-mail alerts and `flask send-alerts`.
    from tracker.alerts.views import bp as alerts_bp

    app.register_blueprint(alerts_bp)
    from tracker.corrections.views import bp as corrections_bp

    app.register_blueprint(corrections_bp)
    _register_staff_blueprints(app)


def _register_staff_blueprints(app: Flask) -> None:
    """Accounts, staff forms and the admin registry (login required throughout)."""
    from tracker.agencies.staff_views import admin_bp as admin_agencies_bp
    from tracker.agencies.staff_views import staff_bp as staff_agencies_bp
    from tracker.api.extract import bp as api_extract_bp
    from tracker.auth.account_views import bp as account_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.corrections.staff_views import bp as staff_corrections_bp
    from tracker.meetings.staff_views import bp as staff_meetings_bp
    from tracker.press.extract_views import bp as press_extract_bp
    from tracker.press.staff_views import bp as staff_press_bp

    for blueprint in (
        auth_bp,
        account_bp,
        staff_meetings_bp,
        staff_corrections_bp,
        staff_press_bp,
        press_extract_bp,
        api_extract_bp,
        staff_agencies_bp,
        admin_agencies_bp,
    ):
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from tracker import formatting, i18n, labels

    formatting.register(app)
    i18n.register(app)
    labels.register(app)
