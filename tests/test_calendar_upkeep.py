"""Stored VEVENTs kept fresh at commit: only what a change reaches is rebuilt (both databases)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from calendar_check import data as calendar_data
from icalendar import Calendar
from sql_helpers import statements
from sqlalchemy import update

from tracker.agencies import operations as agency_ops
from tracker.calendar import cache, state, upkeep
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import Agency, Meeting, Region, Venue


@pytest.fixture
def meetings(make_meeting, region, agency):
    """The shared set of meetings, each stored by the commit that made it."""
    return calendar_data.build(make_meeting, region, agency)


@pytest.fixture
def counted(built_events):
    """The ids of the meetings whose VEVENT is written, in order."""
    return built_events


def _stored() -> dict[int, tuple[int | None, str | None]]:
    rows = db.session.execute(db.select(Meeting.id, Meeting.ical_version, Meeting.ical_event))
    return {mid: (version, text) for mid, version, text in rows}


def _fresh(mid: int) -> bool:
    """Whether the stored piece is at the meeting's version and carries today's stamp."""
    row = db.session.execute(
        db.select(Meeting.version, Meeting.ical_version, Meeting.ical_event).where(
            Meeting.id == mid
        )
    ).one()
    stamp = cache.piece_stamp(cache.settings(), state.read().reference_generation)
    return row.version == row.ical_version and (row.ical_event or "").startswith(stamp + "\n")


def test_every_meeting_is_stored_by_its_commit(meetings):
    stored = _stored()
    assert set(stored) == {m.id for m in meetings.values()}
    assert all(_fresh(mid) for mid in stored)
    assert all("BEGIN:VEVENT" in (text or "") for _v, text in stored.values())


def test_an_agency_rename_rebuilds_only_the_events_naming_it(client, meetings, counted):
    before = _stored()
    references = state.read().reference_generation
    polda = db.session.execute(db.select(Agency).filter_by(slug="polda-kaltim")).scalar_one()
    agency_ops.update_agency(polda, {"short_name": "Polda Kalimantan Timur"})
    db.session.commit()
    seed = meetings["seed"].id
    assert counted == [seed]
    assert state.read().reference_generation == references
    after = _stored()
    assert "Polda Kalimantan Timur" in (after[seed][1] or "")
    assert {k: v for k, v in after.items() if k != seed} == {
        k: v for k, v in before.items() if k != seed
    }
    body = client.get("/calendar/all.ics").get_data()
    assert counted == [seed]  # the feed assembled what the commit stored
    (event,) = Calendar.from_ical(body).with_uid(meetings["seed"].uid)
    assert "Polda Kalimantan Timur" in str(event["DESCRIPTION"])


def test_a_venue_edit_and_a_removed_participant_reach_their_meeting(meetings, counted):
    seed = meetings["seed"]
    venue = db.session.get(Venue, seed.venue_id)
    venue.name = "Hotel Baru Balikpapan"
    db.session.commit()
    assert counted == [seed.id]
    assert "Hotel Baru Balikpapan" in (_stored()[seed.id][1] or "")
    counted.clear()
    bawaslu = next(p for p in seed.participations if p.agency.slug == "bawaslu-kaltim")
    ops.remove_participation(bawaslu)
    db.session.commit()
    assert counted == [seed.id]
    assert "Bawaslu" not in (_stored()[seed.id][1] or "")


def test_a_person_or_election_renamed_in_the_orm_rebuilds_only_their_meetings(meetings, counted):
    seed = meetings["seed"]
    chair = next(p for p in seed.participations if p.person is not None).person
    references = state.read().reference_generation
    chair.name = "Akmal Malik Piliang"
    db.session.commit()
    assert counted == [seed.id]
    assert "Akmal Malik Piliang" in (_stored()[seed.id][1] or "")
    counted.clear()
    election = db.session.get(Meeting, seed.id).election
    election.name = "Pemilu Serentak 2024"
    db.session.commit()
    assert counted == [seed.id]
    assert "Pemilu Serentak 2024" in (_stored()[seed.id][1] or "")
    assert state.read().reference_generation == references
    assert _fresh(seed.id)


def test_a_participation_changed_without_a_version_bump_is_rebuilt(meetings, counted):
    seed = meetings["seed"]
    version = seed.version
    speaker = next(p for p in seed.participations if "speaker" in (p.roles or ()))
    speaker.position = "Kapolda Kalimantan Timur"
    db.session.commit()
    assert db.session.get(Meeting, seed.id).version == version
    assert counted == [seed.id]
    assert "Kapolda Kalimantan Timur" in (_stored()[seed.id][1] or "")


def test_an_edit_no_event_shows_rebuilds_nothing(meetings, counted):
    before = _stored()
    polda = db.session.execute(db.select(Agency).filter_by(slug="polda-kaltim")).scalar_one()
    polda.full_name = "Kepolisian Daerah Kalimantan Timur (nama lengkap)"
    db.session.commit()
    assert counted == []
    assert _stored() == before


def test_a_piece_built_before_another_commit_is_not_stored(meetings, counted):
    seed = meetings["seed"]
    cache.forget_events([seed.id])
    db.session.commit()
    reading = state.read()
    where = [Meeting.id == seed.id]
    conf = cache.settings()
    # Read at an older generation: a commit (a rename, say) landed while it was built.
    stale_generation = reading.generation - 1
    texts = [
        t
        for chunk in cache.stream_pieces(
            where, conf, reading.reference_generation, generation=stale_generation
        )
        for t in chunk
    ]
    db.session.commit()
    assert len(texts) == 1 and counted == [seed.id]
    assert _stored()[seed.id] == (None, None)
    list(
        cache.stream_pieces(
            where, conf, reading.reference_generation, generation=reading.generation
        )
    )
    db.session.commit()
    assert _fresh(seed.id)


def test_a_flush_failed_in_a_savepoint_leaves_bulk_writes_counted(meetings):
    references = state.read().reference_generation
    polda = db.session.execute(db.select(Agency).filter_by(slug="polda-kaltim")).scalar_one()
    nested = db.session.begin_nested()
    polda.short_name = None  # NOT NULL: the flush fails inside the savepoint
    with pytest.raises(Exception):  # noqa: B017 (either database's IntegrityError)
        db.session.flush()
    nested.rollback()
    db.session.execute(
        update(Agency).where(Agency.slug == "polda-kaltim").values(short_name="Polda (Core)")
    )
    db.session.commit()
    assert state.read().reference_generation == references + 1


def test_a_region_rename_past_the_commit_limit_leaves_the_rest_for_the_feed(
    client, meetings, counted, monkeypatch
):
    monkeypatch.setattr(upkeep, "BUILD_AT_COMMIT", 1)
    kaltim = db.session.execute(db.select(Region).filter_by(code="64")).scalar_one()
    kaltim.name = "Provinsi Kalimantan Timur"
    db.session.commit()
    assert len(counted) == 1
    naming = set(
        db.session.execute(db.select(Meeting.id).where(Meeting.region_id == kaltim.id)).scalars()
    )
    assert len(naming) > 1
    assert sum(_fresh(mid) for mid in naming) == 1  # the others are marked stale
    body = client.get("/calendar/all.ics?archive=1").get_data().decode()
    assert set(counted) <= naming and len(counted) > 1
    assert "Provinsi Kalimantan Timur" in body
    assert all(_fresh(mid) for mid in naming if mid != meetings["internal"].id)


def test_a_savepoint_rolled_back_keeps_the_outer_edit_stored(meetings):
    seed, papua = meetings["seed"], meetings["papua"]
    ops.update_meeting(seed, {"title": "Judul yang disimpan"})
    nested = db.session.begin_nested()
    ops.update_meeting(papua, {"title": "Judul yang dibatalkan"})
    db.session.flush()
    nested.rollback()
    db.session.commit()
    stored = _stored()
    assert "Judul yang disimpan" in (stored[seed.id][1] or "") and _fresh(seed.id)
    assert "Judul yang dibatalkan" not in (stored[papua.id][1] or "") and _fresh(papua.id)


def test_without_a_public_base_url_nothing_is_built_at_commit(app, make_meeting, region, counted):
    app.config["PUBLIC_BASE_URL"] = None
    meeting = make_meeting(title="Rapat tanpa alamat publik", region_id=region("64").id)
    assert counted == []
    assert _stored()[meeting.id] == (None, None)


def test_a_failed_commit_leaves_no_flush_mark_behind(app, meetings):
    seed = db.session.get(Meeting, meetings["seed"].id)
    seed.title = None  # NOT NULL: the flush fails
    with pytest.raises(Exception):  # noqa: B017 (either database's IntegrityError)
        db.session.commit()
    db.session.rollback()
    assert state.IN_FLUSH not in db.session.connection().info
    db.session.rollback()


def _edit_and_feed(client, meeting: Meeting, count: int) -> tuple[int, int]:
    """Statements of one edit's commit and of the archive feed assembled after it."""
    # A new end time: unlike a new title, it adds no word to the search vocabulary.
    ends_at = meeting.starts_at + timedelta(minutes=60 + count)
    with statements() as edit:
        ops.update_meeting(meeting, {"ends_at": ends_at})
        db.session.commit()
    with statements() as feed:
        body = client.get("/calendar/all.ics?archive=1").get_data()
    assert body.count(b"BEGIN:VEVENT") == count
    # Assembly reads the store alone: no meeting row is joined to its places and names.
    (select_meetings,) = [s for s in feed if "ical_event" in s]
    assert "JOIN" not in select_meetings.upper()
    return len(edit), len(feed)


def test_statement_counts_of_an_edit_and_an_assembled_feed_are_constant(
    client, make_meeting, region
):
    kaltim = region("64").id
    made = [make_meeting(title=f"Rakor ke-{n}", region_id=kaltim) for n in range(5)]
    at_five = _edit_and_feed(client, made[0], 5)
    made += [make_meeting(title=f"Rakor ke-{n}", region_id=kaltim) for n in range(5, 50)]
    assert _edit_and_feed(client, made[0], 50) == at_five


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_participation_added_while_an_agency_is_renamed_gets_the_new_name(app, meetings, agency):
    """The other commit builds with the old name; the rename's commit finds and rebuilds it."""
    papua_id, polda_id, failures = meetings["papua"].id, agency("polda-kaltim").id, []

    def add_polda_elsewhere() -> None:
        try:
            with app.app_context():
                other = db.session.get(Meeting, papua_id)
                ops.add_participation(other, {"agency_id": polda_id, "roles": {"attendee"}})
                db.session.commit()
        except Exception as error:  # reported below, with the test's own failure
            failures.append(error)

    polda = db.session.get(Agency, polda_id)
    polda.short_name = "Polda Kalimantan Timur"
    db.session.flush()  # renamed, not committed: the other transaction reads the old name
    other = threading.Thread(target=add_polda_elsewhere)
    other.start()
    other.join(timeout=60)
    assert not other.is_alive() and failures == []
    db.session.commit()
    stored = _stored()[papua_id][1] or ""
    assert "Polda Kalimantan Timur" in stored and _fresh(papua_id)
