"""Warnings the extractor attaches to its proposal (code, Indonesian message, field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import calendar_words as cal


def warning(
    code: str, message: str, suggested: date | None = None, field: str | None = None
) -> dict[str, Any]:
    """One warning; ``field`` names the form field it belongs beside (or None)."""
    return {
        "code": code,
        "message": message,
        "suggested_date": suggested.isoformat() if suggested else None,
        "field": field,
    }


def long_date(day: date) -> str:
    """ "Selasa, 6 Februari 2024"."""
    return f"{cal.WEEKDAY_NAMES[day.weekday()]}, {day.day} {cal.MONTH_NAMES[day.month]} {day.year}"
