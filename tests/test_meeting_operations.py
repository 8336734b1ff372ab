"""Meeting and participation operations: validation, writes, change log."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import ChangeLog, Meeting, Participation
from tracker.validation import ValidationError

WITA = ZoneInfo("Asia/Makassar")


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_create_stores_utc_and_zone(make_meeting, region):
    meeting = make_meeting()
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.starts_at == datetime(2024, 2, 6, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert stored.timezone == "Asia/Makassar"  # defaulted from Kalimantan Timur
    assert stored.local_start.hour == 9
    assert stored.uid.endswith("@rakor-tracker")
    log = db.session.execute(db.select(ChangeLog).filter_by(entity="meeting")).scalar_one()
    assert log.action == "create"
    assert log.changes["title"] == [None, "Rakor Kesiapan Pemilu 2024"]


def test_uid_never_changes_on_update(make_meeting):
    meeting = make_meeting()
    uid = meeting.uid
    ops.update_meeting(meeting, {"title": "Rakor Baru"})
    db.session.commit()
    assert meeting.uid == uid


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": datetime(2024, 2, 6, 8, 0, tzinfo=WITA)}, "ends_at"),
        ({"timezone": "Europe/Berlin"}, "timezone"),
        ({"timezone": "Asia/Singapore"}, "timezone"),
        ({"starts_at": datetime(2024, 2, 6, 9, 0)}, "starts_at"),
        ({"ends_at": datetime(2024, 2, 6, 12, 0)}, "ends_at"),
        ({"title": "   "}, "title"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_meeting_refused_naming_field(make_meeting, overrides, field):
    with pytest.raises(ValidationError) as info:
        make_meeting(**overrides)
    assert field in info.value.errors
    assert info.value.errors[field]
    db.session.rollback()
    assert count(Meeting) == 0
    assert count(ChangeLog) == 0


def test_update_records_before_and_after(make_meeting):
    meeting = make_meeting()
    delta = ops.update_meeting(meeting, {"title": "Rakor Pengamanan", "theme": "Aman"})
    db.session.commit()
    assert delta == {
        "title": ["Rakor Kesiapan Pemilu 2024", "Rakor Pengamanan"],
        "theme": [None, "Aman"],
    }
    entry = db.session.execute(
        db.select(ChangeLog).filter_by(action="update", meeting_id=meeting.id)
    ).scalar_one()
    assert entry.changes == delta
    assert meeting.sequence == 1


def test_stale_version_refused(make_meeting):
    meeting = make_meeting()
    version = meeting.version
    ops.update_meeting(meeting, {"title": "Pertama"}, expected_version=version)
    db.session.commit()
    with pytest.raises(ops.StaleMeetingError):
        ops.update_meeting(meeting, {"title": "Kedua"}, expected_version=version)
    db.session.rollback()
    assert db.session.get(Meeting, meeting.id).title == "Pertama"


def test_postpone_and_cancel_bump_sequence_and_log(make_meeting):
    meeting = make_meeting()
    new_start = datetime(2024, 2, 8, 10, 0, tzinfo=WITA)
    ops.postpone_meeting(meeting, new_start, None, "Menunggu arahan pusat")
    db.session.commit()
    assert meeting.status == "postponed"
    assert meeting.sequence == 1
    assert meeting.local_start.day == 8
    ops.cancel_meeting(meeting, "Dibatalkan karena banjir")
    db.session.commit()
    assert meeting.status == "cancelled"
    assert meeting.sequence == 2
    actions = (
        db.session.execute(
            db.select(ChangeLog.action).filter_by(meeting_id=meeting.id).order_by(ChangeLog.id)
        )
        .scalars()
        .all()
    )
    assert actions == ["create", "postpone", "cancel"]
    postpone = db.session.execute(db.select(ChangeLog).filter_by(action="postpone")).scalar_one()
    assert postpone.changes["status"] == ["scheduled", "postponed"]
    assert postpone.changes["starts_at"][1].startswith("2024-02-08T02:00")
    with pytest.raises(ValidationError) as info:
        ops.postpone_meeting(meeting, new_start)
    assert "status" in info.value.errors


def test_cancel_requires_reason(make_meeting):
    meeting = make_meeting()
    with pytest.raises(ValidationError) as info:
        ops.cancel_meeting(meeting, "  ")
    assert "status_reason" in info.value.errors


def test_participation_lifecycle_logged(make_meeting, agency):
    meeting = make_meeting()
    polda = agency("polda-kaltim")
    part = ops.add_participation(
        meeting,
        {
            "agency_id": polda.id,
            "position": "Kapolda Kaltim",
            "roles": {"speaker"},
            "attendance": "present",
        },
    )
    db.session.commit()
    assert part.roles == frozenset({"speaker"})
    ops.update_participation(
        part, {"attendance": "represented", "represented_by": "Wakapolda Kaltim"}
    )
    db.session.commit()
    ops.remove_participation(part)
    db.session.commit()
    assert count(Participation) == 0
    logs = (
        db.session.execute(
            db.select(ChangeLog).filter_by(entity="participation").order_by(ChangeLog.id)
        )
        .scalars()
        .all()
    )
    assert [entry.action for entry in logs] == ["create", "update", "delete"]
    assert logs[1].changes["attendance"] == ["unknown", "represented"] or logs[1].changes[
        "attendance"
    ] == ["present", "represented"]
    assert logs[1].changes["represented_by"] == [None, "Wakapolda Kaltim"]
    assert logs[2].changes["agency_id"] == [polda.id, None]


def test_participation_needs_a_participant(make_meeting):
    meeting = make_meeting()
    with pytest.raises(ValidationError) as info:
        ops.add_participation(meeting, {"roles": {"attendee"}})
    assert "agency_id" in info.value.errors


def test_collective_participation(make_meeting):
    meeting = make_meeting()
    part = ops.add_participation(
        meeting,
        {"collective_label": "camat se-Kaltim", "roles": {"attendee"}, "attendance": "present"},
    )
    db.session.commit()
    assert part.label == "camat se-Kaltim"


def test_represented_by_needs_represented(make_meeting, agency):
    meeting = make_meeting()
    with pytest.raises(ValidationError) as info:
        ops.add_participation(
            meeting,
            {"agency_id": agency("kpu-kaltim").id, "attendance": "present", "represented_by": "X"},
        )
    assert "represented_by" in info.value.errors


def test_naive_datetime_refused_by_column_type(app, region):
    meeting = Meeting(
        title="x",
        starts_at=datetime(2024, 1, 1, 9),
        timezone="Asia/Jakarta",
        region_id=region("31").id,
    )
    db.session.add(meeting)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()
