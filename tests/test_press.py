"""Press releases, coverage and evidence."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import ChangeLog, PressRelease
from tracker.press import operations as ops
from tracker.validation import ValidationError

BODY = (
    "Samarinda - Bawaslu Kaltim menggelar rakor pengawasan, Kamis (25/1/2024). "
    "Rapat dipimpin Ketua Bawaslu Kaltim dan dihadiri KPU Kaltim."
)


def release(**overrides):
    fields = {
        "outlet": "humas.example",
        "url": "https://humas.example/rakor-bawaslu",
        "title": "Bawaslu Kaltim Gelar Rakor",
        "published_at": datetime(2024, 1, 25, 15, 0, tzinfo=ZoneInfo("Asia/Makassar")),
        "body": BODY,
    }
    fields.update(overrides)
    return ops.create_press_release(fields)


def test_duplicate_url_refused_naming_field(app):
    release()
    db.session.commit()
    with pytest.raises(ValidationError) as info:
        release(title="Salinan")
    assert "url" in info.value.errors
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(PressRelease)).scalar() == 1


def test_content_hash_ignores_spacing(app):
    first = release()
    db.session.commit()
    assert ops.find_by_content("  " + BODY.replace(" ", "   ") + "\n") is first


def test_bad_url_and_naive_time_refused(app):
    with pytest.raises(ValidationError) as info:
        release(url="javascript:alert(1)", published_at=datetime(2024, 1, 25, 15, 0))
    assert set(info.value.errors) == {"url", "published_at"}


def test_evidence_must_quote_the_release(make_meeting, agency):
    meeting = make_meeting()
    pr = release()
    part = add_participation(meeting, {"agency_id": agency("kpu-kaltim").id, "roles": {"attendee"}})
    item = ops.add_evidence(
        part, pr, "Rapat dipimpin Ketua Bawaslu Kaltim dan dihadiri KPU Kaltim."
    )
    db.session.commit()
    assert item.press_release is pr
    assert [c.press_release for c in meeting.coverages] == [pr]
    with pytest.raises(ValidationError) as info:
        ops.add_evidence(part, pr, "KPU Kaltim tidak hadir.")
    assert "sentence" in info.value.errors
    kinds = (
        db.session.execute(
            db.select(ChangeLog.entity).filter_by(meeting_id=meeting.id).order_by(ChangeLog.id)
        )
        .scalars()
        .all()
    )
    assert kinds == ["meeting", "participation", "coverage", "evidence"]


def test_attach_twice_keeps_one_coverage(make_meeting):
    meeting = make_meeting()
    pr = release()
    ops.attach_press_release(meeting, pr, "announces")
    ops.attach_press_release(meeting, pr, "reports")
    db.session.commit()
    assert len(meeting.coverages) == 1
    assert meeting.coverages[0].relation == "reports"
