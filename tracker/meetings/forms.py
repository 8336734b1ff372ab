"""Staff forms for meetings: the meeting with its participation rows, postpone, cancel."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from tracker.formtools import MultiCheckboxField, StaffForm, options
from tracker.i18n import lazy_gettext as _l
from tracker.labels import (
    ATTENDANCE_LABELS,
    MEETING_KIND_LABELS,
    ROLE_LABELS,
    ROLE_ORDER,
    VISIBILITY_LABELS,
)
from tracker.meetings.form_checks import (
    TimeRangeChecks,
    add_errors,
    end_time_needed,
    time_needed,
    typed,
)
from tracker.models import (
    ATTENDANCE,
    MEETING_KINDS,
    VISIBILITIES,
    AgencyAlias,
    Meeting,
    Participation,
    Person,
    Venue,
)
from tracker.regions.picker import Picker, narrow, province_field
from tracker.validation import max_length

ZONE_CHOICES = options(
    [
        ("", _l("Ikuti zona wilayah")),
        ("Asia/Jakarta", _l("WIB (Asia/Jakarta)")),
        ("Asia/Pontianak", _l("WIB (Asia/Pontianak, Kalbar dan Kalteng)")),
        ("Asia/Makassar", _l("WITA (Asia/Makassar)")),
        ("Asia/Jayapura", _l("WIT (Asia/Jayapura)")),
    ]
)

TOO_LONG = _l("Paling panjang %(max)d karakter.")
NO_PARTICIPANT = _l(
    "Baris ini belum menyebut instansi, orang atau kelompok peserta; isi salah satunya, "
    "atau tekan Hapus."
)
REPRESENTED_ONLY = _l("Isi 'diwakili oleh' hanya bila kehadirannya diwakilkan.")
VENUE_NAME_NEEDED = _l(
    "Isi nama tempat baru untuk alamat atau kota yang diisi, atau kosongkan alamat dan kotanya."
)


def _coerce_id(value: Any) -> int | None:
    """Select values are ids; the empty option means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ParticipationRowForm(Form):
    """One participant row; CSRF lives on the enclosing form."""

    participation_id = HiddenField()
    agency_id = HiddenField()
    agency_name = StringField(
        _l("Instansi"),
        validators=[Optional(), Length(max=max_length(AgencyAlias.alias), message=TOO_LONG)],
        description=_l(
            "Ketik nama, singkatan atau jabatan pimpinannya, mis. Polda Kaltim, Polres Inhu, "
            "Ketua KPU Kota Bima; tombol Cari menampilkan pilihannya."
        ),
        render_kw={"autocomplete": "off", "class": "agency-input"},
    )
    collective_label = StringField(
        _l("Kelompok peserta"),
        validators=[
            Optional(),
            Length(max=max_length(Participation.collective_label), message=TOO_LONG),
        ],
        description=_l("Untuk peserta tanpa instansi tunggal, mis. bupati/wali kota se-Kaltim."),
    )
    person_name = StringField(
        _l("Nama orang"),
        validators=[Optional(), Length(max=max_length(Person.name), message=TOO_LONG)],
        description=_l("Tanpa gelar dan pangkat."),
    )
    person_rank = StringField(
        _l("Pangkat"),
        validators=[Optional(), Length(max=max_length(Person.rank), message=TOO_LONG)],
    )
    position = StringField(
        _l("Jabatan seperti tertulis"),
        validators=[Optional(), Length(max=max_length(Participation.position), message=TOO_LONG)],
    )
    roles = MultiCheckboxField(
        _l("Peran"), choices=options((r, ROLE_LABELS[r]) for r in ROLE_ORDER), validate_choice=True
    )
    attendance = SelectField(
        _l("Kehadiran"),
        choices=options((a, ATTENDANCE_LABELS[a]) for a in ATTENDANCE),
        default="unknown",
    )
    represented_by = StringField(
        _l("Diwakili oleh"),
        validators=[
            Optional(),
            Length(max=max_length(Participation.represented_by), message=TOO_LONG),
        ],
    )
    topic = StringField(
        _l("Topik"),
        validators=[Optional(), Length(max=max_length(Participation.topic), message=TOO_LONG)],
    )
    order = IntegerField(
        _l("Urutan"),
        validators=[
            Optional(),
            NumberRange(min=0, max=999, message=_l("Urutan antara 0 dan 999.")),
        ],
    )

    def is_blank(self) -> bool:
        """Whether staff left the row empty (such rows are ignored, not refused).

        Any typed text (rank and evidence too), a checked role or an order makes the
        row count, so it is saved or refused, never dropped. The attendance select
        alone does not: it always posts a value, and nobody's attendance is nothing.
        """
        if self.participation_id.data:
            return False
        for field in self:
            if isinstance(field, HiddenField) or field is self.attendance:
                continue
            if typed(field):
                return False
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate the fields, then what only the fields together can say."""
        valid = super().validate(extra_validators)
        if self.is_blank():
            return valid
        return self._cross_checks() and valid

    def _cross_checks(self) -> bool:
        """Refuse values that would be dropped or refused later, beside the others."""
        errors: list[tuple[Any, Any]] = []
        if not any(typed(f) for f in (self.agency_name, self.collective_label, self.person_name)):
            errors.append((self.agency_name, NO_PARTICIPANT))
        if typed(self.person_rank) and not typed(self.person_name):
            errors.append((self.person_rank, _l("Pangkat dicatat bersama nama orangnya.")))
        if typed(self.represented_by) and self.attendance.data != "represented":
            errors.append((self.represented_by, REPRESENTED_ONLY))
        return add_errors(errors)


MEETING_REGION = Picker(
    whole=_l("%(name)s (tingkat provinsi)"), blank=_l("— pilih wilayah —"), zones=True
)
VENUE_CITY = Picker(blank=_l("— tidak ada —"))


class MeetingForm(TimeRangeChecks, StaffForm):
    """Create or edit a meeting with its participants."""

    version = HiddenField()
    # The newest change-log entry the editor saw; a conflict lists what came after it.
    seen_change = HiddenField()
    title = StringField(
        _l("Judul"),
        validators=[
            DataRequired(message=_l("Judul wajib diisi.")),
            Length(max=max_length(Meeting.title), message=TOO_LONG),
        ],
    )
    kind = SelectField(
        _l("Jenis rapat"), choices=options((k, MEETING_KIND_LABELS[k]) for k in MEETING_KINDS)
    )
    theme = StringField(
        _l("Tema"), validators=[Optional(), Length(max=max_length(Meeting.theme), message=TOO_LONG)]
    )
    summary = TextAreaField(
        _l("Ringkasan"),
        validators=[Optional(), Length(max=max_length(Meeting.summary), message=TOO_LONG)],
    )
    region_province = province_field()
    region = SelectField(
        _l("Wilayah"),
        coerce=_coerce_id,
        validators=[DataRequired(message=_l("Wilayah wajib dipilih."))],
        description=_l("Wilayah yang rapatnya diselenggarakan; menentukan zona waktu bawaan."),
    )
    start_date = DateField(
        _l("Tanggal"), validators=[InputRequired(message=_l("Tanggal wajib diisi."))]
    )
    start_time = TimeField(_l("Jam mulai"), validators=[time_needed, Optional()])
    end_date = DateField(
        _l("Tanggal selesai"),
        validators=[Optional()],
        description=_l("Untuk rapat beberapa hari; kosongkan bila selesai di hari yang sama."),
    )
    end_time = TimeField(
        _l("Jam selesai"),
        validators=[Optional()],
        description=_l("Kosongkan bila tidak disebutkan."),
    )
    time_unknown = BooleanField(_l("Jam tidak disebutkan"))
    timezone = SelectField(
        _l("Zona waktu"),
        choices=ZONE_CHOICES,
        validators=[Optional()],
        description=_l("Bila dikosongkan, zona wilayah yang dipakai."),
    )
    venue = SelectField(_l("Tempat yang sudah ada"), coerce=_coerce_id, validators=[Optional()])
    new_venue_name = StringField(
        _l("Nama tempat baru"),
        validators=[Optional(), Length(max=max_length(Venue.name), message=TOO_LONG)],
        description=_l("Isi bila tempatnya belum ada di daftar."),
    )
    new_venue_address = StringField(
        _l("Alamat tempat baru"),
        validators=[Optional(), Length(max=max_length(Venue.address), message=TOO_LONG)],
    )
    new_venue_city_province = province_field(_l("Provinsi tempat baru"))
    new_venue_city = SelectField(
        _l("Kota/kabupaten tempat baru"), coerce=_coerce_id, validators=[Optional()]
    )
    election = SelectField(_l("Pemilihan"), coerce=_coerce_id, validators=[Optional()])
    visibility = SelectField(
        _l("Visibilitas"),
        choices=options((v, VISIBILITY_LABELS[v]) for v in VISIBILITIES),
        description=_l("Rapat internal hanya terlihat oleh staf."),
    )
    source_note = TextAreaField(
        _l("Catatan sumber"),
        validators=[Optional(), Length(max=max_length(Meeting.source_note), message=TOO_LONG)],
        description=_l("Catatan publik tentang sumber, mis. tanggal yang salah cetak."),
    )
    participations = FieldList(FormField(ParticipationRowForm), _l("Peserta"), min_entries=1)

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate the fields, then the end hour and the new venue's fields together."""
        valid = super().validate(extra_validators)
        checks = [end_time_needed(self), self._venue_checks()]  # both run: all errors at once
        return all(checks) and valid

    def _venue_checks(self) -> bool:
        """An address or city typed for a new venue needs its name; never dropped."""
        if typed(self.new_venue_name) or self.venue.data:
            return True  # a chosen venue's own address may come along (editing checks)
        if not (typed(self.new_venue_address) or self.new_venue_city.data is not None):
            return True
        return add_errors([(self.new_venue_name, VENUE_NAME_NEEDED)])

    def __init__(self, *args: Any, choices: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [(None, _l("— tidak ada —"))]
        narrow(self.region_province, self.region, MEETING_REGION)
        narrow(self.new_venue_city_province, self.new_venue_city, VENUE_CITY)
        self.venue.choices = options(none + choices["venues"])
        self.election.choices = options(none + choices["elections"])


class PostponeForm(TimeRangeChecks, StaffForm):
    """Move a meeting to a new date (and time); the reason is required."""

    start_date = DateField(
        _l("Tanggal baru"), validators=[InputRequired(message=_l("Tanggal wajib diisi."))]
    )
    start_time = TimeField(_l("Jam mulai baru"), validators=[time_needed, Optional()])
    end_date = DateField(
        _l("Tanggal selesai baru"),
        validators=[Optional()],
        description=_l("Kosongkan tanggal dan jam selesai untuk mempertahankan lamanya rapat."),
    )
    end_time = TimeField(_l("Jam selesai baru"), validators=[Optional()])
    time_unknown = BooleanField(_l("Jam tidak disebutkan"))
    reason = TextAreaField(
        _l("Alasan penundaan"),
        validators=[
            DataRequired(message=_l("Alasan penundaan wajib diisi.")),
            Length(max=max_length(Meeting.status_reason), message=TOO_LONG),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate the fields, then whether an end on another day has its hour."""
        valid = super().validate(extra_validators)
        return end_time_needed(self) and valid


class CancelForm(StaffForm):
    """Cancel a meeting, with the reason."""

    reason = TextAreaField(
        _l("Alasan pembatalan"),
        validators=[
            DataRequired(message=_l("Alasan pembatalan wajib diisi.")),
            Length(max=max_length(Meeting.status_reason), message=TOO_LONG),
        ],
    )
