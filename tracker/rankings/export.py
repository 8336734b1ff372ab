"""The ranking as a spreadsheet (XLSX, or CSV with a BOM), one row per body.

Written by the shared export helpers (``tracker/exports.py``): bold frozen header with
filters, formula-like text kept as text, labels in the UI language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response

from tracker.exports import Column, csv_response, xlsx_response
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.labels import ATTENDANCE_LABELS, ROLE_LABELS, ROLE_ORDER
from tracker.rankings.queries import ATTENDANCE_COLUMNS, Ranking


def columns() -> list[Column]:
    """Column headings in the UI language; the body's slug is its code."""
    return [
        Column(_("Peringkat"), "int"),
        Column(_("Instansi"), width=36),
        Column(_("Kode instansi"), width=28),
        Column(_("Rapat diikuti"), "int", width=12),
        *(Column(str(ROLE_LABELS[r]), "int", width=12) for r in ROLE_ORDER),
        *(Column(str(ATTENDANCE_LABELS[a]), "int", width=12) for a in ATTENDANCE_COLUMNS),
        Column(_("Forkopimda: tidak hadir"), "int", width=14),
        Column(_("Forkopimda: diwakili"), "int", width=14),
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


def notes(ranking: Ranking, filter_line: str) -> list[str]:
    """What the figures count, for the workbook's notes sheet."""
    return [
        filter_line,
        ngettext("%(num)d rapat dihitung", "%(num)d rapat dihitung", ranking.meetings),
        _(
            "Dihitung: rapat publik yang tidak dibatalkan. Satu instansi dihitung sekali per "
            "rapat. Rapat diikuti = hadir, diwakili, atau kehadiran tidak disebut sumber; yang "
            "tercatat tidak hadir ditampilkan terpisah dan tidak dihitung."
        ),
    ]


def csv_download(ranking: Ranking, filename: str) -> Response:
    """The ranking as CSV (UTF-8 with BOM)."""
    return csv_response(filename, columns(), rows(ranking), limit=None)


def xlsx_download(ranking: Ranking, filename: str, filter_line: str) -> Response:
    """The ranking as an XLSX workbook with a notes sheet."""
    return xlsx_response(
        filename, columns(), rows(ranking), limit=None, notes=notes(ranking, filter_line)
    )
