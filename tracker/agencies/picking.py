"""Find the body staff mean: search and resolution for every agency picker.

Pickers offer registry rows and the catalogue's regency and city bodies alike; a
catalogue body is named by ``ref:<key>`` until a save makes it a row
(``local_operations.ensure_local_body``). Searching never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_

from tracker.agencies import catalogue
from tracker.agencies.local_operations import ensure_local_body
from tracker.agencies.queries import existing_on
from tracker.extensions import db
from tracker.formatting import format_day
from tracker.i18n import gettext as _
from tracker.kept import kept
from tracker.models import Agency, AgencyAlias, User
from tracker.models.agency import normalize_name
from tracker.validation import ValidationError

REF = "ref:"


@dataclass(frozen=True)
class Choice:
    """One answer of an agency search: a registry row or a catalogue body."""

    value: str  # the row's id as text, or "ref:<key>"
    short_name: str
    full_name: str
    region: str | None
    matched_alias: str | None = None
    agency: Agency | None = None


def agency_options(on: date | None = None) -> list[Agency]:
    """Every registry row (that existed ``on`` a day): for the admin merge page only."""
    stmt = db.select(Agency).order_by(Agency.short_name, Agency.id)
    if on is not None:
        stmt = stmt.where(existing_on(on))
    return list(db.session.execute(stmt).scalars())


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class _RowName:
    """One name of a registry row, as the picker compares it."""

    folded: str
    agency_id: int
    written: str
    is_alias: bool


@dataclass(frozen=True)
class _RowIndex:
    """Every row's names, and each row's sort key and dates (plain data, kept per write)."""

    names: tuple[_RowName, ...]
    order: dict[int, tuple[int, str]]
    dates: dict[int, tuple[date | None, date | None]]


def _compute_row_index() -> _RowIndex:
    rows = db.session.execute(
        db.select(
            Agency.id, Agency.short_name, Agency.full_name, Agency.valid_from, Agency.valid_until
        )
    ).all()
    names = [
        _RowName(catalogue.fold(name), r.id, name, False)
        for r in rows
        for name in (r.short_name, r.full_name)
    ]
    aliases = db.session.execute(db.select(AgencyAlias.agency_id, AgencyAlias.alias))
    names += [_RowName(catalogue.fold(alias), aid, alias, True) for aid, alias in aliases]
    return _RowIndex(
        tuple(names),
        {r.id: (len(r.short_name), r.short_name) for r in rows},
        {r.id: (r.valid_from, r.valid_until) for r in rows},
    )


def _row_index() -> _RowIndex:
    # In memory until the next write: a substring LIKE over tens of thousands of aliases
    # costs PostgreSQL tens of milliseconds without a trigram index; this costs a few.
    return kept("agency_picker_names", _compute_row_index, pages=True)  # aliases too


def _existed_then(dates: tuple[date | None, date | None], on: date | None) -> bool:
    start, end = dates
    return on is None or not ((start and on < start) or (end and on > end))


def search_agencies(
    query: str, limit: int = 15, on: date | None = None
) -> list[tuple[Agency, str | None]]:
    """Registry rows whose name or an alias contains the query, with the alias that matched.

    With ``on`` (the meeting's day), only the bodies that existed that day. Shortest
    name first, as a person scanning the list expects.
    """
    norm = catalogue.fold(query)
    if len(norm) < 2:
        return []
    index = _row_index()
    matched: dict[int, str | None] = {}
    for n in index.names:
        if norm in n.folded and _existed_then(index.dates[n.agency_id], on):
            if not n.is_alias:
                matched[n.agency_id] = None
            else:
                matched.setdefault(n.agency_id, n.written)
    ids = sorted(matched, key=lambda i: index.order[i])[:limit]
    if not ids:
        return []
    loaded = db.session.execute(
        db.select(Agency).where(Agency.id.in_(ids)).options(db.selectinload(Agency.region))
    ).scalars()
    by_id = {a.id: a for a in loaded}
    return [(by_id[i], matched[i]) for i in ids if i in by_id]


def _valid(body: catalogue.LocalBody, on: date | None) -> bool:
    row = body.row
    if on is None:
        return True
    return not (
        (row.valid_from and on < row.valid_from) or (row.valid_until and on > row.valid_until)
    )


def search(
    query: str, limit: int = 15, on: date | None = None, province_code: str | None = None
) -> list[Choice]:
    """Registry rows, then catalogue bodies nobody has used yet, matching the query."""
    rows = search_agencies(query, limit, on)
    out = [
        Choice(str(a.id), a.short_name, a.full_name, a.region.name if a.region else None, alias, a)
        for a, alias in rows
    ]
    if len(out) >= limit:
        return out  # the registry alone fills the list: no catalogue scan
    found = [
        (body, alias)
        for body, alias in catalogue.search(query, limit, province_code)
        if _valid(body, on)
    ]
    # A body with a row is the row's to answer for (the search above, with its dates).
    used = set(
        db.session.execute(
            db.select(Agency.reference_key).where(
                Agency.reference_key.in_([body.key for body, _alias in found])
            )
        ).scalars()
    )
    for body, alias in found:
        if len(out) < limit and body.key not in used:
            matched = None if alias == body.row.short_name else alias
            label = catalogue.region_label(body.region_code)
            out.append(
                Choice(REF + body.key, body.row.short_name, body.row.full_name, label, matched)
            )
    return out


def _mentions(names: list[str], text: str) -> bool:
    """Whether the typed text is one of the names, or the search that found them."""
    norm = normalize_name(text)
    return bool(norm) and any(norm in normalize_name(n) for n in names)


def _picked_row(text: str, picked: str | None) -> Agency | None:
    """The row a picker chose, while the typed text still leads to it."""
    if not (picked and picked.isdigit()):
        return None
    agency = db.session.get(Agency, int(picked))
    if agency is None:
        return None
    names = [agency.short_name, agency.full_name, *(a.alias for a in agency.aliases)]
    return agency if _mentions(names, text) else None


def _picked_body(text: str, picked: str | None) -> catalogue.LocalBody | None:
    if not (picked and picked.startswith(REF)):
        return None
    body = catalogue.by_key().get(picked[len(REF) :])
    return body if body is not None and _mentions(list(body.names), text) else None


def _province(candidate: Agency | catalogue.LocalBody) -> str | None:
    if isinstance(candidate, catalogue.LocalBody):
        return candidate.province_code
    region = candidate.region
    return region.code.split(".")[0] if region else None


def _candidates(text: str, catalogue_too: bool) -> list[Agency | catalogue.LocalBody]:
    """Rows named so, then catalogue bodies named so that have no row yet."""
    rows: list[Agency | catalogue.LocalBody] = list(_named(text))
    if not catalogue_too:
        return rows
    bodies = catalogue.named(text)
    used = {a.reference_key for a in rows if isinstance(a, Agency)}
    if bodies:
        used |= set(
            db.session.execute(
                db.select(Agency.reference_key).where(
                    Agency.reference_key.in_([b.key for b in bodies])
                )
            ).scalars()
        )
    return rows + [b for b in bodies if b.key not in used]


def resolve_agency(
    text: str,
    picked: str | None = None,
    on: date | None = None,
    province_code: str | None = None,
    user: User | None = None,
    catalogue_too: bool = True,
) -> Agency:
    """The one body a typed name means (that existed ``on`` the meeting's day), as a row.

    A picker's choice (an id or ``ref:<key>``) wins while the text still leads to it;
    otherwise rows and catalogue bodies of that name are candidates, narrowed to the
    meeting's province when several share it. A catalogue body becomes a row here.

    :raises ValidationError: under ``agency_id`` when none or several match, or the
        body did not exist that day.
    """
    text = " ".join(text.split())
    chosen = _picked_row(text, picked) or _picked_body(text, picked)
    found = [chosen] if chosen is not None else _candidates(text, catalogue_too)
    if len(found) > 1 and province_code:
        found = [c for c in found if _province(c) == province_code] or found
    if on is not None and found:
        existing = [c for c in found if _existed(c, on)]
        if not existing:
            raise ValidationError({"agency_id": _not_then(_dates(found[0]), on)})
        found = existing
    if len(found) == 1:
        return _row(found[0], user)
    if not found:
        raise ValidationError(
            {"agency_id": _("Instansi '%(name)s' tidak ditemukan di registri.", name=text)}
        )
    names = ", ".join(sorted(_label(c) for c in found))
    raise ValidationError(
        {"agency_id": _("Nama ini cocok dengan beberapa instansi: %(names)s.", names=names)}
    )


Candidate = Agency | catalogue.LocalBody


def match(text: str, on: date | None = None, province_code: str | None = None) -> Candidate | None:
    """The one row or catalogue body a name means, else None (several, or none). Never writes.

    For the extractor's names: a blank for a person to fill beats a guess.
    """
    found = _candidates(" ".join(text.split()), True)
    if len(found) > 1 and province_code:
        found = [c for c in found if _province(c) == province_code] or found
    if on is not None:
        found = [c for c in found if _existed(c, on)]
    return found[0] if len(found) == 1 else None


def choice_value(candidate: Candidate) -> str:
    """What a picker's hidden field holds for a candidate: the row id, or ``ref:<key>``."""
    return str(candidate.id) if isinstance(candidate, Agency) else REF + candidate.key


def short_name(candidate: Candidate) -> str:
    """The name a form shows for a candidate."""
    return candidate.short_name if isinstance(candidate, Agency) else candidate.row.short_name


def as_row(candidate: Candidate, user: User | None = None) -> Agency:
    """The candidate's registry row, made now for a catalogue body."""
    return _row(candidate, user)


def _row(candidate: Agency | catalogue.LocalBody, user: User | None) -> Agency:
    if isinstance(candidate, Agency):
        return candidate
    agency = ensure_local_body(candidate.key, user)
    if agency is None:
        raise ValidationError(
            {"agency_id": _("Wilayah %(code)s belum dimuat.", code=candidate.region_code)}
        )
    return agency


def _label(candidate: Agency | catalogue.LocalBody) -> str:
    if isinstance(candidate, Agency):
        return f"{candidate.short_name} ({candidate.slug})"
    return f"{candidate.row.short_name} ({catalogue.region_label(candidate.region_code)})"


@dataclass(frozen=True)
class _Dates:
    short_name: str
    valid_from: date | None
    valid_until: date | None


def _dates(candidate: Agency | catalogue.LocalBody) -> _Dates:
    source = candidate.row if isinstance(candidate, catalogue.LocalBody) else candidate
    return _Dates(source.short_name, source.valid_from, source.valid_until)


def _existed(candidate: Agency | catalogue.LocalBody, day: date) -> bool:
    d = _dates(candidate)
    return not ((d.valid_from and day < d.valid_from) or (d.valid_until and day > d.valid_until))


def _not_then(body: _Dates, day: date) -> str:
    """Why a body cannot take part in a meeting on ``day``: not yet formed, or ended."""
    if body.valid_from and day < body.valid_from:
        return _(
            "%(name)s baru ada sejak %(since)s, setelah tanggal rapat.",
            name=body.short_name,
            since=format_day(body.valid_from),
        )
    return _(
        "%(name)s berakhir pada %(until)s, sebelum tanggal rapat.",
        name=body.short_name,
        until=format_day(body.valid_until or day),
    )


def _named(text: str) -> list[Agency]:
    """The rows a typed name means: by name or slug, else by alias."""
    lowered = text.lower()
    found = list(
        db.session.execute(
            db.select(Agency).where(
                or_(
                    func.lower(Agency.short_name) == lowered,
                    func.lower(Agency.full_name) == lowered,
                    Agency.slug == lowered,
                )
            )
        ).scalars()
    )
    if not found:
        found = list(
            db.session.execute(
                db.select(Agency)
                .join(AgencyAlias, AgencyAlias.agency_id == Agency.id)
                .where(AgencyAlias.normalized == normalize_name(text))
                .distinct()
            ).scalars()
        )
    return found


FIND = "find_agency"


def row_choices(form: Any, pressed: str) -> dict[str, list[Choice]]:
    """What the "Cari" button of one participant row found: {row name: choices}.

    The no-JavaScript half of the picker: the form comes back with the row's matches
    as radio buttons; nothing is saved. ``pressed`` is the row's index.
    """
    if not pressed.isdigit():
        return {}
    for entry in form.participations.entries:
        if entry.name.rsplit("-", 1)[1] == pressed:
            text = entry.form.agency_name.data or ""
            province = form.region_province.data or None  # a province code
            return {entry.name: search(text, 20, form.start_date.data, province)}
    return {}
