"""Language selection: Indonesian first, English second, chosen by a cookie."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale, gettext, lazy_gettext, ngettext

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale", "register"]

LANG_COOKIE = "lang"


def select_locale() -> str:
    """Use the visitor's chosen language, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE) if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language code of the current request."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def register(app: Flask) -> None:
    """Expose the language to templates."""

    @app.context_processor
    def inject_language() -> dict[str, Any]:
        return {"current_language": current_language()}
