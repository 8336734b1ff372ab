"""Write the change log: every operation records who changed what, before and after."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tracker.extensions import db
from tracker.models import ChangeLog, User

# session.info key of the current save's batch id (see record and _end_batch).
_BATCH_KEY = "change_log_batch"


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
    """Append one change-log entry (flushed with the rest of the unit of work).

    Every entry of one transaction (one save: the view or command commits once)
    gets the same ``batch``, so a history can be read edit by edit.
    """
    batch = db.session.info.get(_BATCH_KEY)
    if batch is None:
        batch = db.session.info[_BATCH_KEY] = uuid.uuid4().hex
    entry = ChangeLog(
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=changes,
        user_id=user.id if user is not None else None,
        meeting_id=meeting_id,
        batch=batch,
    )
    db.session.add(entry)
    return entry


@event.listens_for(Session, "after_transaction_end")
def _end_batch(session: Session, transaction: SessionTransaction) -> None:
    """A commit or rollback of the outermost transaction ends the save: a new batch next."""
    if transaction.parent is None:
        session.info.pop(_BATCH_KEY, None)
