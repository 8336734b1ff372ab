"""The API blueprint: /api, its JSON errors and its CORS headers.

The endpoints are in the *_views modules beside it; tracker/api/views.py gathers them.
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

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
