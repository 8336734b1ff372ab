"""body_tally (issue 17): kept in step with participations by every write path."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, select, update

from tracker.agencies.operations import merge_agencies
from tracker.extensions import db
from tracker.meetings.operations import (
    add_participation,
    cancel_meeting,
    remove_participation,
    update_meeting,
    update_participation,
)
from tracker.models import (
    Agency,
    BodyPairTotal,
    BodyTally,
    BodyTotal,
    Meeting,
    Participation,
    Region,
)
from tracker.models.tally import FORUM_FLAGS, TALLY_FLAGS
from tracker.rankings import tally

WITA = ZoneInfo("Asia/Makassar")
# The columns a province ranking, an agency's months and the agency menu read.
PLACE_AND_TIME = ("province_id", "month", "called_off")


def _rows() -> list[tuple]:
    columns = [BodyTally.meeting_id, BodyTally.agency_id, BodyTally.counted, BodyTally.forum]
    columns += [getattr(BodyTally, name) for name in (*PLACE_AND_TIME, *TALLY_FLAGS, "seat")]
    stmt = select(*columns).order_by(BodyTally.meeting_id, BodyTally.agency_id)
    return [tuple(row) for row in db.session.execute(stmt)]


def _totals() -> list[tuple]:
    columns = [BodyTotal.agency_id, BodyTotal.meetings]
    columns += [getattr(BodyTotal, name) for name in (*TALLY_FLAGS, *FORUM_FLAGS)]
    # A body whose meetings all left keeps no row, or a row of zeros: both mean none.
    stmt = select(*columns).where(BodyTotal.meetings > 0).order_by(BodyTotal.agency_id)
    pairs = select(BodyPairTotal.agency_id, BodyPairTotal.partner_id, BodyPairTotal.meetings)
    found = [tuple(row) for row in db.session.execute(stmt)]
    ordered = pairs.order_by(BodyPairTotal.agency_id, BodyPairTotal.partner_id)
    return found + [("pair", *row) for row in db.session.execute(ordered)]


def _rebuilt() -> tuple[list[tuple], list[tuple]]:
    """The rows and totals a rebuild from nothing gives, without keeping them."""
    with db.session.begin_nested() as nested:
        tally.rebuild_all()
        rebuilt = _rows(), _totals()
        nested.rollback()
    return rebuilt


def _in_step() -> list[tuple]:
    rows, totals = _rows(), _totals()
    assert (rows, totals) == _rebuilt()
    return rows


@pytest.fixture
def two_meetings(make_meeting, agency):
    first = make_meeting(title="Rakor satu", starts_at=datetime(2024, 1, 10, 9, tzinfo=WITA))
    second = make_meeting(title="Rakor dua", starts_at=datetime(2024, 1, 11, 9, tzinfo=WITA))
    for meeting, parts in (
        (first, [("polda-kaltim", {"chair"}, "present"), ("kpu-kaltim", set(), "absent")]),
        (second, [("polda-kaltim", {"speaker"}, "represented")]),
    ):
        for slug, roles, mark in parts:
            add_participation(
                meeting,
                {"agency_id": agency(slug).id, "roles": frozenset(roles), "attendance": mark},
            )
    db.session.commit()
    return first, second


def test_flags_of_a_new_meeting(two_meetings, agency, region):
    first, _second = two_meetings
    rows = {(r[0], r[1]): r[2:] for r in _in_step()}
    polda, kpu = agency("polda-kaltim").id, agency("kpu-kaltim").id
    names = ("counted", "forum", *PLACE_AND_TIME, *TALLY_FLAGS, "seat")
    flags = dict(zip(names, rows[(first.id, polda)], strict=True))
    assert flags == {
        "counted": True,
        "forum": 0,
        "province_id": region("64").id,
        "month": "2024-01",
        "called_off": 0,
        "attended": 1,
        "chair": 1,
        "host": 0,
        "speaker": 0,
        "attendee": 0,
        "present": 1,
        "represented": 0,
        "unknown": 0,
        "absent": 0,
        "seat": 0,
    }
    absent = dict(zip(names, rows[(first.id, kpu)], strict=True))
    # Absent: its role (none, so attendee) is not counted as attended.
    assert (absent["attended"], absent["attendee"], absent["absent"]) == (0, 0, 1)


def test_orm_edits_stay_in_step(two_meetings):
    first, second = two_meetings
    before = _rows()
    update_participation(first.participations[1], {"attendance": "present"})
    db.session.commit()
    changed = _in_step()
    assert changed != before
    remove_participation(second.participations[0])
    db.session.commit()
    assert [r for r in _in_step() if r[0] == second.id] == []
    update_meeting(first, {"kind": "rakor_forkopimda"})
    db.session.commit()
    assert {r[3] for r in _in_step() if r[0] == first.id} == {1}
    update_meeting(first, {"visibility": "internal"})
    db.session.commit()
    assert {r[2] for r in _in_step() if r[0] == first.id} == {False}


def _place_and_time(meeting) -> set[tuple]:
    return {tuple(r[4:7]) for r in _in_step() if r[0] == meeting.id}


def test_province_month_and_cancellation_follow_the_meeting(two_meetings, region):
    first, _second = two_meetings
    assert _place_and_time(first) == {(region("64").id, "2024-01", 0)}
    # A regency's meeting belongs to its province; the month is the meeting's own zone's
    # (00:30 WITA on 1 February is still 31 January in UTC).
    update_meeting(
        first,
        {"region_id": region("73.71").id, "starts_at": datetime(2024, 2, 1, 0, 30, tzinfo=WITA)},
    )
    db.session.commit()
    assert _place_and_time(first) == {(region("73").id, "2024-02", 0)}
    cancel_meeting(first, "Banjir")
    db.session.commit()
    assert _place_and_time(first) == {(region("73").id, "2024-02", 1)}
    assert {r[2] for r in _in_step() if r[0] == first.id} == {False}
    # Only a public meeting's cancellation is shown anywhere.
    update_meeting(first, {"visibility": "internal"})
    db.session.commit()
    assert _place_and_time(first) == {(region("73").id, "2024-02", 0)}


def test_totals_are_the_sums_of_counted_meetings(two_meetings, agency):
    _in_step()
    polda = db.session.get(BodyTotal, agency("polda-kaltim").id)
    assert (polda.meetings, polda.attended, polda.chair, polda.speaker) == (2, 2, 1, 1)
    kpu = db.session.get(BodyTotal, agency("kpu-kaltim").id)
    assert (kpu.meetings, kpu.attended, kpu.absent) == (1, 0, 1)


def _pairs() -> dict[tuple[str, str], int]:
    found = db.session.execute(select(BodyPairTotal))
    slugs = {a.id: a.slug for a in db.session.scalars(select(Agency))}
    return {(slugs[p.agency_id], slugs[p.partner_id]): p.meetings for (p,) in found}


def _forum(meeting, agency) -> None:
    """Make ``meeting`` a Kaltim Forkopimda with statutory members and one other body."""
    update_meeting(meeting, {"kind": "rakor_forkopimda"})
    for slug, mark in (
        ("pemprov-kaltim", "represented"),
        ("kodam-vi-mulawarman", "absent"),
        ("bawaslu-kaltim", "present"),
    ):
        add_participation(
            meeting, {"agency_id": agency(slug).id, "roles": frozenset(), "attendance": mark}
        )
    db.session.commit()


def test_forum_seats_and_partner_pairs(two_meetings, agency):
    first, second = two_meetings
    _forum(first, agency)
    seated = {r[1] for r in _in_step() if r[0] == first.id and r[-1] == 1}
    # Polda, Pemprov and the Kodam covering Kaltim sit as of right; KPU and Bawaslu do not.
    assert seated == {
        agency(s).id for s in ("polda-kaltim", "pemprov-kaltim", "kodam-vi-mulawarman")
    }
    totals = {
        slug: db.session.get(BodyTotal, agency(slug).id)
        for slug in ("pemprov-kaltim", "kodam-vi-mulawarman", "kpu-kaltim")
    }
    assert (totals["pemprov-kaltim"].forum_represented, totals["pemprov-kaltim"].forum_absent) == (
        1,
        0,
    )
    assert totals["kodam-vi-mulawarman"].forum_absent == 1
    assert totals["kpu-kaltim"].forum_absent == 0  # absent, but no seat
    # Attended together: Polda, Pemprov (represented) and Bawaslu; absent bodies pair with none.
    assert _pairs() == {
        (a, b): 1
        for a in ("polda-kaltim", "pemprov-kaltim", "bawaslu-kaltim")
        for b in ("polda-kaltim", "pemprov-kaltim", "bawaslu-kaltim")
        if a != b
    }
    add_participation(
        second,
        {"agency_id": agency("bawaslu-kaltim").id, "roles": frozenset(), "attendance": "present"},
    )
    db.session.commit()
    _in_step()
    assert _pairs()[("polda-kaltim", "bawaslu-kaltim")] == 2


def test_an_agency_edit_decides_its_seats_again(two_meetings, agency):
    first, _second = two_meetings
    _forum(first, agency)
    bawaslu = agency("bawaslu-kaltim")
    bawaslu.kind = "police"  # now a top-level body of that kind in the province
    db.session.commit()
    assert (first.id, bawaslu.id) in {(r[0], r[1]) for r in _in_step() if r[-1] == 1}
    kodam = agency("kodam-vi-mulawarman")
    kodam.valid_until = first.starts_at.date().replace(year=2000)
    db.session.commit()
    assert (first.id, kodam.id) not in {(r[0], r[1]) for r in _in_step() if r[-1] == 1}


def test_a_deleted_meeting_takes_its_pairs(two_meetings, agency):
    first, _second = two_meetings
    _forum(first, agency)
    with db.session.begin_nested() as nested:
        db.session.delete(first)
        db.session.flush()
        nested.rollback()
    db.session.commit()
    assert _pairs() and _in_step()
    db.session.delete(first)
    db.session.commit()
    _in_step()
    assert _pairs() == {}


def test_cancelling_and_deleting_stay_in_step(two_meetings):
    first, second = two_meetings
    cancel_meeting(second, "Banjir")
    db.session.commit()
    assert {r[2] for r in _in_step() if r[0] == second.id} == {False}
    first_id = first.id
    db.session.delete(first)
    db.session.commit()
    assert [r for r in _in_step() if r[0] == first_id] == []
    # Every meeting gone: no body is left with a total.
    assert _totals() == []


def test_bulk_statements_stay_in_step(two_meetings, agency):
    first, second = two_meetings
    kejati = agency("kejati-kaltim").id
    # A load past the ORM (as synth does): rows given as parameters.
    db.session.execute(
        insert(Participation.__table__),
        [
            {
                "meeting_id": second.id,
                "agency_id": kejati,
                "roles": frozenset({"host"}),
                "attendance": "present",
                "order": 5,
            }
        ],
    )
    db.session.commit()
    rows = {(r[0], r[1]): r for r in _in_step()}
    host = (
        4 + len(PLACE_AND_TIME) + TALLY_FLAGS.index("host")
    )  # after meeting, agency, counted, forum
    assert rows[(second.id, kejati)][host] == 1
    db.session.execute(update(Meeting).where(Meeting.id == first.id).values(status="cancelled"))
    db.session.commit()
    assert {r[2] for r in _in_step() if r[0] == first.id} == {False}
    second_id = second.id
    db.session.execute(delete(Meeting).where(Meeting.id == second_id))
    db.session.commit()
    assert [r for r in _in_step() if r[0] == second_id] == []


def test_bulk_statements_whose_meetings_are_unknown_rebuild(two_meetings, agency):
    first, second = two_meetings
    bawaslu = agency("bawaslu-kaltim").id
    # .values(): no parameter rows to read the meeting from.
    db.session.execute(
        insert(Participation.__table__).values(
            meeting_id=first.id, agency_id=bawaslu, roles="", attendance="present", order=9
        )
    )
    db.session.commit()
    assert (first.id, bawaslu) in {(r[0], r[1]) for r in _in_step()}
    # Participations moved to another meeting: the new meeting is not in the WHERE.
    db.session.execute(
        update(Participation)
        .where(Participation.meeting_id == first.id)
        .values(meeting_id=second.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = _in_step()
    assert [r for r in rows if r[0] == first.id] == []
    assert (second.id, bawaslu) in {(r[0], r[1]) for r in rows}


def test_savepoints_keep_what_the_transaction_touched(two_meetings, agency):
    first, second = two_meetings
    update_participation(first.participations[1], {"attendance": "present"})
    db.session.flush()
    with db.session.begin_nested() as nested:
        add_participation(second, {"agency_id": agency("kejati-kaltim").id})
        db.session.flush()
        nested.rollback()  # the savepoint's change goes; the edit before it stays
    with db.session.begin_nested():
        add_participation(second, {"agency_id": agency("dprd-kaltim").id})
    db.session.commit()
    rows = {(r[0], r[1]) for r in _in_step()}
    assert (second.id, agency("dprd-kaltim").id) in rows
    assert (second.id, agency("kejati-kaltim").id) not in rows


def test_a_merge_moves_the_tally(two_meetings, agency):
    first, _second = two_meetings
    survivor, duplicate = agency("bawaslu-kaltim"), agency("kpu-kaltim")
    merge_agencies(survivor, duplicate)
    db.session.commit()
    rows = _in_step()
    assert (first.id, survivor.id) in {(r[0], r[1]) for r in rows}


def test_a_rolled_back_write_leaves_nothing_to_refresh(two_meetings, agency):
    first, _second = two_meetings
    add_participation(first, {"agency_id": agency("kejati-kaltim").id})
    db.session.flush()
    db.session.rollback()
    assert "body_tally_touched" not in db.session.info
    _in_step()


def test_a_large_transaction_rebuilds_everything(two_meetings, agency, monkeypatch):
    first, _second = two_meetings
    monkeypatch.setattr(tally, "_REBUILD_OVER", 0)
    add_participation(first, {"agency_id": agency("kejati-kaltim").id, "attendance": "present"})
    db.session.commit()
    rows = _in_step()
    assert (first.id, agency("kejati-kaltim").id) in {(r[0], r[1]) for r in rows}


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_commits_sharing_a_body_take_turns(app, two_meetings):
    """Without the advisory lock the second commit inserts the shared body's total twice."""
    first, second = two_meetings
    second_id, failures = second.id, []

    def edit_the_other_meeting() -> None:
        try:
            with app.app_context():
                other = db.session.get(Meeting, second_id)
                update_participation(other.participations[0], {"attendance": "present"})
                db.session.commit()
        except Exception as error:  # reported below, with the test's own failure
            failures.append(error)

    # Both meetings name Polda Kaltim: both commits re-sum its total.
    update_participation(first.participations[0], {"attendance": "represented"})
    db.session.flush()
    tally.refresh([first.id])  # this transaction now holds the turn and Polda's total
    other = threading.Thread(target=edit_the_other_meeting)
    other.start()
    other.join(timeout=1)  # the other commit waits for the turn meanwhile
    db.session.commit()
    other.join(timeout=60)
    assert not other.is_alive() and failures == []
    db.session.expire_all()
    _in_step()


def test_a_new_kodam_table_decides_the_seats_again(two_meetings, agency, monkeypatch):
    from tracker import reference
    from tracker.calendar import state

    first, _second = two_meetings
    _forum(first, agency)
    kodam = agency("kodam-vi-mulawarman")
    assert db.session.get(BodyTotal, kodam.id).forum_absent == 1
    generation = state.read().generation
    # A release whose Kodam table no longer has Kodam VI covering Kaltim.
    coverage = {**reference.kodam_coverage(), "Kodam VI/Mulawarman": ("65", "63")}
    monkeypatch.setattr(reference, "kodam_coverage", lambda: coverage)
    assert tally.remark_seats() == 1
    db.session.commit()
    _in_step()
    assert db.session.get(BodyTotal, kodam.id).forum_absent == 0
    assert state.read().generation > generation  # kept rankings are computed again
    assert tally.remark_seats() == 0  # nothing more to change


def test_a_region_moved_by_a_bulk_update_moves_its_seats(two_meetings, agency, region):
    first, _second = two_meetings
    _forum(first, agency)
    update_meeting(first, {"region_id": region("64.72").id})
    db.session.commit()
    assert (first.id, agency("polda-kaltim").id) in {(r[0], r[1]) for r in _in_step() if r[-1]}
    # Reference data moves Samarinda under another province (as load-regions writes).
    db.session.execute(update(Region), [{"id": region("64.72").id, "parent_id": region("65").id}])
    db.session.commit()
    assert (first.id, agency("polda-kaltim").id) not in {(r[0], r[1]) for r in _in_step() if r[-1]}
