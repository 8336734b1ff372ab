"""Tie Flask-Login to the User model."""

from flask_login import LoginManager

from tracker.extensions import db
from tracker.i18n import lazy_gettext as _l


def configure(manager: LoginManager) -> None:
    """Set the user loader and the login view."""
    from tracker.models import User

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A deactivated account is anonymous from its very next request, even
        # with a session cookie that was issued before the deactivation.
        if user is None or not user.is_active:
            return None
        return user

    manager.login_view = "auth.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    manager.login_message_category = "info"
