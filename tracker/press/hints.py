"""What the review page says beside each field: translated warnings and uncertain rows.

The extractor writes its warnings in Indonesian with a ``code`` (and, lately, the
``field`` they belong to). Here each known code has a translatable sentence, so
the English page reads English; the extractor's own words stay as the detail,
and as the whole warning for a code this module does not know.
"""

from __future__ import annotations

from typing import Any

from tracker.i18n import current_language
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l

# Below this confidence a proposed value or participant is marked uncertain.
UNCERTAIN_BELOW = 0.7
DATE_CODES = {
    "weekday_mismatch",
    "several_dates",
    "date_missing",
    "countdown_mismatch",
    "year_inferred",
    "weekday_only",
    "relative_date",
}
# Where a warning goes when it names no field: the review form's sections.
FIELD_OF_CODE = {
    **{code: "start_date" for code in DATE_CODES},
    "scheduled_only": "status",
    "place_ambiguous": "region",
    "kodam_mismatch": "participations",
}
# The extractor's field names, as the review page's sections.
SECTION_OF_FIELD = {
    "venue_name": "venue",
    "venue_address": "venue",
    "city": "region",
    "province": "region",
    "agencies": "participations",
    "speakers": "participations",
    "collective_attendees": "participations",
}
MESSAGES = {
    "weekday_mismatch": _l("Hari yang ditulis tidak cocok dengan tanggalnya."),
    "several_dates": _l("Teks menyebut lebih dari satu tanggal rapat yang mungkin."),
    "date_missing": _l("Tanggal rapat tidak ditemukan dalam teks."),
    "countdown_mismatch": _l("Hitung mundur dalam teks menunjuk ke tanggal lain."),
    "year_inferred": _l("Tahun tidak ditulis; tahunnya disimpulkan."),
    "weekday_only": _l("Hanya hari yang ditulis; tanggalnya disimpulkan dari tanggal terbit."),
    "relative_date": _l("Tanggal disimpulkan dari kata seperti 'kemarin' dan tanggal terbit."),
    "scheduled_only": _l(
        "Teks melaporkan rencana atau undangan rapat, belum tentu rapat sudah berlangsung."
    ),
    "place_ambiguous": _l("Nama tempat ini dipakai lebih dari satu wilayah; pilih wilayahnya."),
    "kodam_mismatch": _l("Kodam yang disebut tidak cocok dengan wilayah rapat."),
}
FIELD_LABELS = {
    "title": _l("Judul"),
    "start_date": _l("Tanggal"),
    "start_time": _l("Jam mulai"),
    "venue_name": _l("Tempat"),
    "city": _l("Kota/kabupaten"),
    "chair": _l("Pimpinan rapat"),
    "theme": _l("Tema"),
    "election": _l("Pemilihan"),
    "agencies": _l("Instansi"),
    "speakers": _l("Pembicara"),
    "status": _l("Status"),
}


def section(warning: dict[str, Any]) -> str:
    """The review section a warning sits beside."""
    field = warning.get("field")
    if field:
        return SECTION_OF_FIELD.get(field, field)
    return FIELD_OF_CODE.get(warning.get("code") or "", "general")


def _translated(code: str) -> str | None:
    if code in MESSAGES:
        return str(MESSAGES[code])
    if code.endswith("_uncertain"):
        label = FIELD_LABELS.get(code.removesuffix("_uncertain"))
        if label is not None:
            return _("%(field)s tidak diusulkan karena tidak pasti.", field=label)
    return None


def describe(warning: dict[str, Any]) -> dict[str, Any]:
    """A warning as shown: the text in the page's language and the extractor's detail."""
    original = warning.get("message") or warning.get("code") or ""
    translated = _translated(warning.get("code") or "")
    shown = {"suggested_date": warning.get("suggested_date"), "code": warning.get("code")}
    if translated is None or current_language() == "id":
        # The extractor's Indonesian names what it saw; no generic sentence beats it.
        return shown | {"text": original, "detail": None}
    return shown | {"text": translated, "detail": original}


def by_section(proposal: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The proposal's warnings, described, grouped by the section they belong beside."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for warning in proposal.get("warnings", []):
        grouped.setdefault(section(warning), []).append(describe(warning))
    return grouped


def _named(item: dict[str, Any]) -> set[str]:
    keys = ("name", "agency", "label", "person", "represented_by")
    return {str(item[k]).lower() for k in keys if isinstance(item.get(k), str) and item[k]}


def row_hint(proposal: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """Whether the proposal is unsure of the participant a row names, and why."""
    names = {n.lower() for n in names if n}
    items = [
        i
        for key in ("agencies", "speakers")
        for i in proposal.get(key, [])
        if isinstance(i, dict) and _named(i) & names
    ]
    confidence = min(
        (float(i["confidence"]) for i in items if isinstance(i.get("confidence"), int | float)),
        default=None,
    )
    warnings = [
        describe(w)
        for w in proposal.get("warnings", [])
        if section(w) == "participations"
        and any(n and n in (w.get("message") or "").lower() for n in names)
    ]
    uncertain = bool(warnings) or (confidence is not None and confidence < UNCERTAIN_BELOW)
    return {"uncertain": uncertain, "confidence": confidence, "warnings": warnings}


def field_uncertain(proposal: dict[str, Any], field: str) -> bool:
    """Whether the extractor gave a field a low confidence."""
    value = (proposal.get("confidence") or {}).get(field)
    return isinstance(value, int | float) and value < UNCERTAIN_BELOW
