"""Regency and city bodies of ``tracker.agencies.catalogue`` that a mention names."""

from __future__ import annotations

from tracker.agencies import catalogue

from .places import Place


def catalogue_body(
    agency_key: str,
    place: Place | str,
    kind_hint: str | None,
    written: tuple[str, ...],
    province_code: str | None,
) -> catalogue.LocalBody | None:
    """The catalogue body of ``agency_key`` for the place, or the one ``written`` names."""
    if isinstance(place, Place) and place.code and not place.is_province:
        # "Pemkot Pati" for a regency: no such body; the template writes what was said.
        if kind_hint in (None, place.kind) or place.kind == "town":
            return catalogue.by_key().get(f"{agency_key}:{place.code}")
        return None
    return named_body(agency_key, written, province_code)


def named_body(
    agency_key: str, written: tuple[str, ...], province_code: str | None
) -> catalogue.LocalBody | None:
    """The one body of ``agency_key`` whose name or alias is among ``written``, else None."""
    found = {
        b.key: b
        for name in written
        for b in catalogue.named(name, province_code)
        if b.template == agency_key
    }
    return next(iter(found.values())) if len(found) == 1 else None
