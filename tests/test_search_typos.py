"""Searches that forgive typos: "Maksud Anda: balikpapan?", on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import event

from tracker.extensions import db
from tracker.meetings.operations import update_meeting
from tracker.models import Meeting
from tracker.search_suggest import better_word, max_edits
from tracker.search_terms import SearchTerm

SUGGESTION = re.compile(r'Maksud Anda:\s*<a href="([^"]+)"[^>]*><strong>([^<]+)</strong></a>\?')


def _page(client, q: str, **args: str) -> str:
    response = client.get("/meetings/", query_string={"q": q, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/meetings/\d+">([^<]+)</a></h2>', html)


def _suggestion(client, q: str, **args: str) -> tuple[str, str] | None:
    """(link, word) of the page's "Maksud Anda" for q, or None; the API must agree."""
    found = SUGGESTION.search(_page(client, q, **args))
    api = client.get("/api/v1/meetings", query_string={"q": q, **args}).get_json()
    assert api["suggestion"] == (found.group(2) if found else None)
    return (found.group(1).replace("&amp;", "&"), found.group(2)) if found else None


def _vocabulary() -> dict[str, int]:
    rows = db.session.execute(db.select(SearchTerm.word, SearchTerm.documents))
    return {word: documents for word, documents in rows}


def test_a_misspelled_word_offers_the_spelling_that_finds_the_meeting(client, make_meeting):
    make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    make_meeting(title="Apel Siaga Bencana")
    html = _page(client, "Balikpapn")
    assert _titles(html) == []
    link, word = _suggestion(client, "Balikpapn")
    assert word == "balikpapan"
    # The link is the corrected search, and it finds the meeting.
    assert _titles(client.get(link).get_data(as_text=True)) == [
        "Rakor Pengamanan Natal di Balikpapan"
    ]
    # A transposition counts as one edit; a 4-letter word may be one edit away.
    assert _suggestion(client, "Balikpapna")[1] == "balikpapan"
    assert _suggestion(client, "apwl")[1] == "apel"


def test_correct_or_hopeless_searches_get_no_suggestion(client, make_meeting):
    make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    assert _suggestion(client, "Balikpapan") is None
    assert _suggestion(client, "balik") is None  # a word prefix is a correct search
    assert _suggestion(client, "xylofonik") is None  # nothing close
    assert _suggestion(client, "balikpxyzq") is None  # too far (3 edits)
    assert _suggestion(client, "nat") is None  # too short to correct
    assert max_edits("nat") == 0 and max_edits("natl") == 1 and max_edits("natall") == 2


def test_one_typo_among_several_words_is_corrected_alone(client, make_meeting):
    make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    make_meeting(title="Rakor Logistik Samarinda")
    link, word = _suggestion(client, "rakor pengamanan balikpapn")
    assert word == "rakor pengamanan balikpapan"
    assert _titles(client.get(link).get_data(as_text=True)) == [
        "Rakor Pengamanan Natal di Balikpapan"
    ]
    # Each word is spelled right but no meeting has both: nothing to correct.
    assert _suggestion(client, "logistik balikpapan") is None


def test_a_suggestion_must_find_meetings_with_the_same_filters(client, make_meeting, region):
    make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    assert _suggestion(client, "balikpapn", region="64")[1] == "balikpapan"
    # Balikpapan's meeting is in Kalimantan Timur: in Papua the corrected search finds nothing.
    assert _suggestion(client, "balikpapn", region="94") is None


def test_few_results_from_a_rare_misspelling_offer_the_common_spelling(client, make_meeting):
    make_meeting(title="Rakor di Balikpapn")  # the typo is in the record itself
    for n in range(10):
        make_meeting(title=f"Rakor Balikpapan {n}")
    html = _page(client, "balikpapn")
    assert _titles(html) == ["Rakor di Balikpapn"]  # the typed search's result is shown
    assert _suggestion(client, "balikpapn")[1] == "balikpapan"
    # Common enough words are left alone even when they find few meetings.
    assert _suggestion(client, "balikpapan 3") is None
    # A word some record has is only taken for a one-letter slip.
    make_meeting(title="Rakor di Balokpapen")
    assert _suggestion(client, "balokpapen") is None


def test_the_vocabulary_follows_edits(client, make_meeting):
    meeting = make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    assert _suggestion(client, "samarnda") is None
    update_meeting(meeting, {"title": "Rakor Pengamanan Natal di Samarinda"})
    db.session.commit()
    assert _suggestion(client, "samarnda")[1] == "samarinda"
    assert _suggestion(client, "balikpapn") is None  # no meeting has the old word
    assert "balikpapan" not in _vocabulary()
    # A deleted meeting's words go with it.
    db.session.delete(db.session.get(Meeting, meeting.id))
    db.session.commit()
    assert "samarinda" not in _vocabulary()
    assert _vocabulary().get("rakor") is None


def test_internal_meetings_words_are_never_suggested(client, make_meeting):
    make_meeting(title="Rakor Terbuka Samarinda")
    secret = make_meeting(title="Rapat Tertutup Tenggarong", visibility="internal")
    assert _suggestion(client, "tenggarng") is None
    assert "tenggarong" not in _vocabulary()
    assert better_word("tenggarng", 0) is None
    update_meeting(secret, {"visibility": "public"})
    db.session.commit()
    assert _suggestion(client, "tenggarng")[1] == "tenggarong"
    update_meeting(secret, {"visibility": "internal"})
    db.session.commit()
    assert _suggestion(client, "tenggarng") is None
    assert "tenggarong" not in _vocabulary()
    assert _vocabulary()["samarinda"] == 1


def test_reindex_rebuilds_the_same_vocabulary(client, runner, make_meeting):
    meeting = make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    make_meeting(title="Rakor Logistik Balikpapan")
    make_meeting(title="Rapat Tertutup Tenggarong", visibility="internal")
    update_meeting(meeting, {"title": "Rakor Pengamanan Natal di Samarinda"})
    db.session.commit()
    kept = _vocabulary()
    assert kept["rakor"] == 2 and kept["balikpapan"] == 1 and "tenggarong" not in kept
    db.session.execute(db.update(SearchTerm).values(documents=99))  # drifted
    db.session.commit()
    result = runner.invoke(args=["meetings", "reindex"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _vocabulary() == kept


def test_a_search_with_results_never_looks_for_a_suggestion(client, make_meeting):
    for n in range(4):
        make_meeting(title=f"Rakor Balikpapan {n}")
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert len(_titles(_page(client, "balikpapan"))) == 4
        assert client.get("/api/v1/meetings?q=balikpapan").get_json()["suggestion"] is None
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    vocabulary = [s for s in statements if "search_term" in s]
    # Only the one-word search's key lookup of its own word (tracker/search_query.py).
    assert statements and vocabulary
    assert all("WHERE search_term.word =" in s and "LIKE" not in s for s in vocabulary), vocabulary


def test_the_migration_fills_the_vocabulary_from_the_documents(client, make_meeting, backend):
    from flask_migrate import downgrade, stamp, upgrade

    make_meeting(title="Rakor Pengamanan Natal di Balikpapan")
    make_meeting(title="Rapat Tertutup Tenggarong", visibility="internal")
    kept = _vocabulary()
    db.session.commit()
    db.session.close()
    if backend == "sqlite":
        stamp()  # built by create_all: the models are the head's schema
    try:
        downgrade(revision="9d4e2b7a61c3-1")  # the documents stay, the vocabulary goes
        upgrade(revision="9d4e2b7a61c3")
    finally:
        upgrade()
    assert _vocabulary() == kept
    assert "tenggarong" not in kept and kept["balikpapan"] == 1
    assert _suggestion(client, "balikpapn")[1] == "balikpapan"


def test_a_misspelled_search_issues_as_many_statements_at_5_and_50_meetings(client, make_meeting):
    def statements(url: str) -> int:
        seen: list[str] = []

        def count(*_args: object) -> None:
            seen.append("")

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    urls = ("/meetings/?q=rakor+balikpapn", "/api/v1/meetings?q=rakor+balikpapn")
    for n in range(5):
        make_meeting(title=f"Rakor Balikpapan {n}")
    few = [statements(url) for url in urls]
    for n in range(5, 50):
        make_meeting(title=f"Rakor Balikpapan Samarinda Tenggarong {n}")
    assert [statements(url) for url in urls] == few
    assert _suggestion(client, "rakor balikpapn")[1] == "rakor balikpapan"
