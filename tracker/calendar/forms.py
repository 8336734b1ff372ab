"""Forms of the calendar pages: the feed builder, the staff token and the .ics import."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SearchField, SelectField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from tracker.calendar import builder
from tracker.i18n import lazy_gettext as _l
from tracker.labels import MEETING_KIND_LABELS, VISIBILITY_LABELS
from tracker.models import MEETING_KINDS, VISIBILITIES
from tracker.regions.picker import Picker, narrow, province_field

# A feed for a whole province includes its regencies and cities.
BUILDER_REGION = Picker(key="code", whole=_l("Seluruh %(name)s"), anywhere=_l("Semua provinsi"))
IMPORT_REGION = Picker(
    key="code", whole=_l("%(name)s (tingkat provinsi)"), blank=_l("Pilih wilayah"), zones=True
)


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class FeedBuilderForm(FlaskForm):
    """Combine filters into one feed address (a GET form: no CSRF, works without JS)."""

    class Meta:
        csrf = False

    # A search box, not a select: the registry has hundreds of agencies (see builder.py).
    agency_q = SearchField(
        _l("Instansi"),
        validators=[Optional(), Length(max=100)],
        filters=[lambda text: (text or "").strip()],
        description=_l("Ketik nama atau singkatan, mis. KPU Jatim atau Polres Inhu"),
    )
    agency = HiddenField(validators=[Optional()], default="")
    province = province_field(validators=[Optional()])
    region = SelectField(
        _l("Wilayah"),
        validators=[Optional()],
        default="",
        description=_l("Feed provinsi juga memuat rapat kabupaten dan kotanya."),
    )
    election = SelectField(_l("Pemilihan"), validators=[Optional()], default="")
    kind = SelectField(_l("Jenis rapat"), validators=[Optional()], default="")
    archive = BooleanField(
        _l("Seluruh arsip"),
        description=_l("Tanpa centang: 90 hari terakhir dan semua rapat mendatang."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        elections = kwargs.pop("elections")
        super().__init__(*args, **kwargs)
        narrow(self.province, self.region, BUILDER_REGION)
        self.election.choices = _blank(_l("Semua pemilihan")) + [
            (e.slug, e.name) for e in elections
        ]
        self.kind.choices = _blank(_l("Semua jenis")) + [
            (k, MEETING_KIND_LABELS[k]) for k in MEETING_KINDS
        ]

    def validate_agency(self, field: HiddenField) -> None:
        """A slug that names no agency (a stale or mistyped link) is refused, not a 404."""
        if field.data and builder.chosen_agency(field.data) is None:
            raise ValidationError(
                _l("Instansi yang dipilih tidak dikenal. Cari lagi lewat nama atau singkatannya.")
            )


class RegenerateTokenForm(FlaskForm):
    """Make a new private feed address; the old one stops working at once."""


class ImportForm(FlaskForm):
    """Upload an agency's published agenda (.ics) to create or update meetings."""

    file = FileField(
        _l("Berkas kalender (.ics)"),
        validators=[
            FileRequired(_l("Pilih berkas .ics.")),
            FileAllowed(["ics", "ical", "ifb", "icalendar"], _l("Hanya berkas .ics.")),
        ],
        description=_l(
            "Impor ulang berkas yang sama memperbarui rapatnya (dicocokkan lewat UID), "
            "tidak menggandakan."
        ),
    )
    province = province_field()
    region = SelectField(
        _l("Wilayah"),
        validators=[DataRequired(_l("Wilayah wajib dipilih."))],
        description=_l(
            "Wilayah rapat. Waktu tanpa zona atau dalam UTC dibaca dalam zona wilayah ini."
        ),
    )
    kind = SelectField(_l("Jenis rapat"), default="rakor")
    visibility = SelectField(_l("Visibilitas"), default="public")
    election = SelectField(_l("Pemilihan"), validators=[Optional()], default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        elections = kwargs.pop("elections")
        super().__init__(*args, **kwargs)
        narrow(self.province, self.region, IMPORT_REGION)
        self.kind.choices = [(k, MEETING_KIND_LABELS[k]) for k in MEETING_KINDS]
        self.visibility.choices = [(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES]
        self.election.choices = _blank(_l("Tidak ada")) + [(e.slug, e.name) for e in elections]
