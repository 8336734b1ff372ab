"""What counts as production, and the settings it refuses to start without.

Production is any app that is not TESTING, not DEBUG and not created by the ``flask``
command (which sets FLASK_RUN_FROM_CLI itself): gunicorn, or any WSGI server importing
``tracker:create_app()``. The ``flask`` command covers the development server
(``flask run``, ``make run``) and the maintenance commands (``init`` writes the key, so
it must run without one). Production needs SECRET_KEY, because a key invented per process
makes every worker reject the others' sessions and CSRF tokens, and PUBLIC_BASE_URL,
because otherwise absolute links would come from the visitor's Host header.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask
from flask_babel import force_locale

from tracker.i18n import gettext as _


class ConfigurationError(RuntimeError):
    """A setting the app cannot run without, or one that is malformed."""


def is_production(app: Flask) -> bool:
    """Whether the app serves real traffic (see the module docstring)."""
    return not (app.testing or app.debug or os.environ.get("FLASK_RUN_FROM_CLI") == "true")


def configure(app: Flask) -> None:
    """Check the deployment settings and derive the cookie flags from them.

    :raises ConfigurationError: a malformed PUBLIC_BASE_URL or PRESS_FETCH_ALLOW_PRIVATE,
        a missing SECRET_KEY or PUBLIC_BASE_URL in production, or PRESS_FETCH_ALLOW_PRIVATE
        on in production.
    """
    problems = _base_url_problems(app) + _private_fetch_problems(app)
    if is_production(app):
        problems += _missing(app)
    if problems:
        raise ConfigurationError("\n".join(problems))
    if not app.config.get("SECRET_KEY"):
        # Development only: sessions stay unforgeable, but end with the process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        if not app.testing:
            _warn_on_first_request(app)
    _route_by_base_url(app)
    if str(app.config.get("PUBLIC_BASE_URL") or "").startswith("https://"):
        # Decided once at startup, for every response: an https site's cookies never
        # travel over plain http, whatever a request says about its own scheme.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _route_by_base_url(app: Flask) -> None:
    """Build Werkzeug's own redirects (trailing slash, merged slashes) on PUBLIC_BASE_URL.

    Those redirects are made by the URL map, not by ``url_for``; without a server name it
    takes the request's Host, so a visitor could pick the host of a cacheable 308.
    """
    base = app.config.get("PUBLIC_BASE_URL")
    if base and not app.config.get("SERVER_NAME"):
        parts = urlsplit(str(base))
        app.config["SERVER_NAME"] = parts.netloc
        app.config["PREFERRED_URL_SCHEME"] = parts.scheme


def _both_languages(app: Flask, message: Callable[[], str]) -> str:
    """The message in Indonesian, then in English: a server log has no language choice."""
    texts = []
    with app.app_context():
        for language in ("id", "en"):
            with force_locale(language):
                texts.append(message())
    return " / ".join(texts)


def _warn_on_first_request(app: Flask) -> None:
    """Say once, when a page is first served, that sessions end with the process.

    Not at startup: ``flask init`` (which writes the key) and the other maintenance
    commands create the app too, and told to "Run `flask init`" while running it.
    """
    warned = False

    @app.before_request
    def _warn_temporary_key() -> None:
        nonlocal warned
        if not warned:
            warned = True
            logging.getLogger(__name__).warning(
                "No SECRET_KEY configured; using a temporary one. Run `flask init`."
            )


def _base_url_problems(app: Flask) -> list[str]:
    value = app.config.get("PUBLIC_BASE_URL")
    if not value:
        return []
    parts = urlsplit(str(value))
    if (
        parts.scheme in ("http", "https")
        and parts.hostname
        and parts.path in ("", "/")
        and not (parts.query or parts.fragment or parts.username)
    ):
        return []
    return [
        _both_languages(
            app,
            lambda: _(
                'PUBLIC_BASE_URL "%(value)s" tidak sah: tulis skema dan host saja, mis. '
                "https://rakor.example.go.id (tanpa path, query, fragmen atau nama pengguna).",
                value=str(value),
            ),
        )
    ]


def _missing(app: Flask) -> list[str]:
    problems = []
    if not app.config.get("SECRET_KEY"):
        problems.append(
            _both_languages(
                app,
                lambda: _(
                    "Produksi menolak berjalan tanpa SECRET_KEY: tanpa kunci tetap setiap proses "
                    "membuat kuncinya sendiri, sehingga sesi dan token CSRF dari proses lain "
                    "ditolak. Jalankan `flask --app tracker init` atau atur TRACKER_SECRET_KEY "
                    "yang sama di setiap server."
                ),
            )
        )
    if not app.config.get("PUBLIC_BASE_URL"):
        problems.append(
            _both_languages(
                app,
                lambda: _(
                    "Produksi menolak berjalan tanpa PUBLIC_BASE_URL: tanpa itu tautan absolut "
                    "(API, JSON-LD, tautan langganan, feed kalender) diambil dari header Host "
                    "pengunjung. Atur TRACKER_PUBLIC_BASE_URL, mis. https://rakor.example.go.id."
                ),
            )
        )
    return problems


def _private_fetch_problems(app: Flask) -> list[str]:
    """PRESS_FETCH_ALLOW_PRIVATE: a clear true/false, and never on in production.

    The flag lets the URL intake fetch loopback and RFC 1918 addresses (tests, a local
    outlet); on a server it would let staff reach internal services through it.
    """
    from tracker.press.fetch import strict_bool

    value = app.config.get("PRESS_FETCH_ALLOW_PRIVATE", False)
    try:
        allowed = strict_bool(value)
    except ValueError:
        return [
            _both_languages(
                app,
                lambda: _(
                    'PRESS_FETCH_ALLOW_PRIVATE "%(value)s" tidak sah: tulis true atau false.',
                    value=str(value),
                ),
            )
        ]
    if allowed and is_production(app):
        return [
            _both_languages(
                app,
                lambda: _(
                    "Produksi menolak berjalan dengan PRESS_FETCH_ALLOW_PRIVATE: alamat lokal "
                    "dan jaringan internal hanya boleh diambil dalam tes dan pengembangan."
                ),
            )
        ]
    return []
