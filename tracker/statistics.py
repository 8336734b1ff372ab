"""Planner statistics after bulk loads.

Without fresh statistics PostgreSQL plans a search over a freshly loaded table as if
it were empty (one query took 104 ms instead of 0.24 ms); SQLite's ``PRAGMA optimize``
runs ANALYZE only on the tables whose statistics would change a plan.
"""

from __future__ import annotations

from sqlalchemy import text

from tracker.extensions import db


def refresh() -> str:
    """Update the planner's statistics after a commit; the statement used, for a log line."""
    statement = "ANALYZE" if db.engine.dialect.name == "postgresql" else "PRAGMA optimize"
    with db.engine.connect() as connection:
        connection.execute(text(statement))
        connection.commit()
    return statement
