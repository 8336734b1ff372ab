"""Note an edit on a meeting: its edit stamp (LAST-MODIFIED) and, for some, SEQUENCE."""

from __future__ import annotations

from tracker.models import Meeting, User, utcnow


def touch(meeting: Meeting, user: User | None, bump: bool = True) -> None:
    """Note an edit: move the edit stamp (LAST-MODIFIED), and SEQUENCE when ``bump``.

    ``bump`` is for changes of time, place, status or title; each operation touches
    once, so one save moves SEQUENCE by one however many fields it changed.
    """
    if bump:
        meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    if user is not None:
        meeting.updated_by = user
