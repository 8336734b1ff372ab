"""Write operations for staff accounts."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from tracker import changes
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import USER_ROLES, User, utcnow
from tracker.validation import ValidationError, check

MIN_PASSWORD_LENGTH = 10


@cache
def _hasher_for(params: tuple[tuple[str, int], ...]) -> tuple[PasswordHasher, str]:
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
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH)
    if role not in USER_ROLES:
        errors["role"] = _("Peran harus admin atau editor.")
    check(errors)
    user = User(email=email, name=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    changes.record("user", user.id, "create", {"email": [None, email], "role": [None, role]}, actor)
    return user


def set_active(user: User, active: bool, actor: User | None = None) -> None:
    """Activate or deactivate an account; a deactivated user is refused at once."""
    if actor is not None and actor.id == user.id and not active:
        raise ValidationError({"active": _("Anda tidak bisa menonaktifkan akun sendiri.")})
    if user.active != active:
        changes.record("user", user.id, "update", {"active": [user.active, active]}, actor)
        user.active = active
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
