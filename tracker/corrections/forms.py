"""Forms for corrections: the reader's report, and the staff's accept note and decline reason."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.formtools import StaffForm, options
from tracker.i18n import lazy_gettext as _l
from tracker.models.correction import CORRECTION_FIELDS, Correction
from tracker.validation import CONTACT_DETAILS, max_length

FIELD_LABELS = {
    "title": _l("Judul"),
    "when": _l("Tanggal/waktu"),
    "place": _l("Tempat"),
    "participant": _l("Peserta"),
    "role": _l("Peran"),
    "evidence": _l("Bukti"),
    "other": _l("Lainnya"),
}
STATUS_LABELS = {
    "pending": _l("Menunggu"),
    "accepted": _l("Diterima"),
    "declined": _l("Ditolak"),
}
TOO_LONG = _l("Paling panjang %(max)d karakter.")
# An e-mail address, or a phone number: 8 to 15 digits with an optional leading +, in
# groups split by spaces, dots, dashes or brackets.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
PHONE = re.compile(r"\+?[\d\s().-]{8,24}")


def field_label(code: str) -> str:
    """The reader's name for a reported part of the meeting ('Tanggal/waktu')."""
    return str(FIELD_LABELS.get(code, code))


def status_label(code: str) -> str:
    """A correction's status for staff ('Menunggu')."""
    return str(STATUS_LABELS.get(code, code))


class CorrectionForm(StaffForm):
    """A reader's report of an error on a public meeting page."""

    field = SelectField(
        _l("Bagian yang salah"),
        choices=options(
            [("", _l("Pilih bagian"))] + [(c, FIELD_LABELS[c]) for c in CORRECTION_FIELDS]
        ),
        validators=[DataRequired(message=_l("Pilih bagian yang salah."))],
    )
    description = TextAreaField(
        _l("Apa yang salah?"),
        description=_l("Tulis apa yang salah dan yang benar menurut Anda."),
        validators=[
            DataRequired(message=_l("Tulis apa yang salah.")),
            Length(max=max_length(Correction.description), message=TOO_LONG),
        ],
    )
    source_url = StringField(
        _l("Tautan sumber (opsional)"),
        description=_l("Alamat web yang menunjukkan yang benar, mulai dengan https://."),
        validators=[Optional(), Length(max=max_length(Correction.source_url), message=TOO_LONG)],
    )
    contact = StringField(
        _l("Kontak Anda (opsional)"),
        description=_l(
            "Surel atau nomor telepon, bila redaksi perlu bertanya. Tidak pernah ditampilkan."
        ),
        validators=[Optional(), Length(max=max_length(Correction.contact), message=TOO_LONG)],
    )
    # A honeypot: hidden from people (and screen readers); bots fill every box.
    website = StringField(_l("Kosongkan kolom ini"))

    def validate_source_url(self, field: Any) -> None:
        """Only a web address (http or https, with a host) is a source."""
        parts = urlsplit(field.data.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValidationError(_l("Tulis alamat web yang dimulai dengan http:// atau https://."))

    def validate_contact(self, field: Any) -> None:
        """An e-mail address or a phone number, nothing else."""
        value = field.data.strip()
        digits = sum(ch.isdigit() for ch in value)
        if EMAIL.fullmatch(value) or (PHONE.fullmatch(value) and 8 <= digits <= 15):
            return
        raise ValidationError(_l("Tulis alamat surel atau nomor telepon."))

    def values(self) -> dict[str, Any]:
        """The report as the operation takes it."""
        return {
            "field": self.field.data,
            "description": self.description.data,
            "source_url": (self.source_url.data or "").strip() or None,
            "contact": (self.contact.data or "").strip() or None,
        }


def _no_contact_details(form: Any, field: Any) -> None:
    if field.data and CONTACT_DETAILS.search(field.data):
        raise ValidationError(
            _l("Jangan tulis alamat surel atau nomor telepon di sini; data ini dipublikasikan.")
        )


class AcceptForm(StaffForm):
    """The public note of an accepted correction, sent with the meeting's edit form."""

    note = TextAreaField(
        _l("Catatan koreksi (publik)"),
        description=_l("Tampil di halaman rapat, mis. 'Tanggal diperbaiki menjadi 6 Februari'."),
        validators=[
            DataRequired(message=_l("Tulis catatan koreksi untuk pembaca.")),
            Length(max=max_length(Correction.staff_reason), message=TOO_LONG),
            _no_contact_details,
        ],
    )


class DeclineForm(StaffForm):
    """Decline a correction, with the reason."""

    reason = TextAreaField(
        _l("Alasan penolakan"),
        validators=[
            DataRequired(message=_l("Alasan penolakan wajib diisi.")),
            Length(max=max_length(Correction.staff_reason), message=TOO_LONG),
        ],
    )
