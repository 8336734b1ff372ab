"""Downloads of the meeting list for spreadsheets: the meetings, or every participation.

The same query string as /meetings/ selects the meetings; only public ones are read.
XLSX is the format to recommend (see tracker.exports); CSV is RFC 4180 with a BOM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, request, url_for
from flask_babel import format_number
from werkzeug.wrappers import Response

from tracker.exports import EXPORT_MAX_ROWS, csv_response, xlsx_response
from tracker.i18n import gettext as _
from tracker.meetings import export_queries, export_rows
from tracker.meetings.queries import MeetingFilters, parse_filters

bp = Blueprint("meeting_exports", __name__, url_prefix="/meetings")


@bp.app_template_global("export_row_limit")
def export_row_limit() -> str:
    """The most rows one download carries, written for the visitor's language."""
    return str(format_number(EXPORT_MAX_ROWS))


def _notes(filters: MeetingFilters, what: str) -> list[str]:
    """The notes sheet of a workbook: what it holds, from where, and how to read it."""
    now = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M")
    return [
        what,
        _("Rapat publik yang cocok dengan filter: %(url)s", url=_list_url(filters)),
        _("Diunduh %(when)s WIB dari Rakor Tracker.", when=now),
        _("Jam menurut zona setempat rapat (kolom Zona); jam kosong berarti tidak disebutkan."),
    ]


def _list_url(filters: MeetingFilters) -> str:
    return url_for("meetings.index", _external=True, **filters.args())


def _download(
    fmt: str,
    name: str,
    what: str,
    columns: list[Any],
    load: Callable[[MeetingFilters, int], list[Any]],
    rows: Callable[[Iterable[Any]], Iterable[list[Any]]],
) -> Response:
    filters = parse_filters(request.args)
    if filters.errors:
        abort(400)
    # One more than is written, so the file can say when it was cut.
    records = load(filters, EXPORT_MAX_ROWS + 1)
    if fmt == "csv":
        return csv_response(f"{name}.csv", columns, rows(records), limit=EXPORT_MAX_ROWS)
    notes = _notes(filters, what)
    return xlsx_response(f"{name}.xlsx", columns, rows(records), limit=EXPORT_MAX_ROWS, notes=notes)


def _meetings(fmt: str) -> Response:
    return _download(
        fmt,
        "rakor-rapat",
        _("Daftar rapat: satu baris per rapat."),
        export_rows.meeting_columns(),
        export_queries.meetings_to_export,
        export_rows.meeting_rows,
    )


def _attendance(fmt: str) -> Response:
    return _download(
        fmt,
        "rakor-kehadiran",
        _("Daftar kehadiran: satu baris per peserta rapat, dengan kalimat bukti dan sumbernya."),
        export_rows.attendance_columns(),
        export_queries.attendance_to_export,
        export_rows.attendance_rows,
    )


@bp.get("/export.xlsx")
def meetings_xlsx() -> Response:
    """The filtered meeting list as a workbook, one row per meeting."""
    return _meetings("xlsx")


@bp.get("/export.csv")
def meetings_csv() -> Response:
    """The filtered meeting list as CSV (UTF-8 with BOM), one row per meeting."""
    return _meetings("csv")


@bp.get("/attendance.xlsx")
def attendance_xlsx() -> Response:
    """Every participation in the filtered meetings as a workbook."""
    return _attendance("xlsx")


@bp.get("/attendance.csv")
def attendance_csv() -> Response:
    """Every participation in the filtered meetings as CSV (UTF-8 with BOM)."""
    return _attendance("csv")
