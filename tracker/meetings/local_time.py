"""A meeting's local month and day, computed by the database in the meeting's own zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func

from tracker.extensions import db
from tracker.models import INDONESIAN_ZONES, Meeting


def _zone_offsets() -> dict[str, str]:
    """SQLite date modifiers for Indonesia's zones, e.g. '+480 minutes' for Asia/Makassar."""
    offsets = {}
    for zone in INDONESIAN_ZONES:
        # Fixed offsets: Indonesia has no daylight saving time.
        offset = datetime(2024, 1, 1, tzinfo=ZoneInfo(zone)).utcoffset() or timedelta(0)
        offsets[zone] = f"{int(offset.total_seconds()) // 60:+d} minutes"
    return offsets


def _local(postgres_format: str, sqlite_format: str) -> ColumnElement[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(Meeting.timezone, Meeting.starts_at), postgres_format)
    shift = case(_zone_offsets(), value=Meeting.timezone, else_="+0 minutes")
    return func.strftime(sqlite_format, Meeting.starts_at, shift)


def local_month() -> ColumnElement[str]:
    """'YYYY-MM' of each meeting's start in its own zone."""
    return _local("YYYY-MM", "%Y-%m")


def local_day() -> ColumnElement[str]:
    """'YYYY-MM-DD' of each meeting's start in its own zone."""
    return _local("YYYY-MM-DD", "%Y-%m-%d")
