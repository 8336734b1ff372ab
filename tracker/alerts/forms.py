"""Forms of e-mail alerts: ask for one, confirm it, leave it."""

from __future__ import annotations

import re
from typing import Any

from wtforms import EmailField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Length

from tracker.formtools import StaffForm
from tracker.i18n import lazy_gettext as _l
from tracker.models.subscription import EMAIL_MAX

# One @, something before it, a dotted domain after it, no spaces or angle brackets:
# the real test is the confirmation message arriving.
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")


def _address(form: Any, field: Any) -> None:
    if not ADDRESS.match((field.data or "").strip()):
        raise ValidationError(_l("Tulis alamat surel yang lengkap, mis. nama@contoh.id."))


class SubscribeForm(StaffForm):
    """An address for the daily digest of the current search (CSRF, honeypot)."""

    email = EmailField(
        _l("Alamat surel"),
        validators=[DataRequired(), Length(max=EMAIL_MAX), _address],
        filters=[lambda text: (text or "").strip()],
        description=_l(
            "Kami mengirim tautan konfirmasi dulu. Alamat Anda tidak ditampilkan di mana pun."
        ),
    )
    # Hidden from people by CSS; bots that fill every field get no mail sent.
    website = StringField(_l("Situs web (biarkan kosong)"))
    submit = SubmitField(_l("Kabari saya"))


class ConfirmForm(StaffForm):
    """The button that activates a subscription from its confirmation link."""

    submit = SubmitField(_l("Ya, kirimi saya ringkasan harian"))


class UnsubscribeForm(StaffForm):
    """The button that ends a subscription (no CSRF: the link's token is the secret).

    Mail programs send RFC 8058 one-click POSTs without any page, so no CSRF token.
    """

    class Meta(StaffForm.Meta):
        csrf = False

    submit = SubmitField(_l("Berhenti berlangganan"))
