"""Staff forms for press releases: the release, its meetings, its evidence sentences."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from tracker.formtools import StaffForm, options
from tracker.i18n import lazy_gettext as _l
from tracker.labels import COVERAGE_LABELS
from tracker.models import COVERAGE_RELATIONS

TOO_LONG = _l("Paling panjang %(max)d karakter.")
ZONE_CHOICES = options(
    [
        ("Asia/Jakarta", _l("WIB")),
        ("Asia/Pontianak", _l("WIB (Kalbar, Kalteng)")),
        ("Asia/Makassar", _l("WITA")),
        ("Asia/Jayapura", _l("WIT")),
    ]
)


def _coerce_id(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class PressReleaseForm(StaffForm):
    """A press release or news article as published."""

    outlet = StringField(
        _l("Media atau penerbit"),
        validators=[DataRequired(message=_l("Wajib diisi.")), Length(max=160, message=TOO_LONG)],
        description=_l("Mis. Diskominfo Kaltim, ANTARA Kaltim."),
    )
    url = URLField(
        _l("Alamat web"),
        validators=[Optional(), Length(max=1000, message=TOO_LONG)],
    )
    title = StringField(
        _l("Judul"),
        validators=[DataRequired(message=_l("Wajib diisi.")), Length(max=400, message=TOO_LONG)],
    )
    section = StringField(_l("Rubrik"), validators=[Optional(), Length(max=120, message=TOO_LONG)])
    byline = StringField(_l("Penulis"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    published_date = DateField(_l("Tanggal terbit"), validators=[Optional()])
    published_time = TimeField(_l("Jam terbit"), validators=[Optional()])
    published_zone = SelectField(
        _l("Zona waktu terbit"),
        choices=ZONE_CHOICES,
        default="Asia/Jakarta",
        description=_l("Zona yang tertulis di halaman, mis. WIB."),
    )
    body = TextAreaField(
        _l("Isi"),
        validators=[DataRequired(message=_l("Isi siaran pers wajib diisi."))],
        description=_l("Tempel teks lengkapnya; kalimat bukti diambil dari sini."),
    )
    shown_in_full = BooleanField(
        _l("Tampilkan teks lengkap di halaman publik"),
        description=_l(
            "Hanya untuk siaran pers resmi instansi pemerintah. Artikel media berita tampil "
            "di halaman publik sebagai kalimat bukti dengan sedikit konteks dan tautan ke aslinya."
        ),
    )


class CoverageForm(StaffForm):
    """Link a release to a meeting it reports, announces or mentions."""

    meeting = SelectField(
        _l("Rapat"),
        coerce=_coerce_id,
        validators=[DataRequired(message=_l("Pilih rapat."))],
        description=_l("Rapat sekitar tanggal terbit siaran pers ini."),
    )
    relation = SelectField(
        _l("Hubungan"),
        choices=options((r, COVERAGE_LABELS[r]) for r in COVERAGE_RELATIONS),
        default="reports",
    )

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting.choices = options([(None, _l("— pilih rapat —")), *meetings])


class EvidenceForm(StaffForm):
    """A sentence from the release that shows a participant took part."""

    participation = SelectField(
        _l("Peserta"),
        coerce=_coerce_id,
        validators=[DataRequired(message=_l("Pilih peserta."))],
    )
    sentence = TextAreaField(
        _l("Kalimat bukti"),
        validators=[DataRequired(message=_l("Kalimat bukti wajib diisi."))],
        description=_l("Salin kalimatnya persis dari isi siaran pers."),
    )

    def __init__(self, *args: Any, participations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participation.choices = options([(None, _l("— pilih peserta —")), *participations])
