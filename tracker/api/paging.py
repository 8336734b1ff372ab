"""What every API list shares: paging, JSON or CSV, and the meta and links of the body."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import jsonify, request, url_for
from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel
from werkzeug.wrappers import Response

from tracker.api import bodies
from tracker.api.errors import ApiError
from tracker.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.routing import MAX_PAGE, url_with_query

# A CSV export carries every matching row up to this many.
CSV_MAX_ROWS = 50_000


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A bounded integer query argument.

    :raises ApiError: 400 when it is not an integer in [low, high].
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(
            400, _("%(name)s harus bilangan bulat %(low)d–%(high)d.", name=name, low=low, high=high)
        )
    return value


def page_args() -> dict[str, int]:
    """?page and ?per_page as a paginator's keyword arguments, within the API's bounds."""
    return {
        "page": int_arg("page", 1, 1, MAX_PAGE),
        "per_page": int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        "max_per_page": MAX_PER_PAGE,
    }


def paginate(stmt: Any, total: int | None = None) -> Pagination:
    """The page of ``stmt`` that ?page and ?per_page ask for (counted unless ``total`` is given)."""
    page = db.paginate(
        stmt,
        **page_args(),
        error_out=False,
        count=total is None,
    )
    if total is not None:
        page.total = total
    return page


def json_response(body: BaseModel) -> Response:
    """A response body as JSON, through the app's JSON provider (sorted keys, as before)."""
    # The views build each body from the serialisers' plain dicts in one validation, which
    # pydantic-core does in one call; building a model per object (or model_construct,
    # which runs in Python) measured slower. jsonify rather than model_dump_json keeps the
    # bytes as they were (sorted keys, ASCII escapes).
    return jsonify(body.model_dump(mode="json"))


def envelope(
    page: Pagination,
    endpoint: str,
    keys: tuple[str, ...] = (),
    capped: bool = False,
    **view_args: Any,
) -> dict[str, Any]:
    """A list's meta and links; the links keep the query's filters (``keys``)."""
    # Only the endpoint's own filters are carried; anything else the visitor typed is dropped.
    carried = [(key, value) for key in keys for value in request.args.getlist(key)]

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        query = [*carried, ("page", number), ("per_page", page.per_page)]
        return url_with_query(endpoint, query, external=True, **view_args)

    pages = max(page.pages, 1)
    meta = bodies.Meta(
        page=page.page, per_page=page.per_page, total=page.total, pages=pages, total_capped=capped
    )
    links = bodies.Links(
        self=link(page.page),
        first=link(1),
        last=link(pages),
        next=link(page.next_num if page.has_next else None),
        prev=link(page.prev_num if page.has_prev and page.page <= pages else None),
    )
    return {"meta": meta, "links": links}


def wants_csv(csv: bool) -> bool:
    """Whether to answer with CSV: the .csv route, or ?format=csv.

    :raises ApiError: 400 for a format other than json or csv.
    """
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise ApiError(400, _("format harus json atau csv."))
    return csv or fmt == "csv"


def unpaged_envelope(count: int) -> dict[str, Any]:
    """The meta and links of a small, complete list (no paging needed), as paged ones have."""
    query = urlencode(list(request.args.items(multi=True)))
    # url_for, not request.base_url: the host comes from PUBLIC_BASE_URL (tracker/urls.py).
    here = url_for(str(request.endpoint), _external=True, **(request.view_args or {}))
    self_url = here + (f"?{query}" if query else "")
    meta = bodies.Meta(page=1, per_page=count, total=count, pages=1)
    links = bodies.Links(self=self_url, first=self_url, last=self_url, next=None, prev=None)
    return {"meta": meta, "links": links}
