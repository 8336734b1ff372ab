"""The API blueprint: /api, its JSON errors and its CORS headers.

The endpoints are in the *_views modules beside it; tracker/api/views.py gathers them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, request
from werkzeug.wrappers import Response

from tracker import page_cache
from tracker.api import errors

bp = Blueprint("api", __name__, url_prefix="/api")
errors.register(bp)


@bp.after_request
def cors(response: Response) -> Response:
    """Let any site's scripts read the API; no cookies are involved (no credentials)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response.headers.setdefault("Vary", "Accept-Language")
    return response


def kept_answer(view: Callable[..., Response]) -> Callable[..., Response]:
    """Keep a public view's JSON answers between writes, as public pages are.

    The answer of one URL is the same for every anonymous reader until a write it shows
    (``tracker/page_cache.py``), so a repeated search or list costs one counter reading.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        return page_cache.kept_json(("api", request.endpoint), lambda: view(*args, **kwargs))

    return wrapper
