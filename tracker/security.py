"""Security headers, proxy awareness and friendly error pages."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request, session
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from tracker import proxies
from tracker.extensions import db
from tracker.i18n import gettext as _

# No inline script or style anywhere: every asset is a file the app serves.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class Refusal(HTTPException):
    """A 4xx whose description is a message for the visitor, already in their language."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(description=message)
        self.code = code


def _error_title(code: int) -> str:
    titles = {
        400: _("Permintaan tidak valid"),
        403: _("Akses ditolak"),
        404: _("Halaman tidak ditemukan"),
        405: _("Metode tidak diizinkan"),
        413: _("Kiriman terlalu besar"),
        429: _("Terlalu banyak permintaan"),
        500: _("Terjadi kesalahan di server"),
    }
    return titles.get(code, _("Terjadi kesalahan"))


def _error_hint(code: int) -> str:
    hints = {
        400: _("Periksa kembali isian atau tautan yang Anda buka."),
        403: _("Anda tidak memiliki hak untuk membuka halaman ini."),
        404: _("Alamat ini tidak ada, atau rapatnya tidak dipublikasikan."),
        405: _("Halaman ini tidak menerima cara pengiriman tersebut."),
        413: _("Berkas atau teks yang dikirim melebihi batas ukuran."),
        429: _("Tunggu sebentar lalu coba lagi."),
        500: _("Kesalahan sudah dicatat. Silakan coba lagi nanti."),
    }
    return hints.get(code, "")


def _nul_field() -> str | None:
    """The first part of the request (path, query or form field) holding a NUL character."""
    if "\x00" in request.path:
        return _("alamat")
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.form)
    for source in sources:
        for key, value in source.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return key.replace("\x00", "")
    return None


def _personal() -> bool:
    """Whether the response belongs to one visitor's session (staff pages, login, account)."""
    # Flask-Login keeps the user it loaded for this request in g: a response that never
    # looked at the user shows nothing of theirs. A form token or a changed session
    # cookie (flash, login, logout) ties the response to one session too.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return True
    return session.modified or current_app.config["WTF_CSRF_FIELD_NAME"] in g


def register(app: Flask) -> None:
    """Install headers, proxy handling and error pages."""
    hops = proxies.hop_count(app.config.get("PROXY_FIX"))
    if hops:
        # Behind reverse proxies: client address and scheme (HTTPS detection), from them only.
        trusted = proxies.networks(app.config.get("TRUSTED_PROXIES"))
        app.wsgi_app = proxies.TrustedProxyFix(app.wsgi_app, hops, trusted)  # type: ignore[method-assign]
    app.before_request(refuse_nul)
    app.after_request(add_security_headers)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)


def refuse_nul() -> BaseResponse | None:
    """Answer a request holding NUL with a 400 naming the field.

    PostgreSQL cannot store or even compare text with NUL in it (the driver raises).
    """
    field = _nul_field()
    if field is None:
        return None
    message = _(
        "Karakter NUL (kode 0) tidak diterima pada %(field)s; hapus karakter itu lalu kirim ulang.",
        field=field,
    )
    if request.path.startswith("/api/"):
        from tracker.api.errors import error_response

        return error_response(400, message, {field: message})
    page = render_template("errors/error.html", code=400, title=_error_title(400), hint=message)
    return Response(page, status=400, mimetype="text/html")


def add_security_headers(response: Response) -> Response:
    """Headers every answer carries; no-store on answers made for one session."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if _personal():
        # Made for one session: no proxy, shared cache or browser history may keep it.
        headers["Cache-Control"] = "no-store"
    return response


def http_error(error: HTTPException) -> Response:
    """A 4xx/5xx page (or JSON under /api/) in the visitor's language."""
    code = error.code or 500
    if request_ctx.url_adapter is None:
        # TRUSTED_HOSTS refused the Host header: no URL can be built for a page.
        return Response(_error_title(code), status=code, mimetype="text/plain")
    said = error.description if isinstance(error, Refusal) else None
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"code": code, "message": said or _error_title(code)}})
    else:
        page = render_template(
            "errors/error.html", code=code, title=_error_title(code), hint=said or _error_hint(code)
        )
        response = Response(page, mimetype="text/html")
    response.status_code = code
    # Keep what the error itself says (Retry-After, Allow), not its body type.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def server_error(error: Exception) -> tuple[Response | str, int]:
    """A 500 page without a stack trace (the log keeps it)."""
    app = current_app
    app.logger.exception("unhandled error", exc_info=error)
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate or (propagate is None and (app.testing or app.debug)):
        raise error
    # A failed statement (a lost connection above all) leaves the session unusable
    # until rolled back, and the error page reads it again (the signed-in user).
    db.session.rollback()
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": 500, "message": _error_title(500)}}), 500
    page = render_template(
        "errors/error.html", code=500, title=_error_title(500), hint=_error_hint(500)
    )
    return page, 500
