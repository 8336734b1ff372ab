"""Every staff member's own account: password change and the list of active sessions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth import logins, operations, ratelimit
from tracker.auth.access import staff_only
from tracker.auth.forms import ConfirmForm, PasswordChangeForm
from tracker.extensions import db
from tracker.formtools import add_error, apply_errors, required_text
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.models import LoginSession
from tracker.validation import ValidationError

bp = Blueprint("account", __name__, url_prefix="/staff/account")
bp.before_request(staff_only)

# Staff work across three zones; one labelled zone keeps the list comparable.
DISPLAY_ZONE = "Asia/Jakarta"


@bp.route("/password", methods=["GET", "POST"])
def password() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Change one's own password; every other session ends, this one gets a new token."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 422 if form.is_submitted() else 200
    # Guessing the current password here is guessing the login password: the same windows.
    attempt = ratelimit.login_attempt(current_user.email)
    if wait := attempt.wait():
        add_error(
            form.current_password,
            _("Terlalu banyak percobaan. Tunggu %(seconds)d detik lalu coba lagi.", seconds=wait),
        )
        return render_template("auth/password.html", form=form), 429, {"Retry-After": str(wait)}
    try:
        operations.change_password(
            current_user._get_current_object(),
            required_text(form.current_password),
            required_text(form.new_password),
            keep=logins.current(),
        )
    except ValidationError as error:
        db.session.rollback()
        if "current_password" in error.errors:
            attempt.failed()
        apply_errors(form, error.errors)
        return render_template("auth/password.html", form=form), 422
    attempt.succeeded()
    logins.rotate()
    db.session.commit()
    flash(_("Kata sandi sudah diganti. Sesi lain sudah diakhiri."), "info")
    return redirect(url_for(".sessions"))


@bp.get("/sessions")
def sessions() -> str:
    """List one's own active sessions, this one marked."""
    this_one = logins.current()
    return render_template(
        "auth/sessions.html",
        records=operations.live_logins(current_user),
        this_id=this_one.id if this_one else None,
        zone=DISPLAY_ZONE,
        confirm=ConfirmForm(),
    )


@bp.post("/sessions/<int:login_id>/end")
def end_session(login_id: int) -> Response:
    """End one of one's own sessions (this one included: that logs out)."""
    record = db.session.get(LoginSession, login_id)
    if record is None or record.user_id != current_user.id:
        abort(404)  # someone else's session is not even said to exist
    if not ConfirmForm().validate_on_submit():
        return _refused()
    if record == logins.current():
        logins.end()
        db.session.commit()
        flash(_("Sesi ini sudah diakhiri. Silakan masuk lagi."), "info")
        return redirect(url_for("auth.login"))
    operations.end_login(record)
    db.session.commit()
    flash(_("Sesi itu sudah diakhiri."), "info")
    return redirect(url_for(".sessions"))


@bp.post("/sessions/end-others")
def end_others() -> Response:
    """End every session of one's own except this one."""
    if not ConfirmForm().validate_on_submit():
        return _refused()
    count = operations.end_logins(current_user._get_current_object(), keep=logins.current())
    db.session.commit()
    flash(ngettext("%(num)d sesi lain diakhiri.", "%(num)d sesi lain diakhiri.", count), "info")
    return redirect(url_for(".sessions"))


def _refused() -> Response:
    flash(_("Formulir tidak sah; muat ulang halaman dan coba lagi."), "error")
    return redirect(url_for(".sessions"))
