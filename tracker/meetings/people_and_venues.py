"""Find or create the people and venues a meeting names (no change-log entry of their own)."""

from __future__ import annotations

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Person, Region, Venue
from tracker.validation import ValidationError, refuse_contact_details


def find_or_create_person(
    name: str, rank: str | None = None, honorific: str | None = None, degrees: str | None = None
) -> Person:
    """Return the person with this name and rank, creating them if new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"person": _("Nama wajib diisi.")})
    refuse_contact_details(
        {"person": " ".join(p for p in (name, rank, honorific, degrees) if p)}, ("person",)
    )
    person = db.session.execute(
        db.select(Person).filter_by(name=name, rank=rank)
    ).scalar_one_or_none()
    if person is None:
        person = Person(name=name, rank=rank, honorific=honorific, degrees=degrees)
        db.session.add(person)
        db.session.flush()
    return person


def find_or_create_venue(
    name: str,
    city: Region | None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Venue:
    """Return the venue with this name in this city, creating it if new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"venue": _("Nama tempat wajib diisi.")})
    venue = db.session.execute(
        db.select(Venue).filter_by(name=name, city_id=city.id if city else None)
    ).scalar_one_or_none()
    if venue is None:
        venue = Venue(name=name, city=city, address=address, latitude=latitude, longitude=longitude)
        db.session.add(venue)
        db.session.flush()
    elif address and not venue.address:
        # The address given with a known venue's name is kept, not dropped.
        venue.address = address
        db.session.flush()
    return venue
