"""The two-step region choice of every form: a province, then one of its regencies or cities.

No select lists all 552 regions: the second one holds only the chosen province's (at most
a few dozen). Without JavaScript a "Pilih" button (``name="pick"``) sends the form back to
be shown again with the new province's list; the view renders it without saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from wtforms import SelectField

from tracker.extensions import db
from tracker.formatting import zone_label
from tracker.formtools import options
from tracker.i18n import lazy_gettext as _l
from tracker.kept import kept
from tracker.models import Region

PICK = "pick"
# A regency and a city may share a name (Kabupaten and Kota Bandung): the kind tells them apart.
KIND_NAMES = {"regency": _l("Kab. %(name)s"), "city": _l("Kota %(name)s")}


@dataclass(frozen=True)
class Place:
    """One region as plain data, so the list can be kept between requests."""

    id: int
    code: str
    name: str
    kind: str
    timezone: str
    parent_id: int | None


@dataclass(frozen=True)
class Places:
    """The provinces by code, and every province's regencies and cities."""

    provinces: list[Place] = field(default_factory=list)
    children: dict[int, list[Place]] = field(default_factory=dict)
    by_id: dict[int, Place] = field(default_factory=dict)


def _compute_places() -> Places:
    places = Places()
    rows = db.session.execute(
        select(
            Region.id, Region.code, Region.name, Region.kind, Region.timezone, Region.parent_id
        ).order_by(Region.code)
    )
    for row in rows:
        place = Place(*row)
        places.by_id[place.id] = place
        if place.parent_id is None:
            places.provinces.append(place)
        else:
            places.children.setdefault(place.parent_id, []).append(place)
    return places


def places() -> Places:
    """Every region, kept until the next committed write."""
    return kept("region_picker_places", _compute_places)


@dataclass(frozen=True)
class Picker:
    """How one form's region select behaves.

    ``key`` is what its values are (region ids or codes); ``whole`` labels the option
    for the province itself (None when only a regency or city may be chosen); ``blank``
    labels the empty option (None for none); ``zones`` adds each region's time zone;
    ``anywhere`` labels the province select's empty option.
    """

    key: Literal["id", "code"] = "id"
    whole: Any = None
    blank: Any = None
    zones: bool = False
    anywhere: Any = _l("— pilih provinsi —")

    def value(self, place: Place | None) -> Any:
        """The select value of a place (the empty one for none)."""
        if place is None:
            return None if self.key == "id" else ""
        return place.id if self.key == "id" else place.code

    def label(self, place: Place, whole: bool = False) -> str:
        """A place's option text."""
        name = str(self.whole) % {"name": place.name} if whole else place_name(place)
        return f"{name} ({zone_label(place.timezone)})" if self.zones else name


def place_name(place: Place) -> str:
    """A region's name with its kind: "Kota Bandung", "Kab. Bandung", "Jawa Barat"."""
    return str(KIND_NAMES.get(place.kind, "%(name)s")) % {"name": place.name}


def province_field(label: Any = None, **kwargs: Any) -> SelectField:
    """The first step: a select of the provinces, by code."""
    return SelectField(label or _l("Provinsi"), default="", **kwargs)


def _find(picker: Picker, value: Any) -> Place | None:
    found = places()
    if picker.key == "id":
        return found.by_id.get(value) if isinstance(value, int) else None
    return next((p for p in found.by_id.values() if p.code == value), None) if value else None


def narrow(province: SelectField, region: SelectField, picker: Picker) -> None:
    """Offer the provinces, and in ``region`` only the chosen province's regions.

    The province comes from the form, else from the region already set (editing), so
    both steps show what is saved. A region outside a newly chosen province is dropped
    with an error the next validation reports on the province, which stays.
    """
    found = places()
    current = _find(picker, region.data)
    if not province.data and current is not None:
        top = found.by_id.get(current.parent_id) if current.parent_id else current
        province.data = top.code if top else ""
    chosen = next((p for p in found.provinces if p.code == province.data), None)
    province.choices = options(
        [("", picker.anywhere), *((p.code, picker.label(p)) for p in found.provinces)]
    )
    inner = [] if chosen is None else found.children.get(chosen.id, [])
    pairs = [(picker.value(p), picker.label(p)) for p in inner]
    if chosen is not None and picker.whole is not None:
        pairs.insert(0, (picker.value(chosen), picker.label(chosen, whole=True)))
    if chosen is None:
        pairs = [(picker.value(None), _l("— pilih provinsi dulu —"))]
    elif picker.blank is not None:
        pairs.insert(0, (picker.value(None), picker.blank))
    region.choices = options(pairs)
    values = {value for value, _label in pairs}
    if chosen is not None and current is not None and picker.value(current) not in values:
        # On the province: a required region's own check would replace the message.
        region.data = picker.value(None)
        message = _l(
            "%(name)s tidak berada di %(province)s; pilih lagi kabupaten/kotanya.",
            name=place_name(current),
            province=chosen.name,
        )
        province.process_errors = [*province.process_errors, message]


def picked(form_data: Any) -> bool:
    """Whether the form was sent by a "Pilih" button, only to show the narrowed list."""
    return PICK in form_data
