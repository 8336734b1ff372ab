"""Write operations for staff accounts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, and_, delete, not_
from sqlalchemy.orm import contains_eager

from tracker import changes
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import USER_ROLES, LoginSession, User, utcnow
from tracker.validation import ValidationError, check

MIN_PASSWORD_LENGTH = 10
# Longer than any token we issue: anything bigger is refused before hashing.
MAX_TOKEN_LENGTH = 100


@cache
def _hasher_for(params: tuple[tuple[str, Any], ...]) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(**dict(params))
    # A hash to check unknown accounts against, made with the same cost as real ones.
    return hasher, hasher.hash("dummy password for timing")


def _hasher() -> tuple[PasswordHasher, str]:
    """Argon2id (memory-hard). The library's defaults follow RFC 9106; the test
    config may lower them through PASSWORD_HASH_PARAMS so the suite stays quick.
    Existing hashes carry their own parameters, so changing them never locks anyone out.
    """
    params = (current_app.config.get("PASSWORD_HASH_PARAMS") or {}) if has_app_context() else {}
    return _hasher_for(tuple(sorted(params.items())))


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher()[0].hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check a password; a malformed stored hash counts as a mismatch."""
    try:
        return _hasher()[0].verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time a real check takes, so unknown accounts answer no faster."""
    hasher, dummy = _hasher()
    try:
        hasher.verify(dummy, "not-the-password")
    except VerificationError:
        pass


def create_user(
    email: str, name: str, password: str, role: str = "editor", actor: User | None = None
) -> User:
    """Create a staff account."""
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = _("Alamat surel tidak sah.")
    elif db.session.execute(db.select(User.id).filter_by(email=email)).first():
        errors["email"] = _("Alamat surel ini sudah terdaftar.")
    if not name:
        errors["name"] = _("Nama wajib diisi.")
    errors.update(password_errors(password, "password"))
    if role not in USER_ROLES:
        errors["role"] = _("Peran harus admin atau editor.")
    check(errors)
    user = User(email=email, name=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    changes.record("user", user.id, "create", {"email": [None, email], "role": [None, role]}, actor)
    return user


def password_errors(password: str, field: str) -> dict[str, str]:
    """The rule every new password meets (new accounts and password changes)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return {field: _("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH)}
    return {}


def change_password(user: User, current: str, new: str, keep: LoginSession | None = None) -> None:
    """Set a new password after checking the current one; every other login ends."""
    errors = password_errors(new, "new_password")
    if not verify_password(user, current):
        errors["current_password"] = _("Kata sandi saat ini salah.")
    elif not errors and new == current:
        errors["new_password"] = _("Kata sandi baru harus berbeda dari yang sekarang.")
    check(errors)
    user.password_hash = hash_password(new)
    # The log says that the password changed, never anything about it.
    changes.record("user", user.id, "password", {"password": ["(lama)", "(baru)"]}, user)
    end_logins(user, keep)
    db.session.flush()


def set_active(user: User, active: bool, actor: User | None = None) -> None:
    """Activate or deactivate an account; deactivation ends every session at once."""
    if actor is not None and actor.id == user.id and not active:
        raise ValidationError({"active": _("Anda tidak bisa menonaktifkan akun sendiri.")})
    if user.active == active:
        return
    changes.record("user", user.id, "update", {"active": [user.active, active]}, actor)
    user.active = active
    if not active:
        end_logins(user)
    elif user.feed_token is not None:
        # A feed address handed out before the deactivation must not come back to life.
        regenerate_feed_token(user, actor)
    db.session.flush()


def set_role(user: User, role: str, actor: User | None = None) -> None:
    """Make a user an admin or an editor; admins cannot demote themselves."""
    if role not in USER_ROLES:
        raise ValidationError({"role": _("Peran harus admin atau editor.")})
    if actor is not None and actor.id == user.id and role != "admin":
        # Otherwise the last admin could lock everyone out of the registry.
        raise ValidationError({"role": _("Anda tidak bisa mencabut peran admin sendiri.")})
    if user.role != role:
        changes.record("user", user.id, "update", {"role": [user.role, role]}, actor)
        user.role = role
        db.session.flush()


def find_user_by_email(email: str) -> User | None:
    """The account with this e-mail (case and spacing folded), if any."""
    email = (email or "").strip().lower()
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def note_login(user: User) -> None:
    """Stamp a successful login."""
    user.last_login_at = utcnow()
    db.session.flush()


def token_hash(token: str) -> str:
    """What the database keeps of a login token (a leaked table opens no session)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_login(user: User, user_agent: str, address: str | None) -> tuple[LoginSession, str]:
    """Record a new login; return it with the token for the session cookie."""
    forget_dead_logins(user)
    token = secrets.token_urlsafe(32)
    record = LoginSession(
        user=user,
        token_hash=token_hash(token),
        # Headers are the client's to fill: keep what fits the columns, never a NUL.
        user_agent=(user_agent or "").replace("\x00", "")[:255],
        address=(address or "")[:45],
    )
    db.session.add(record)
    db.session.flush()
    return record, token


def forget_dead_logins(user: User) -> None:
    """Delete the user's logins that can never open a page again (revoked or expired).

    Run at each login, so the table holds at most the live logins plus those ended since.
    """
    live = and_(*_live())
    db.session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id, not_(live))
        .execution_options(synchronize_session=False)
    )


def rotate_login(record: LoginSession) -> str:
    """Give a login a new token; copies of the old cookie stop working."""
    token = secrets.token_urlsafe(32)
    record.token_hash = token_hash(token)
    db.session.flush()
    return token


def _live() -> tuple[ColumnElement[bool], ...]:
    """Conditions of a login that still opens pages: not revoked, used lately, not too old.

    A cookie copied from an unattended or forgotten browser dies on its own: after
    LOGIN_IDLE_HOURS without a request, or LOGIN_MAX_AGE_DAYS after the login.
    """
    config = current_app.config
    now = utcnow()
    return (
        LoginSession.revoked_at.is_(None),
        LoginSession.last_seen_at > now - timedelta(hours=config["LOGIN_IDLE_HOURS"]),
        LoginSession.created_at > now - timedelta(days=config["LOGIN_MAX_AGE_DAYS"]),
    )


def find_login(token: str) -> LoginSession | None:
    """The live login a cookie token names, its user active."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(
        db.select(LoginSession)
        .join(LoginSession.user)
        .options(contains_eager(LoginSession.user))
        .where(LoginSession.token_hash == token_hash(token), User.active.is_(True), *_live())
    ).scalar_one_or_none()


def live_logins(user: User) -> list[LoginSession]:
    """The user's logins that still open pages, most recently seen first."""
    return list(
        db.session.execute(
            db.select(LoginSession)
            .where(LoginSession.user_id == user.id, *_live())
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        ).scalars()
    )


def end_login(record: LoginSession) -> None:
    """Revoke one login; its cookie is worth nothing from the next request on."""
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.flush()


def end_logins(user: User, keep: LoginSession | None = None) -> int:
    """Revoke every live login of the user except ``keep``; return how many ended."""
    ended = 0
    for record in live_logins(user):
        if keep is None or record.id != keep.id:
            end_login(record)
            ended += 1
    return ended
