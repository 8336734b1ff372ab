"""The one lock that commits rebuilding derived rows take in turn (PostgreSQL).

The body tally and the stored VEVENTs are both rebuilt at commit from rows another
transaction may be changing at that moment. Each commit that rebuilds either takes this
transaction-level advisory lock first; one lock for both, because two locks taken in
the listeners' order by one commit and the other order by another would deadlock. A
backend may take it again while holding it. SQLite has one writer at a time already.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# "rakor" + 1 in ASCII: one key per database, held until the transaction ends.
LOCK_KEY = 0x72616B6F7201


def take_turns(session: Session) -> None:
    """Wait for, then hold until commit, the derived-rows lock (no-op on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
