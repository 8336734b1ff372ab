"""Counting the SQL statements a request runs (constant-count tests for query paths)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tracker.extensions import db


@contextmanager
def statements() -> Iterator[list[str]]:
    """Collect every statement sent to the database inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statement_count(client: Any, url: str) -> int:
    """How many statements one successful GET of ``url`` runs."""
    with statements() as seen:
        assert client.get(url).status_code == 200, url
    return len(seen)
