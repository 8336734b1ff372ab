"""Public meeting pages kept between writes (tracker/page_cache.py, issue 18 goal 3)."""

from __future__ import annotations

from datetime import date

import pytest
from sql_helpers import statements
from sqlalchemy import text
from staff_helpers import login, make_user

from tracker import page_cache
from tracker.extensions import db
from tracker.meetings.operations import add_participation, update_meeting
from tracker.press.operations import add_evidence, attach_press_release, create_press_release

SENTENCE = "Kapolda Kaltim memimpin apel kesiapan pengamanan pemilu di Samarinda."


@pytest.fixture
def meeting(make_meeting, agency):
    found = make_meeting(title="Rakor Forkopimda Kaltim")
    add_participation(found, {"agency_id": agency("polda-kaltim").id})
    db.session.commit()
    return found


def _statements(client, path):
    with statements() as seen:
        response = client.get(path)
    assert response.status_code == 200
    return len(seen), response.get_data(as_text=True)


def test_a_kept_page_costs_one_statement(client, meeting):
    path = f"/meetings/{meeting.id}"
    first, html = _statements(client, path)
    again, kept = _statements(client, path)
    assert first > 5 and again == 1  # the counter reading
    assert kept == html


def test_an_edit_shows_on_the_next_request(client, meeting):
    path = f"/meetings/{meeting.id}"
    client.get(path)
    update_meeting(meeting, {"title": "Rakor Forkopimda Kaltim (diubah)"})
    db.session.commit()
    assert "Rakor Forkopimda Kaltim (diubah)" in client.get(path).get_data(as_text=True)
    # A change made with plain SQL, as another server or a script would, shows too.
    db.session.execute(
        text("UPDATE meeting SET theme = 'Pemilu damai' WHERE id = :id"), {"id": meeting.id}
    )
    db.session.commit()
    assert "Pemilu damai" in client.get(path).get_data(as_text=True)


def test_a_press_release_shows_without_moving_the_feeds(client, meeting):
    path = f"/meetings/{meeting.id}"
    assert "Belum ada siaran pers" in client.get(path).get_data(as_text=True)
    feed = client.get("/calendar/all.ics").headers["ETag"]
    release = create_press_release(
        {
            "outlet": "Humas Polda Kaltim",
            "title": "Apel kesiapan pengamanan",
            "published_date": date(2024, 2, 1),
            "body": SENTENCE,
        }
    )
    attach_press_release(meeting, release)
    add_evidence(meeting.participations[0], release, SENTENCE)
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Apel kesiapan pengamanan" in html and SENTENCE in html
    # Feeds show no press release: their ETag stays, so subscribers download nothing.
    assert client.get("/calendar/all.ics").headers["ETag"] == feed


def test_signed_in_staff_and_anonymous_readers_get_their_own_page(app, client, meeting):
    path = f"/meetings/{meeting.id}"
    assert "Keluar" not in client.get(path).get_data(as_text=True)
    make_user()
    staff = app.test_client()
    login(staff, "editor@kaltim.example")
    assert "Keluar" in staff.get(path).get_data(as_text=True)
    assert "Keluar" not in client.get(path).get_data(as_text=True)


def test_each_language_is_its_own_page(app, client, meeting):
    path = f"/meetings/{meeting.id}"
    assert '<html lang="id">' in client.get(path).get_data(as_text=True)
    english = client.get(f"{path}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Participants" in english
    # The same path for a reader whose cookie chose English, and for one without it.
    assert '<html lang="en">' in client.get(path).get_data(as_text=True)
    assert '<html lang="id">' in app.test_client().get(path).get_data(as_text=True)


def test_a_pending_message_is_shown_not_kept(client, meeting):
    path = f"/meetings/{meeting.id}"
    client.get(path)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan sekali tampil")]
    assert "Pesan sekali tampil" in client.get(path).get_data(as_text=True)
    assert "Pesan sekali tampil" not in client.get(path).get_data(as_text=True)


def test_the_byte_budget_bounds_the_cache(app, client, make_meeting):
    ids = [make_meeting(title=f"Rakor {n}").id for n in range(3)]
    db.session.commit()
    page_cache.forget()
    size = len(client.get(f"/meetings/{ids[0]}").get_data())
    app.config["PAGE_CACHE_BYTES"] = size * 2 + size // 2  # room for two pages
    page_cache.forget()
    for meeting_id in ids:
        client.get(f"/meetings/{meeting_id}")
    # The least recently used page went; the two newest are kept.
    assert _statements(client, f"/meetings/{ids[2]}")[0] == 1
    assert _statements(client, f"/meetings/{ids[0]}")[0] > 1
    app.config["PAGE_CACHE_BYTES"] = 0
    assert _statements(client, f"/meetings/{ids[2]}")[0] > 1


def test_a_missing_meeting_is_not_kept(client):
    assert client.get("/meetings/999999").status_code == 404
    assert client.get("/meetings/999999").status_code == 404


def test_migrations_bump_only_the_columns_they_have(app, meeting):
    from tracker.calendar import state

    before = state.read()
    info = db.session.connection().info  # the pooled connection's, as migrations/env.py marks
    info[state.MIGRATING] = True
    try:
        create_press_release({"outlet": "Antara", "title": "Rilis", "body": SENTENCE})
        update_meeting(meeting, {"title": "Rakor (migrasi)"})
        db.session.commit()  # the bump names no page_generation column
    finally:
        info.pop(state.MIGRATING, None)
    during = state.read()
    assert (during.generation, during.page_generation) == (
        before.generation + 1,
        before.page_generation,
    )
    create_press_release({"outlet": "Antara", "title": "Rilis dua", "body": SENTENCE + " Dua."})
    db.session.commit()
    after = state.read()
    assert (after.generation, after.page_generation) == (
        during.generation,
        during.page_generation + 1,
    )


def test_a_repeated_api_answer_costs_one_statement(client, meeting):
    for path in ("/api/v1/meetings?q=kaltim", f"/api/v1/meetings/{meeting.id}"):
        first, body = _statements(client, path)
        again, kept = _statements(client, path)
        assert first > 2 and again == 1  # the counter reading
        assert kept == body and "Rakor Forkopimda Kaltim" in kept


def test_an_api_answer_shows_the_next_write(client, meeting):
    listed, detail = "/api/v1/meetings?q=kaltim", f"/api/v1/meetings/{meeting.id}"
    assert client.get(listed).get_json()["meta"]["total"] == 1
    assert client.get(detail).get_json()["data"]["title"] == "Rakor Forkopimda Kaltim"
    update_meeting(meeting, {"title": "Rakor Forkopimda Kaltim (diubah)"})
    db.session.commit()
    assert client.get(detail).get_json()["data"]["title"] == "Rakor Forkopimda Kaltim (diubah)"
    update_meeting(meeting, {"visibility": "internal"})
    db.session.commit()
    assert client.get(listed).get_json()["meta"]["total"] == 0
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 404


def test_only_whole_json_answers_to_anonymous_readers_are_kept(app, client, meeting, agency):
    from tracker.agencies.operations import create_agency, merge_agencies

    dup = create_agency({"short_name": "Polda Kaltim B", "full_name": "B", "kind": "police"})
    merge_agencies(agency("polda-kaltim"), dup)
    db.session.commit()
    make_user()
    staff = app.test_client()
    login(staff, "editor@kaltim.example")
    page_cache.forget()
    asked = (
        (client, "/api/v1/meetings?format=csv", 200),  # CSV
        (client, "/api/v1/meetings/999999", 404),  # an error
        (client, f"/api/v1/agencies/{dup.slug}", 301),  # a merged slug's redirect
        (staff, "/api/v1/meetings", 200),  # a signed-in reader
    )
    for reader, path, status in asked:
        response = reader.get(path)
        assert response.status_code == status, path
        response.get_data()  # the CSV streams
    assert page_cache.kept_bytes() == 0
    assert client.get("/api/v1/meetings").status_code == 200
    assert page_cache.kept_bytes() > 0


def test_an_alias_edit_shows_in_the_kept_agency_search(client, meeting, agency):
    from tracker.agencies.operations import set_aliases

    polda = agency("polda-kaltim")
    path = "/api/v1/agencies?q=bhayangkara+benua+etam"
    assert client.get(path).get_json()["data"] == []
    set_aliases(polda, ["Bhayangkara Benua Etam"])  # writes aliases, not the agency row
    db.session.commit()
    assert [a["slug"] for a in client.get(path).get_json()["data"]] == ["polda-kaltim"]


def test_a_rebuilt_search_index_moves_the_page_counter(meeting):
    from tracker.calendar import state

    before = state.read()
    # What `meetings reindex` writes, and nothing a feed shows.
    db.session.execute(text("DELETE FROM search_term"))
    db.session.commit()
    after = state.read()
    assert after.page_generation == before.page_generation + 1
    assert after.generation == before.generation
