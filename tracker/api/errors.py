"""JSON errors for everything under /api: {"error": {"code", "message"}}."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions
from werkzeug.wrappers import Response

from tracker.api.bodies import Error, ErrorDetail
from tracker.i18n import gettext as _

API_PREFIX = "/api/"
# The code is the HTTP status, as in the app-wide handlers (tracker/security.py).
CODES = (400, 404, 405, 500)


class ApiError(Exception):
    """An error a view raises to answer with a JSON error body."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> Response:
    """The JSON error body with CORS, so browser scripts can read it too."""
    body = Error(error=ErrorDetail(code=status, message=message, fields=fields or {}))
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _messages() -> dict[int, str]:
    return {
        400: _("Permintaan tidak sah."),
        404: _("Tidak ditemukan."),
        405: _("Metode tidak diizinkan; API ini hanya menerima GET."),
        500: _("Terjadi kesalahan di server."),
    }


def register(bp: Blueprint) -> None:
    """Answer API errors as JSON; other paths keep whatever handler the app had.

    Routing errors (an unknown /api path, a POST) happen before any blueprint is
    chosen, so the handlers are app-wide and look at the path.
    """

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error_response(error.status, error.message, error.fields)

    def install(state: Any) -> None:
        app: Flask = state.app
        for status in CODES:
            previous = app.error_handler_spec[None].get(status, {}).get(default_exceptions[status])
            app.register_error_handler(status, _make_handler(status, previous))

    bp.record_once(install)


def _make_handler(status: int, previous: Any) -> Any:
    def handle(error: Exception) -> ResponseReturnValue:
        if request.path.startswith(API_PREFIX):
            response = error_response(status, _messages()[status])
            if isinstance(error, HTTPException):
                for key, value in error.get_headers():
                    if key.lower() == "allow":
                        response.headers["Allow"] = value
            return response
        if previous is not None:
            return previous(error)
        # Hand other paths to the app's own handlers (registered by exception class).
        by_class = current_app.error_handler_spec[None].get(None, {})
        for cls in type(error).__mro__:
            if cls in by_class:
                # As Flask calls handlers: ensure_sync runs an async one to completion.
                return current_app.ensure_sync(by_class[cls])(error)
        return error if isinstance(error, HTTPException) else InternalServerError()

    return handle
