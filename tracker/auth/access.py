"""Who may open what: staff pages need a login, admin pages the admin role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def check_role(*roles: str) -> Response | None:
    """Send anonymous visitors to the login page and refuse other roles with 403.

    Returns the redirect to send, or None when the user may go on.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if roles and current_user.role not in roles:
        abort(403)
    return None


def role_required(*roles: str) -> Callable[[F], F]:
    """Decorate a view so only logged-in users with one of ``roles`` reach it."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = check_role(*roles)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def staff_only() -> Response | None:
    """Blueprint guard for pages every staff member (editor or admin) may open."""
    return check_role("admin", "editor")


def admin_only() -> Response | None:
    """Blueprint guard for admin pages."""
    return check_role("admin")
