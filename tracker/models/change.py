"""The change log every write operation appends to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime, utcnow
from tracker.models.user import User


class ChangeLog(Model):
    """Who changed which record when, with each field before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column()
    # Participation and coverage changes also point at their meeting so the
    # meeting's history is one indexed query.
    meeting_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(24))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The save that wrote this entry: every entry of one transaction shares it, so a
    # meeting's history can be read edit by edit (NULL for entries written before it).
    batch: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User | None] = relationship()
