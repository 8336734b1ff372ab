"""POST /api/v1/extract: the extractor's proposal as JSON, for logged-in staff.

The same object the CLI (`flask extract --json`) and the review form use. It reads
nothing private and writes nothing, so it needs no CSRF token; it needs a staff
session because extraction is a staff tool and costs CPU.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.api.errors import ApiError, error_response
from tracker.extensions import csrf
from tracker.i18n import gettext as _
from tracker.press.intake import plain_body, propose

bp = Blueprint("api_extract", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_TEXT = 1_000_000
# The payload is one flat object; Python's decoder recurses once per level.
MAX_JSON_DEPTH = 20
# A string token always matches once it starts (it may end at the end of the text), so
# the scan never backtracks and stays linear whatever quotes and backslashes it meets.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    """Answer with the API's JSON error body."""
    return error_response(error.status, error.message, error.fields)


def _nesting_exceeds(raw: str, limit: int) -> bool:
    """Whether arrays and objects in a JSON text nest deeper than ``limit``, counted in a loop."""
    depth = 0
    for token in _TOKEN.finditer(raw):
        if token.group()[0] == '"':
            continue
        depth += 1 if token.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _json_payload() -> Any:
    """The JSON body, or None when it is not JSON.

    :raises ApiError: 400 when it nests deeper than ``MAX_JSON_DEPTH``.
    """
    raw = request.get_data(as_text=True)
    if _nesting_exceeds(raw, MAX_JSON_DEPTH):
        raise ApiError(
            400,
            _(
                "JSON bersarang terlalu dalam (paling banyak %(depth)d tingkat).",
                depth=MAX_JSON_DEPTH,
            ),
        )
    try:
        return json.loads(raw)
    except ValueError:
        return None


@bp.post("/extract")
def extract() -> Response:
    """Propose a meeting from a press release sent as JSON or plain text."""
    if not current_user.is_authenticated:
        raise ApiError(401, _("Masuk sebagai staf untuk memakai ekstraksi."))
    if request.is_json:
        payload = _json_payload()
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise ApiError(400, _('Kirim JSON {"text": "...", "published": "YYYY-MM-DD"}.'))
        text, published_raw = payload["text"], payload.get("published")
    else:
        text, published_raw = request.get_data(as_text=True), request.args.get("published")
    if not text.strip():
        raise ApiError(400, _("Teks siaran pers kosong."))
    if len(text) > MAX_TEXT:
        raise ApiError(413, _("Teks terlalu panjang (paling banyak 1 MB)."))
    published = None
    if published_raw:
        try:
            published = date.fromisoformat(str(published_raw))
        except ValueError as exc:
            raise ApiError(400, _("Tanggal terbit harus berformat YYYY-MM-DD.")) from exc
    return jsonify(propose(plain_body(text), published))
