"""Language selection: Indonesian first, English second.

A link carries its language (issue 16): ``?lang=en`` on any page chooses English for that
request and remembers it in the ``lang`` cookie, so a shared link opens in the language it
was shared in. While a visitor reads a page in a language other than the default, the
links the page renders to other pages carry ``?lang`` as well, so the address bar (the
thing people copy) always names the language. Without the parameter the cookie decides,
then Indonesian. Feeds, the API, CSV downloads and static files never carry it: their
bytes do not depend on the language (feeds are written in Indonesian, the data's own
language) and they stay cacheable by URL alone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale, gettext, lazy_gettext, lazy_pgettext, ngettext
from werkzeug.wrappers import Response

__all__ = ["gettext", "lazy_gettext", "lazy_pgettext", "ngettext", "select_locale", "register"]

LANG_COOKIE = "lang"
LANG_PARAM = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Endpoints whose answer is the same in every language: no ?lang on their links.
_NEUTRAL_BLUEPRINTS = frozenset({"api", "api_extract"})
_NEUTRAL_ENDPOINTS = frozenset(
    {"static", "site.set_language", "site.robots", "site.favicon", "calendar.meeting"}
)


def _param_language() -> str | None:
    """The language named by ``?lang=`` on this request, if it is one we have."""
    if not has_request_context():
        return None
    chosen = request.args.get(LANG_PARAM)
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """Use the language the link names, else the visitor's chosen one, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    chosen = _param_language() or (request.cookies.get(LANG_COOKIE) if request else None)
    if chosen is not None and chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language code of the current request."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language(response: Response, code: str) -> None:
    """Set the language cookie on a response."""
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )


def language_neutral(endpoint: str | None) -> bool:
    """Whether an endpoint answers the same bytes in every language (feeds, API, files)."""
    if not endpoint or endpoint in _NEUTRAL_ENDPOINTS:
        return True
    if endpoint == "api.guide":  # the API's page for people is written in both languages
        return False
    blueprint, _dot, name = endpoint.rpartition(".")
    return blueprint in _NEUTRAL_BLUEPRINTS or name.endswith(("_feed", "_csv", "feed"))


def url_in_language(code: str | None) -> str:
    """This page's address in a language (None: without ?lang), for hreflang links."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != LANG_PARAM]
    if code:
        args.append((LANG_PARAM, code))
    query = urlencode(args)
    from tracker.urls import configured_base  # tracker.urls imports this module's users

    base = configured_base(current_app) or ""
    return f"{base}{request.path}?{query}" if query else f"{base}{request.path}"


def link_language(endpoint: str) -> str | None:
    """The ?lang a link to ``endpoint`` carries: the current one unless it is the default."""
    if language_neutral(endpoint) or not has_request_context():
        return None
    code = current_language()
    return None if code == current_app.config["BABEL_DEFAULT_LOCALE"] else code


def with_language(path: str, code: str) -> str:
    """A local path with its ?lang replaced: ``code``, or none for the default language."""
    parts = urlsplit(path)
    args = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != LANG_PARAM]
    if code != current_app.config["BABEL_DEFAULT_LOCALE"]:
        args.append((LANG_PARAM, code))
    return urlunsplit(("", "", parts.path, urlencode(args), parts.fragment))


def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    """Give links to other pages the current language when it is not the default."""
    if LANG_PARAM not in values:
        code = link_language(endpoint)
        if code:
            values[LANG_PARAM] = code


def _remember_link_language(response: Response) -> Response:
    """Keep ?lang's choice in the cookie; say that pages vary with the cookie."""
    if language_neutral(request.endpoint):
        return response
    code = _param_language()
    if code and request.cookies.get(LANG_COOKIE) != code:
        remember_language(response, code)
    response.vary.add("Cookie")
    return response


def register(app: Flask) -> None:
    """Expose the language to templates; honour ?lang and keep it on rendered links."""
    app.url_defaults(_keep_language)
    app.after_request(_remember_link_language)

    @app.context_processor
    def inject_language() -> dict[str, Any]:
        return {"current_language": current_language(), "url_in_language": url_in_language}
