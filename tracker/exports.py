"""Spreadsheet downloads: XLSX (real dates and times) and CSV with a UTF-8 BOM.

Any list can be exported: describe its columns (a label and a kind) and hand over
its rows as a generator of plain values. Both formats keep formula-like text as
text, and both say so in the file when the export was cut at ``limit`` rows.

XLSX is the download to recommend: Excel set to Indonesian uses ";" as its list
separator and opens a comma-separated file in one column, whatever the BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker.api.export import FORMULA_STARTS, neutralise
from tracker.i18n import gettext as _

# An export carries at most this many rows; the file says when it was cut.
EXPORT_MAX_ROWS = 50_000
KINDS = ("text", "date", "time", "int")
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "time": "hh:mm"}
DEFAULT_WIDTHS = {"text": 24, "date": 12, "time": 8, "int": 8}
# Excel holds at most this many characters in a cell.
CELL_MAX = 32_767
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, what its cells hold, its width in XLSX."""

    label: str
    kind: str = "text"
    width: int | None = None
    # Cells with several lines (sentences, links) wrap in XLSX instead of running on.
    wrap: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


class Capped:
    """Rows up to ``limit``; ``cut`` tells afterwards whether more were there."""

    def __init__(self, rows: Iterable[Sequence[Any]], limit: int | None) -> None:
        self.rows = rows
        self.limit = limit
        self.cut = False

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for count, row in enumerate(self.rows):
            if self.limit is not None and count >= self.limit:
                self.cut = True
                return
            yield row


def cut_note(limit: int) -> str:
    """What an export says when it carries only its first ``limit`` rows."""
    return _(
        "Hanya %(limit)s baris pertama; persempit filter untuk mengunduh sisanya.",
        limit=f"{limit:,}".replace(",", "."),
    )


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet would run this text as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _xlsx_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]


def _stamps(sheet: Any, columns: Sequence[Column]) -> list[Any]:
    """One formatted cell per date or time column, reused row after row.

    A write-only sheet writes each appended row at once, so the same cell object can
    carry the next row's value; this spares a styled cell per date on big exports.
    """
    stamps = []
    for column in columns:
        stamp = None
        if column.kind in NUMBER_FORMATS:
            stamp = WriteOnlyCell(sheet)
            stamp.number_format = NUMBER_FORMATS[column.kind]
        elif column.wrap:
            stamp = WriteOnlyCell(sheet)
            stamp.alignment = Alignment(wrap_text=True, vertical="top")
        stamps.append(stamp)
    return stamps


def _xlsx_cell(sheet: Any, value: Any, stamp: Any = None) -> Any:
    """A value as openpyxl should store it: dates and times as such, text as text."""
    if value is None or value == "":
        return None
    if stamp is not None and isinstance(value, (date, time)):
        if isinstance(value, datetime) and stamp.number_format == NUMBER_FORMATS["date"]:
            value = value.date()
        stamp.value = value
        return stamp
    if isinstance(value, str):
        text = _xlsx_text(value)
        if not formula_like(text):
            if stamp is not None and "\n" in text:
                stamp.value = text
                return stamp
            return text
        # Typed as a string (never a formula), and marked so that editing the cell in
        # Excel keeps it text.
        cell = WriteOnlyCell(sheet)
        cell.value = text
        cell.data_type = "s"  # the value setter would have called "=..." a formula
        cell.quotePrefix = True
        return cell
    return value


def _header(sheet: Any, columns: Sequence[Column]) -> list[Any]:
    bold = Font(bold=True)
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(column.label)))
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        cells.append(cell)
    return cells


def xlsx_bytes(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    limit: int | None = EXPORT_MAX_ROWS,
    notes: Sequence[str] = (),
    sheet_title: str = "Data",
) -> bytes:
    """A workbook of one data sheet (bold frozen header, filters) and a notes sheet.

    Written in write-only mode: rows go to a temporary file as they come, so a big
    export does not hold a cell object per value in memory.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, 1):
        width = column.width or DEFAULT_WIDTHS[column.kind]
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, columns))
    stamps = _stamps(sheet, columns)
    capped = Capped(rows, limit)
    count = 0
    for row in capped:
        sheet.append([_xlsx_cell(sheet, v, st) for v, st in zip(row, stamps, strict=True)])
        count += 1
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    lines = list(notes)
    if capped.cut and limit is not None:
        lines.insert(0, cut_note(limit))
    about = book.create_sheet(_("Catatan")[:31])
    about.column_dimensions["A"].width = 100
    for line in lines:
        about.append([_xlsx_cell(about, line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    limit: int | None = EXPORT_MAX_ROWS,
    notes: Sequence[str] = (),
) -> Response:
    """An XLSX download named ``filename`` (see ``xlsx_bytes``)."""
    body = xlsx_bytes(columns, rows, limit=limit, notes=notes)
    return _attachment(Response(body, mimetype=XLSX_MIMETYPE), filename)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return neutralise(value)


def csv_text(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
    limit: int | None = EXPORT_MAX_ROWS,
) -> str:
    """RFC 4180 CSV (comma, CRLF), with a UTF-8 BOM so Excel reads the accents.

    A cut export ends with one more row saying so, in its first cell.
    """
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(getattr(c, "label", c))) for c in columns])
    capped = Capped(rows, limit)
    for row in capped:
        writer.writerow([_csv_cell(v) for v in row])
    if capped.cut and limit is not None:
        writer.writerow([neutralise("# " + cut_note(limit))])
    return buffer.getvalue()


def csv_response(
    filename: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
    limit: int | None = EXPORT_MAX_ROWS,
) -> Response:
    """A CSV download named ``filename`` (see ``csv_text``)."""
    body = csv_text(columns, rows, bom=bom, limit=limit)
    # A text/* mimetype gets "; charset=utf-8" from Werkzeug.
    response = Response(body, mimetype="text/csv")
    return _attachment(response, filename)
