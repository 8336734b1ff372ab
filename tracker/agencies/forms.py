"""Admin forms for the agency registry: add or edit an agency, merge duplicates."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.formtools import StaffForm, options
from tracker.i18n import lazy_gettext as _l
from tracker.labels import AGENCY_KIND_LABELS
from tracker.models import AGENCY_KINDS
from tracker.regions.picker import Picker, narrow, province_field

AGENCY_REGION = Picker(
    whole=_l("%(name)s (tingkat provinsi)"), blank=_l("— tidak ada (badan nasional) —")
)

TOO_LONG = _l("Paling panjang %(max)d karakter.")


def _coerce_id(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class AgencyForm(StaffForm):
    """An agency's fields and its aliases, one per line."""

    short_name = StringField(
        _l("Nama singkat"),
        validators=[DataRequired(message=_l("Wajib diisi.")), Length(max=120, message=TOO_LONG)],
        description=_l("Seperti ditulis di siaran pers, mis. Polda Kaltim."),
    )
    full_name = StringField(
        _l("Nama lengkap"),
        validators=[DataRequired(message=_l("Wajib diisi.")), Length(max=255, message=TOO_LONG)],
    )
    kind = SelectField(
        _l("Jenis"), choices=options((k, AGENCY_KIND_LABELS[k]) for k in AGENCY_KINDS)
    )
    head_title = StringField(
        _l("Jabatan pimpinan"),
        validators=[Optional(), Length(max=80, message=TOO_LONG)],
        description=_l("Mis. Kapolda, Ketua KPU."),
    )
    region_province = province_field(
        validators=[Optional()], description=_l("Kosongkan untuk badan nasional.")
    )
    region = SelectField(_l("Wilayah"), coerce=_coerce_id, validators=[Optional()])
    valid_from = DateField(_l("Berlaku sejak"), validators=[Optional()])
    valid_until = DateField(
        _l("Berlaku sampai"),
        validators=[Optional()],
        description=_l("Untuk instansi yang berganti nama, mis. Kodam XVI/Pattimura."),
    )
    aliases = TextAreaField(
        _l("Alias"),
        validators=[Optional()],
        description=_l("Satu nama per baris: nama lain yang dipakai di siaran pers."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow(self.region_province, self.region, AGENCY_REGION)

    def alias_lines(self) -> list[str]:
        """The aliases typed, one per non-empty line."""
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]


class MergeForm(StaffForm):
    """Fold a duplicate agency into the one that stays."""

    survivor = StringField(
        _l("Instansi yang dipertahankan"),
        validators=[DataRequired(message=_l("Wajib diisi."))],
        description=_l("Nama singkat, alias atau alamat (slug) instansi."),
        render_kw={"list": "agency-options", "autocomplete": "off"},
    )
    duplicate = StringField(
        _l("Duplikat yang digabungkan"),
        validators=[DataRequired(message=_l("Wajib diisi."))],
        description=_l("Semua peserta dan aliasnya pindah; alamat lamanya dialihkan."),
        render_kw={"list": "agency-options", "autocomplete": "off"},
    )
    confirm = BooleanField(
        _l("Saya yakin: penggabungan tidak bisa dibatalkan."),
        validators=[DataRequired(message=_l("Centang untuk menegaskan penggabungan."))],
    )
