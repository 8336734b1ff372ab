"""Full-text search over meetings, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sql_helpers import statements
from sqlalchemy import select, text

from tracker.agencies.operations import add_alias
from tracker.calendar import state
from tracker.extensions import db
from tracker.meetings.operations import add_participation, update_meeting
from tracker.press.operations import attach_press_release, create_press_release
from tracker.search import MeetingSearch, normalize, query_terms, reindex_all


def _found(client, q: str) -> list[str]:
    html = client.get("/meetings/", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'<h2><a href="/meetings/\d+">([^<]+)</a></h2>', html)


def _release(body: str, url: str = "https://kaltimprov.go.id/berita/rakor"):
    return create_press_release(
        {
            "outlet": "Diskominfo Kaltim",
            "url": url,
            "title": "Forkopimda bersiap",
            "published_at": datetime(2024, 2, 6, 4, 0, tzinfo=UTC),
            "body": body,
        }
    )


def test_normalize_folds_case_accents_and_punctuation():
    assert normalize("Jum’at, KAPOLDA Kaltim — Café") == "jum at kapolda kaltim cafe"
    assert query_terms("  Rakor rakor  RAKOR Kaltim ") == ["rakor", "kaltim"]
    assert query_terms("%_'") == []


def test_finds_by_title_theme_and_word_prefix(client, make_meeting):
    make_meeting(title="Rakor Kesiapan Logistik", theme="Distribusi surat suara ke pulau")
    make_meeting(title="Apel Gelar Pasukan")
    assert _found(client, "logistik") == ["Rakor Kesiapan Logistik"]
    assert _found(client, "surat suara") == ["Rakor Kesiapan Logistik"]
    assert _found(client, "logis") == ["Rakor Kesiapan Logistik"]  # word prefix
    assert _found(client, "LOGISTIK apel") == []  # every word must match
    assert _found(client, "pasukan") == ["Apel Gelar Pasukan"]


def test_agency_alias_and_head_title_find_the_agencys_meetings(client, make_meeting, agency):
    polda = make_meeting(title="Rapat Pengamanan TPS")
    add_participation(polda, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}})
    other = make_meeting(title="Rapat Logistik KPU")
    add_participation(other, {"agency_id": agency("kpu-kaltim").id})
    db.session.commit()
    # "Kapolda Kaltim" names no agency literally: the head's title plus the region does.
    assert _found(client, "Kapolda Kaltim") == ["Rapat Pengamanan TPS"]
    assert _found(client, "Kepolisian Daerah Kalimantan Timur") == ["Rapat Pengamanan TPS"]
    assert _found(client, "Polda Kaltim") == ["Rapat Pengamanan TPS"]
    assert _found(client, "Komisi Pemilihan Umum") == ["Rapat Logistik KPU"]


def test_words_of_a_press_release_find_its_meeting(client, make_meeting):
    meeting = make_meeting(title="Rakor Forkopimda")
    attach_press_release(meeting, _release("Sinergi menjaga kondusivitas Bumi Etam."))
    make_meeting(title="Rakor lain")
    db.session.commit()
    assert _found(client, "kondusivitas etam") == ["Rakor Forkopimda"]


def test_index_follows_edits_of_meetings_releases_and_aliases(client, make_meeting, agency):
    meeting = make_meeting(title="Rakor Awal")
    assert _found(client, "perdana") == []
    update_meeting(meeting, {"title": "Rakor Perdana"})
    db.session.commit()
    assert _found(client, "perdana") == ["Rakor Perdana"]
    assert _found(client, "awal") == []

    release = _release("Teks pertama.")
    attach_press_release(meeting, release)
    db.session.commit()
    release.body = "Teks berisi kata mandau."
    db.session.commit()
    assert _found(client, "mandau") == ["Rakor Perdana"]

    add_participation(meeting, {"agency_id": agency("binda-kaltim").id})
    db.session.commit()
    add_alias(agency("binda-kaltim"), "Intel Benua Etam")
    db.session.commit()
    assert _found(client, "intel benua") == ["Rakor Perdana"]


def test_a_rolled_back_savepoint_keeps_the_outer_transactions_edits_indexed(client, make_meeting):
    """As a bulk import does: an edit flushed, then one record's savepoint fails."""
    first = make_meeting(title="Rakor Awal")
    second = make_meeting(title="Rapat Kedua")
    update_meeting(first, {"title": "Rakor Perdana"})
    db.session.flush()
    nested = db.session.begin_nested()
    update_meeting(second, {"title": "Rapat Gagal"})
    db.session.flush()
    nested.rollback()
    with db.session.begin_nested():
        update_meeting(second, {"title": "Rapat Susulan"})
    db.session.commit()
    assert _found(client, "perdana") == ["Rakor Perdana"]
    assert _found(client, "susulan") == ["Rapat Susulan"]
    assert _found(client, "gagal") == []


def test_internal_meetings_are_never_found(client, make_meeting):
    make_meeting(title="Rapat rahasia bunglon", visibility="internal")
    assert db.session.scalar(db.select(db.func.count()).select_from(MeetingSearch)) == 1
    assert _found(client, "bunglon") == []
    assert client.get("/api/v1/meetings", query_string={"q": "bunglon"}).json["meta"]["total"] == 0


def test_reindex_all_rebuilds_missing_documents(client, make_meeting):
    make_meeting(title="Rakor Tenggarong")
    db.session.execute(db.delete(MeetingSearch))
    db.session.commit()
    assert _found(client, "tenggarong") == []
    assert reindex_all() == 1
    db.session.commit()
    assert _found(client, "tenggarong") == ["Rakor Tenggarong"]


def test_reindex_command(runner, make_meeting):
    make_meeting(title="Rakor Sangatta")
    before = state.read().generation
    with statements() as seen:
        result = runner.invoke(args=["meetings", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 meetings indexed, ranking tallies rebuilt" in result.output
    # Rankings and agency figures kept between writes read the rebuilt tallies.
    assert state.read().generation > before
    # Every search row was rewritten: PostgreSQL vacuums away the old copies, in the
    # rewritten tables only.
    if db.engine.dialect.name == "postgresql":
        vacuum = 'VACUUM (ANALYZE) "meeting_search", "search_term", "body_tally", '
        assert vacuum + '"body_total", "body_pair_total"' in seen, seen
    else:
        assert "PRAGMA optimize" in seen


def test_a_search_row_is_written_once_with_its_tsvector(client, make_meeting):
    """A later UPDATE of tsv would leave a dead copy of every row on PostgreSQL."""
    meeting = make_meeting(title="Rakor Sangatta")
    with statements() as seen:
        assert reindex_all() == 1
        db.session.commit()
    writes = [s for s in seen if "meeting_search " in s and s.lstrip().startswith("UPDATE")]
    assert writes == []
    assert _found(client, "sangatta") == ["Rakor Sangatta"]
    if db.engine.dialect.name == "postgresql":
        tsv = db.session.execute(
            select(MeetingSearch.tsv).where(MeetingSearch.meeting_id == meeting.id)
        ).scalar_one()
        assert "sangatta" in tsv


@pytest.mark.parametrize("backend", ["sqlite"])
def test_compacting_merges_the_fts5_index_into_one_segment(client, make_meeting):
    """After a bulk load the index is one segment, and still answers and checks out."""
    from tracker.search import compact_index

    segments = text("SELECT count(DISTINCT segid) FROM meeting_search_fts_idx")
    for name in ("Tenggarong", "Sangatta", "Bontang"):
        make_meeting(title=f"Rakor {name}")  # one commit, so one new segment, each
    assert db.session.execute(segments).scalar_one() >= 3
    compact_index()
    db.session.commit()
    assert db.session.execute(segments).scalar_one() == 1
    assert _found(client, "rakor bont") == ["Rakor Bontang"]
    db.session.execute(
        text("INSERT INTO meeting_search_fts(meeting_search_fts) VALUES ('integrity-check')")
    )


def test_sqlite_searches_through_fts5_and_stays_in_step(client, make_meeting, backend):
    from sqlalchemy import event, text

    from tracker.models import Meeting
    from tracker.search_query import search_condition

    meeting = make_meeting(title="Rakor Zamrud Khatulistiwa")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert "zamrud" in client.get("/meetings/?q=Zamrud").get_data(as_text=True).lower()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    if backend == "sqlite":
        assert any("MATCH" in s and "meeting_search_fts" in s for s in statements)
    else:
        assert any("@@" in s for s in statements)
    db.session.delete(db.session.get(Meeting, meeting.id))
    db.session.commit()
    hits = db.session.execute(db.select(Meeting.id).where(search_condition("zamrud"))).all()
    assert hits == []
    if backend == "sqlite":
        # FTS5's own check that the index matches its content table.
        db.session.execute(
            text("INSERT INTO meeting_search_fts(meeting_search_fts) VALUES ('integrity-check')")
        )


def test_a_search_counts_to_the_cap_and_says_more(client, make_meeting, monkeypatch):
    """A common word's exact count costs more than its page: past the cap it says "more"."""
    from tracker.meetings import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 2)
    for n in range(4):
        make_meeting(title=f"Rakor Pengamanan {n}")
    make_meeting(title="Apel Siaga")
    html = client.get("/meetings/", query_string={"q": "rakor"}).get_data(as_text=True)
    assert "lebih dari 2 rapat" in html
    body = client.get("/api/v1/meetings", query_string={"q": "rakor", "per_page": 1}).get_json()
    assert body["meta"]["total"] == 2 and body["meta"]["total_capped"] is True
    assert body["meta"]["pages"] == 2 and len(body["data"]) == 1
    # Under the cap, and without a text search, the count is exact.
    body = client.get("/api/v1/meetings", query_string={"q": "apel"}).get_json()
    assert body["meta"]["total"] == 1 and body["meta"]["total_capped"] is False
    body = client.get("/api/v1/meetings").get_json()
    assert body["meta"]["total"] == 5 and body["meta"]["total_capped"] is False
    english = client.get("/meetings/", query_string={"q": "rakor", "lang": "en"})
    assert "more than 2 meetings" in english.get_data(as_text=True)


NATIONAL_STATISTICS = {
    "ix_meeting_visibility_region_status": "100000 50000 1316 329",
    "ix_meeting_visibility_region_starts_at": "100000 50000 1316 2",
    "ix_meeting_visibility_starts_at": "100000 50000 5 1",
    "ix_meeting_venue_id": "100000 527",
    "ix_meeting_status": "100000 25000",
    "ix_meeting_starts_at": "100000 6",
    "ix_meeting_region_id": "100000 2632",
    "ix_meeting_election_id": "100000 33334",
    "sqlite_autoindex_meeting_1": "100000 1",
}


@pytest.mark.parametrize("backend", ["sqlite"])
def _national_plan(stmt) -> str:
    """SQLite's plan for ``stmt`` under the statistics of a 100,000-meeting archive."""
    # The meeting statistics ANALYZE left at 100,000 synthetic meetings (synth --seed 1).
    db.session.execute(text("ANALYZE"))
    db.session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'meeting'"))
    for index, stat in NATIONAL_STATISTICS.items():
        db.session.execute(
            text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('meeting', :idx, :stat)"),
            {"idx": index, "stat": stat},
        )
    db.session.execute(text("ANALYZE sqlite_schema"))  # read the statistics again
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(row[3] for row in rows)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_lists_matches_in_date_order_without_sorting_them(app, make_meeting, monkeypatch):
    """A common word must not sort every match by date (40 ms for 'kpu' at 100,000)."""
    from tracker import search_query
    from tracker.meetings.queries import filtered_meetings, parse_filters

    monkeypatch.setattr(search_query, "FEW", 0)  # "kpu" is common
    make_meeting(title="Rakor KPU")
    db.session.commit()
    plan = _national_plan(filtered_meetings(parse_filters({"q": "kpu"})).limit(25))
    # The list's date index is walked and each meeting checked against the matches.
    assert "ix_meeting_visibility_starts_at" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_provinces_meetings_within_dates_are_one_range_per_region(app, make_meeting):
    """Two months of a province: its regions' ranges, not every region's days (issue 18)."""
    from sqlalchemy import func, select

    from tracker.meetings.queries import parse_filters
    from tracker.models import Meeting
    from tracker.rankings.queries import counted_meetings

    make_meeting(title="Rakor")
    db.session.commit()
    filters = parse_filters({"region": "35", "date_from": "2024-01-01", "date_to": "2024-02-29"})
    count = select(func.count()).select_from(Meeting).where(*counted_meetings(filters))
    plan = _national_plan(count)
    assert "ix_meeting_visibility_region_starts_at (visibility=? AND region_id=?" in plan, plan


def test_a_rare_words_matches_are_named_by_id_and_a_common_words_walked(
    client, make_meeting, monkeypatch, backend
):
    from sql_helpers import statements

    from tracker import search_query

    monkeypatch.setattr(search_query, "FEW", 2)
    for day in (3, 1, 2):
        make_meeting(title=f"Rakor Banjir {day}", starts_at=datetime(2024, 2, day, 2, tzinfo=UTC))
    make_meeting(title="Apel Gempa", starts_at=datetime(2024, 2, 4, 2, tzinfo=UTC))
    make_meeting(title="Rakor Gempa internal", visibility="internal")
    db.session.commit()
    probe = "@@" if backend == "postgres" else "MATCH"

    def search(q: str) -> tuple[list[str], list[str]]:
        with statements() as seen:
            found = _found(client, q)
        return found, [s for s in seen if probe in s or "FROM meeting" in s]

    # "gempa": two matches, fetched once for the count and the page, then read by key.
    found, searched = search("gempa")
    assert found == ["Apel Gempa"]
    assert len([s for s in searched if probe in s]) == 1
    assert all(probe not in s for s in searched if "count(" in s)
    # "banjir": more than FEW, so the list walks its index against the matches. The
    # vocabulary says so for one word; for two, the first FEW + 1 matches are fetched.
    found, searched = search("banjir")
    assert found == ["Rakor Banjir 3", "Rakor Banjir 2", "Rakor Banjir 1"]
    assert len([s for s in searched if probe in s]) == 2  # page, count
    found, searched = search("rakor banjir")
    assert found == ["Rakor Banjir 3", "Rakor Banjir 2", "Rakor Banjir 1"]
    assert len([s for s in searched if probe in s]) == 3  # probe, page, count
    assert _found(client, "tsunami") == []
    assert client.get("/api/v1/meetings?q=banjir").get_json()["meta"]["total"] == 3
    assert client.get("/api/v1/meetings?q=gempa").get_json()["meta"]["total"] == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_counts_a_common_search_by_reading_its_matches_to_the_cap(
    app, make_meeting, monkeypatch
):
    """A search and nothing else is counted by reading the FTS5 matches until the cap,
    each meeting by key, not by gathering every match first (issue 18)."""
    from sqlalchemy import select

    from tracker import search_query
    from tracker.meetings.queries import PUBLIC
    from tracker.models import Meeting

    monkeypatch.setattr(search_query, "FEW", 0)
    make_meeting(title="Rakor Ambon")
    db.session.commit()
    streamed = search_query.streamed_matches(select(Meeting.id).where(PUBLIC), "ambon")
    plan = _national_plan(streamed.limit(1001))
    assert plan.startswith("SCAN meeting_search_fts VIRTUAL TABLE"), plan
    assert "SEARCH meeting USING INTEGER PRIMARY KEY" in plan, plan
    assert "LIST SUBQUERY" not in plan and "ix_meeting_visibility" not in plan, plan
    # Few matches are named by id instead, and PostgreSQL never streams.
    monkeypatch.setattr(search_query, "FEW", 5)
    assert search_query.streamed_matches(select(Meeting.id), "ambon") is None


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("few", [0, 4, 100])
def test_search_counts_agree_on_every_path(client, make_meeting, region, monkeypatch, few):
    """The capped count, streamed or not, counts public matches within the other filters."""
    from tracker import search_query
    from tracker.meetings import queries

    monkeypatch.setattr(search_query, "FEW", few)
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 3)
    for n in range(5):
        make_meeting(title=f"Rakor Pemilu {n}")
    make_meeting(title="Rakor Pemilu Samarinda", region_id=region("64.72").id)
    make_meeting(title="Rakor Pemilu tertutup", visibility="internal")
    db.session.commit()

    def total(**args):
        return client.get("/api/v1/meetings", query_string=args).get_json()["meta"]

    assert (total(q="pemil")["total"], total(q="pemil")["total_capped"]) == (3, True)
    assert total(q="pemilu samarinda")["total"] == 1
    meta = total(q="pemilu", region="64.72")
    assert (meta["total"], meta["total_capped"]) == (1, False)
    assert total(q="tertutup")["total"] == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_common_searchs_count_stops_at_the_matches_already_fetched(
    client, make_meeting, monkeypatch
):
    """Past FEW, the fetched matches that pass the filters prove the count is over the cap."""
    from tracker import search_query
    from tracker.meetings import queries

    monkeypatch.setattr(search_query, "FEW", 4)
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 3)
    for n in range(7):
        make_meeting(title=f"Rakor Pemilu {n}")
    db.session.commit()
    # A filter every meeting passes: SQLite streams a search with no other filter.
    args = {"q": "rakor pemilu", "date_from": "2000-01-01"}
    with statements() as seen:
        meta = client.get("/api/v1/meetings", query_string=args).get_json()
    assert (meta["meta"]["total"], meta["meta"]["total_capped"]) == (3, True)
    index = "to_tsquery" if db.engine.dialect.name == "postgresql" else "MATCH"
    # The fetch of the first FEW + 1 matches and the page: the count reads no index.
    assert len([s for s in seen if index in s]) == 2, seen
