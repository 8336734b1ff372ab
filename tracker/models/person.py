"""People named in meetings, with ranks and degrees kept apart from the name."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model


class Person(Model):
    """A named official: "Irjen Pol Nanang Avianto" is rank + name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    rank: Mapped[str | None] = mapped_column(String(60))
    honorific: Mapped[str | None] = mapped_column(String(60))  # Dr., H., Hj.
    degrees: Mapped[str | None] = mapped_column(String(120))  # S.H., M.Si.

    @property
    def display_name(self) -> str:
        """The name as it is written in full, rank and degrees included."""
        parts = [p for p in (self.rank, self.honorific, self.name) if p]
        text = " ".join(parts)
        return f"{text}, {self.degrees}" if self.degrees else text

    def __repr__(self) -> str:
        return f"<Person {self.name}>"
