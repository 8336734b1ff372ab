"""Write the change log: every operation records who changed what, before and after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from tracker.extensions import db
from tracker.models import ChangeLog, User


def plain(value: Any) -> Any:
    """Turn a column value into something JSON can hold and people can read."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Read the listed attributes of a record as plain values."""
    return {f: plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Map each changed field to [before, after]."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def removed(before: dict[str, Any]) -> dict[str, list[Any]]:
    """Map each field of a deleted record to [before, None]."""
    return {k: [v, None] for k, v in before.items() if v not in (None, [], "")}


def record(
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any],
    user: User | None = None,
    meeting_id: int | None = None,
) -> ChangeLog:
    """Append one change-log entry (flushed with the rest of the unit of work)."""
    entry = ChangeLog(
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=changes,
        user_id=user.id if user is not None else None,
        meeting_id=meeting_id,
    )
    db.session.add(entry)
    return entry
