"""The ranking as a spreadsheet: CSV (UTF-8 with BOM) and XLSX, one row per body."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Response
from openpyxl import Workbook

from tracker.api.export import neutralise
from tracker.i18n import gettext as _
from tracker.labels import ATTENDANCE_LABELS, ROLE_LABELS, ROLE_ORDER
from tracker.rankings.queries import ATTENDANCE_COLUMNS, Ranking

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    """Column headings in the UI language; the body's slug is its code."""
    return [
        _("Peringkat"),
        _("Instansi"),
        _("Kode instansi"),
        _("Rapat diikuti"),
        *(str(ROLE_LABELS[r]) for r in ROLE_ORDER),
        *(str(ATTENDANCE_LABELS[a]) for a in ATTENDANCE_COLUMNS),
        _("Forkopimda: tidak hadir"),
        _("Forkopimda: diwakili"),
    ]


def rows(ranking: Ranking) -> Iterator[list[Any]]:
    """One row per ranked body, numbers as numbers."""
    for place, row in enumerate(ranking.rows, start=1):
        yield [
            place,
            row.short_name,
            row.slug,
            row.attended,
            *(n for _r, n in row.by_role),
            *(n for _a, n in row.by_attendance),
            row.forum_absent,
            row.forum_represented,
        ]


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(ranking: Ranking, filename: str) -> Response:
    """The ranking as CSV with a BOM and semicolons, as Indonesian Excel opens it."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header()])
    for row in rows(ranking):
        writer.writerow([neutralise(cell) for cell in row])
    response = _download(buffer.getvalue(), "text/csv", filename)
    response.charset = "utf-8"
    return response


def xlsx_download(ranking: Ranking, filename: str, title: str) -> Response:
    """The ranking as an XLSX workbook: frozen header, filters, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Peringkat")[:31]
    sheet.append([neutralise(h) for h in header()])
    for row in rows(ranking):
        sheet.append([neutralise(cell) for cell in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.column_dimensions["B"].width = 36
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX_TYPE, filename)
