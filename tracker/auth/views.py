"""Logging in and out, and the admin's management of staff accounts."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from tracker.auth import logins, operations, ratelimit
from tracker.auth.access import role_required
from tracker.auth.cookies import SchemeAwareSessionInterface
from tracker.auth.forms import ConfirmForm, LoginForm, UserCreateForm, UserRoleForm
from tracker.extensions import db
from tracker.formtools import apply_errors, required_text
from tracker.i18n import gettext as _
from tracker.models import User
from tracker.routing import local_path
from tracker.validation import ValidationError

bp = Blueprint("auth", __name__)


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    """Install the login limiter and HTTPS-aware session cookies."""
    ratelimit.init_app(state.app)
    # Always true: blueprints register on a Flask app, the setup state only types the base.
    if isinstance(state.app, Flask):
        state.app.session_interface = SchemeAwareSessionInterface()


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else goes to the staff start page."""
    return local_path(target, url_for("staff_meetings.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]] | str:
    """Log a staff member in; failures never say whether the account exists."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    attempt = ratelimit.login_attempt(required_text(form.email))
    wait = attempt.wait()
    if wait:
        form.form_errors.append(
            _("Terlalu banyak percobaan masuk. Tunggu beberapa menit lalu coba lagi.")
        )
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
    user = operations.find_user_by_email(required_text(form.email))
    if user is None:
        operations.dummy_verify()  # answer as slowly as for a real account
        accepted = False
    else:
        accepted = operations.verify_password(user, required_text(form.password)) and user.is_active
    if not accepted or user is None:
        attempt.failed()
        form.form_errors.append(_("Alamat surel atau kata sandi salah."))
        return render_template("auth/login.html", form=form), 422
    attempt.succeeded()
    logins.begin(user)
    operations.note_login(user)
    db.session.commit()
    flash(_("Selamat datang, %(name)s.", name=user.name), "info")
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
def logout() -> Response:
    """Log out and end the session on the server (POST only: no other site can link it)."""
    logins.end()
    db.session.commit()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("meetings.index"))


@bp.get("/admin/users/")
@role_required("admin")
def users() -> str:
    """List staff accounts."""
    accounts = db.session.execute(db.select(User).order_by(User.name, User.id)).scalars().all()
    return render_template(
        "admin/users/index.html", users=accounts, confirm=ConfirmForm(), role_form=UserRoleForm()
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new() -> Response | tuple[str, int] | str:
    """Create a staff account."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                required_text(form.email),
                required_text(form.name),
                required_text(form.password),
                form.role.data,
                current_user,
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Akun %(email)s dibuat.", email=user.email), "info")
            return redirect(url_for("auth.users"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/users/new.html", form=form), status


def _set_active(user_id: int, active: bool) -> Response:
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Formulir tidak sah; muat ulang halaman dan coba lagi."), "error")
        return redirect(url_for("auth.users"))
    try:
        operations.set_active(user, active, current_user)
    except ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        if active:
            flash(_("Akun %(email)s diaktifkan kembali.", email=user.email), "info")
        else:
            flash(_("Akun %(email)s dinonaktifkan.", email=user.email), "info")
    return redirect(url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>/deactivate")
@role_required("admin")
def user_deactivate(user_id: int) -> Response:
    """Deactivate an account; its sessions stop working at once."""
    return _set_active(user_id, False)


@bp.post("/admin/users/<int:user_id>/reactivate")
@role_required("admin")
def user_reactivate(user_id: int) -> Response:
    """Reactivate an account; a private feed address it had is replaced."""
    return _set_active(user_id, True)


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def user_role(user_id: int) -> Response:
    """Change an account's role."""
    user = db.get_or_404(User, user_id)
    form = UserRoleForm()
    if not form.validate_on_submit():
        flash(_("Peran harus admin atau editor."), "error")
        return redirect(url_for("auth.users"))
    try:
        operations.set_role(user, form.role.data, current_user)
    except ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        flash(_("Peran %(email)s diperbarui.", email=user.email), "info")
    return redirect(url_for("auth.users"))


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[str, int]:
    """Explain a refused form (missing or expired token) instead of a bare 400."""
    return render_template("auth/csrf_error.html"), 400
