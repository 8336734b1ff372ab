"""Tie Flask-Login to the server-side login records."""

from flask_login import LoginManager

from tracker.i18n import lazy_gettext as _l


def configure(manager: LoginManager) -> None:
    """Set the user loader and the login view."""
    from tracker.auth import logins

    # The session cookie names a login record, not an account: a revoked login, or a
    # deactivated account, is anonymous from its very next request.
    manager.user_loader(logins.load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    manager.login_message_category = "info"
