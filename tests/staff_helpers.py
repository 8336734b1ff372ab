"""Helpers for the staff workspace tests: accounts, logging in, CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

from tracker.auth.operations import create_user
from tracker.extensions import db

PASSWORD = "kata-sandi-rahasia-123"


def make_user(email: str = "editor@kaltim.example", role: str = "editor", name: str = "") -> Any:
    """Create and commit a staff account."""
    user = create_user(email, name or email.split("@")[0].title(), PASSWORD, role)
    db.session.commit()
    return user


def login(client: Any, email: str, password: str = PASSWORD, **kwargs: Any) -> Any:
    """Post the login form (CSRF disabled in the test config)."""
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def csrf_token(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
