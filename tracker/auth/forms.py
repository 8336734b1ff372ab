"""Forms for logging in and managing staff accounts."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.auth.operations import MIN_PASSWORD_LENGTH
from tracker.formtools import StaffForm, options
from tracker.i18n import lazy_gettext as _l

ROLE_CHOICES = options([("editor", _l("Editor")), ("admin", _l("Admin"))])


class LoginForm(StaffForm):
    """E-mail and password."""

    email = EmailField(
        _l("Alamat surel"),
        validators=[DataRequired(message=_l("Isi alamat surel."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(message=_l("Isi kata sandi."))],
        render_kw={"autocomplete": "current-password"},
    )


class UserCreateForm(StaffForm):
    """A new staff account."""

    email = EmailField(
        _l("Alamat surel"),
        validators=[
            DataRequired(message=_l("Isi alamat surel.")),
            Length(max=254, message=_l("Paling panjang %(max)d karakter.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    name = StringField(
        _l("Nama"),
        validators=[
            DataRequired(message=_l("Nama wajib diisi.")),
            Length(max=120, message=_l("Paling panjang %(max)d karakter.")),
        ],
    )
    password = PasswordField(
        _l("Kata sandi awal"),
        validators=[
            DataRequired(message=_l("Isi kata sandi.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l("Kata sandi minimal %(min)d karakter."),
            ),
        ],
        description=_l(
            "Minimal %(n)d karakter; sampaikan kepada pengguna lewat jalur aman.",
            n=MIN_PASSWORD_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES, default="editor")


class UserRoleForm(StaffForm):
    """Change a user's role."""

    role = SelectField(_l("Peran"), choices=ROLE_CHOICES)


class ConfirmForm(StaffForm):
    """A button-only form: the CSRF token is its only field."""
