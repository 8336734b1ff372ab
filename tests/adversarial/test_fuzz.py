"""Property tests: meeting operations either refuse input with ValidationError or leave a
consistent meeting; the extractor, fed anything through the intake, never crashes.

Runs on SQLite and PostgreSQL; a crash found here becomes a named regression test below.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import (
    ATTENDANCE,
    INDONESIAN_ZONES,
    MEETING_KINDS,
    ROLES,
    STATUSES,
    VISIBILITIES,
    Meeting,
    Region,
)
from tracker.press.extraction.extractor import KEYS
from tracker.press.intake import plain_body, propose
from tracker.validation import ValidationError

from .checks import BREAKOUT, CRLF, FORMULAS, LONG, MIX, RTL

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.sampled_from([MIX, CRLF, BREAKOUT, RTL, *FORMULAS, LONG, "\x00", " ", ""])
TEXT = st.one_of(st.none(), HOSTILE, st.text(st.characters(codec="utf-8"), max_size=600))
ZONES = [ZoneInfo(z) for z in INDONESIAN_ZONES] + [UTC, ZoneInfo("Europe/Berlin")]
MOMENT = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2040, 1, 1),
        timezones=st.sampled_from(ZONES) | st.none(),
    ),
    st.sampled_from(["2024-02-06", 20240206]),
)
CHOICE = st.one_of(st.sampled_from(MEETING_KINDS + VISIBILITIES + INDONESIAN_ZONES), TEXT)


@st.composite
def meeting_data(draw: Any, region_ids: list[int]) -> dict[str, Any]:
    """Meeting fields, each either plausible or hostile, some left out."""
    fields = {
        "title": TEXT,
        "kind": CHOICE,
        "theme": TEXT,
        "summary": TEXT,
        "starts_at": MOMENT,
        "ends_at": MOMENT,
        "timezone": CHOICE,
        "time_unknown": st.booleans(),
        "region_id": st.sampled_from(region_ids) | st.integers(1, 10**6),
        "visibility": CHOICE,
        "source_note": TEXT,
    }
    chosen = draw(st.sets(st.sampled_from(sorted(fields)), min_size=1, max_size=4))
    drawn = {name: draw(fields[name]) for name in chosen}
    if draw(st.booleans()):
        return drawn  # only what was drawn: mostly refused
    # A valid meeting with a few fields changed, so operations get to run on it.
    valid = {
        "title": "Rakor Forkopimda",
        "starts_at": datetime(2024, 2, 6, 9, 0, tzinfo=ZoneInfo("Asia/Makassar")),
        "region_id": region_ids[0],
    }
    return valid | drawn


PARTICIPATION = st.fixed_dictionaries(
    {},
    optional={
        "agency_id": st.none() | st.integers(1, 400),
        "collective_label": TEXT,
        "position": TEXT,
        "roles": st.sets(st.sampled_from(ROLES + ("boss",)), max_size=3),
        "attendance": st.sampled_from(ATTENDANCE) | TEXT,
        "represented_by": TEXT,
        "topic": TEXT,
    },
)
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("update"), st.integers(0, 3)),
        st.tuples(st.just("postpone"), MOMENT, MOMENT, TEXT),
        st.tuples(st.just("cancel"), TEXT),
        st.tuples(st.just("held")),
        st.tuples(st.just("participate"), PARTICIPATION),
    ),
    max_size=5,
)


def _consistent(meeting: Meeting) -> None:
    """What every stored meeting must satisfy."""
    assert meeting.title and meeting.title == meeting.title.strip() and len(meeting.title) <= 300
    assert meeting.kind in MEETING_KINDS and meeting.visibility in VISIBILITIES
    assert meeting.status in STATUSES and meeting.timezone in INDONESIAN_ZONES
    assert meeting.starts_at.utcoffset() == timedelta(0) or meeting.starts_at.tzinfo is not None
    assert meeting.ends_at is None or meeting.ends_at >= meeting.starts_at
    assert db.session.get(Region, meeting.region_id) is not None
    for participation in meeting.participations:
        assert participation.agency_id or participation.person_id or participation.collective_label
        assert participation.attendance in ATTENDANCE and participation.roles <= set(ROLES)
    for value in (meeting.title, meeting.theme, meeting.summary, meeting.source_note):
        assert value is None or "\x00" not in value


def _attempt(action: Any) -> Any:
    """Run one operation in a savepoint: ValidationError undoes it, anything else fails."""
    savepoint = db.session.begin_nested()
    try:
        result = action()
        db.session.flush()
    except ValidationError as error:
        savepoint.rollback()
        assert error.errors, "a ValidationError must name its fields"
        return None
    savepoint.commit()
    return result


def test_meeting_operations_refuse_or_stay_consistent(app: Any, region: Any) -> None:
    region_ids = [region(code).id for code in ("64", "64.71", "81", "94")]

    @SETTINGS
    @given(
        data=meeting_data(region_ids),
        more=st.lists(meeting_data(region_ids), max_size=4),
        actions=ACTIONS,
    )
    def run(data: dict[str, Any], more: list[dict[str, Any]], actions: list[Any]) -> None:
        try:
            meeting = _attempt(lambda: ops.create_meeting(data))
            if meeting is None:
                return
            _consistent(meeting)
            for action in actions:
                if action[0] == "update":
                    patch = more[action[1]] if action[1] < len(more) else {}
                    _attempt(lambda p=patch: ops.update_meeting(meeting, p))
                elif action[0] == "postpone":
                    _attempt(lambda a=action: ops.postpone_meeting(meeting, a[1], a[2], a[3]))
                elif action[0] == "cancel":
                    _attempt(lambda a=action: ops.cancel_meeting(meeting, a[1]))
                elif action[0] == "held":
                    _attempt(lambda: ops.mark_held(meeting))
                else:
                    _attempt(lambda a=action: ops.add_participation(meeting, a[1]))
                db.session.refresh(meeting)
                _consistent(meeting)
        finally:
            db.session.rollback()

    run()


def test_intake_proposes_from_anything(app: Any) -> None:
    @SETTINGS
    @given(
        text=st.one_of(HOSTILE, st.text(st.characters(codec="utf-8"), max_size=3000)),
        published=st.none() | st.dates(),
    )
    def run(text: str, published: Any) -> None:
        proposal = propose(plain_body(text), published)
        assert set(KEYS) <= set(proposal)
        assert isinstance(proposal["warnings"], list)

    run()


# --- regressions found by the fuzzing above -------------------------------------------------


def test_regression_nul_in_a_meeting_field_is_a_validation_error(app: Any, region: Any) -> None:
    starts = datetime(2024, 2, 6, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    base = {"title": "Rakor", "starts_at": starts, "region_id": region("64").id}
    assert _attempt(lambda: ops.create_meeting({**base, "source_note": "\x00"})) is None
    assert _attempt(lambda: ops.create_meeting({**base, "theme": "x" * 501})) is None
    meeting = _attempt(lambda: ops.create_meeting(base))
    assert _attempt(lambda: ops.cancel_meeting(meeting, "banjir\x00")) is None
    db.session.refresh(meeting)
    assert meeting.status == "scheduled"
