"""Forms for logging in and managing staff accounts."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.auth.operations import MIN_PASSWORD_LENGTH
from tracker.formtools import StaffForm, options
from tracker.i18n import lazy_gettext as _l

ROLE_CHOICES = options([("editor", _l("Editor")), ("admin", _l("Admin"))])


def new_password_validators() -> list[DataRequired | Length]:
    """The form-side checks of a new password (the operation checks the same rule)."""
    return [
        DataRequired(message=_l("Isi kata sandi.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Kata sandi minimal %(min)d karakter.")),
    ]


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
        validators=new_password_validators(),
        description=_l(
            "Minimal %(n)d karakter; sampaikan kepada pengguna lewat jalur aman.",
            n=MIN_PASSWORD_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES, default="editor")


class PasswordChangeForm(StaffForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        _l("Kata sandi saat ini"),
        validators=[DataRequired(message=_l("Isi kata sandi saat ini."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=new_password_validators(),
        description=_l("Minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(message=_l("Ulangi kata sandi baru.")),
            EqualTo("new_password", message=_l("Kedua kata sandi baru tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class UserRoleForm(StaffForm):
    """Change a user's role."""

    role = SelectField(_l("Peran"), choices=ROLE_CHOICES)


class ConfirmForm(StaffForm):
    """A button-only form: the CSRF token is its only field."""
