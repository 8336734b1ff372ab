"""URL converters and query-string helpers shared by every blueprint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, request, url_for
from werkzeug.routing import IntegerConverter, Map

from tracker.i18n import LANG_PARAM, link_language
from tracker.i18n import gettext as _
from tracker.security import Refusal

# Every id column is a 32-bit INTEGER on PostgreSQL; a bigger number names no row,
# and binding it would fail inside the driver instead of answering 404.
MAX_ID = 2**31 - 1
# Page numbers beyond this are refused: OFFSET (page - 1) * size must fit a 64-bit integer.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column can hold, so a bigger number is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    """Install the converters; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter


def page_number() -> int:
    """The ``page`` query argument of an HTML list (1 when absent or not a number).

    :raises Refusal: 400 for a page number beyond ``MAX_PAGE``.
    """
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        raise Refusal(400, _("Nomor halaman paling besar %(max)d.", max=MAX_PAGE))
    return page


def url_with_query(
    endpoint: str, query: Iterable[tuple[str, Any]], external: bool = False, **values: Any
) -> str:
    """A URL for ``endpoint`` whose query string is exactly ``query``.

    Query arguments never pass through ``url_for``'s keywords, where visitor-chosen
    names such as ``_external``, ``_method``, ``endpoint`` or a path parameter's own
    name would change the link or break it.
    """
    # lang=None: the language goes into the query below, once (issue 16).
    base = url_for(endpoint, _external=external, **values, lang=None)
    pairs = [(k, v) for k, v in query if v is not None and v != ""]
    code = link_language(endpoint)
    if code and all(k != LANG_PARAM for k, _v in pairs):
        pairs.append((LANG_PARAM, code))
    encoded = urlencode(pairs)
    return f"{base}?{encoded}" if encoded else base


def same_query() -> list[tuple[str, str]]:
    """The request's query arguments as pairs, for a redirect that keeps them."""
    return list(request.args.items(multi=True))


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (for ``next=`` redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    # Browsers read "/\host" as "//host" and drop tabs and newlines before resolving;
    # CR/LF cannot go into a Location header at all. No path of ours has either.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target
