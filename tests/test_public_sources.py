"""Public release pages respect their sources (issue 16): a news outlet's article shows
its headline, outlet, date, links to the original and the archive record, and its
evidence sentences highlighted in context, never its full text; staff see the text,
and mark an official government release to show it in full."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import ChangeLog, PressRelease
from tracker.models.press_release import ReleaseSnapshot
from tracker.press.excerpts import excerpts, in_context
from tracker.press.operations import add_evidence, create_press_release

OPENING = (
    "SAMARINDA - Rapat koordinasi digelar di Balikpapan pada Selasa pagi bersama unsur Forkopimda."
)
EVIDENCE = "Kapolda Kaltim dalam rapat itu memaparkan kesiapan pengamanan tahapan pemilu."
CLOSING = (
    "Ia meminta seluruh jajaran menjaga netralitas dan kondusivitas wilayah hingga pemungutan "
    "suara selesai dan hasilnya ditetapkan."
)
BODY = f"{OPENING}\n{EVIDENCE}\n{CLOSING}\nParagraf penutup yang tidak dikutip <b>sama sekali</b>."


def _world(make_meeting, agency, **release_fields):
    meeting = make_meeting(title="Rakor Forkopimda Kaltim")
    polda = add_participation(meeting, {"agency_id": agency("polda-kaltim").id})
    release = create_press_release(
        {
            "outlet": "Kaltim Post",
            "url": "https://kaltimpost.example/rakor",
            "title": "Forkopimda Kaltim Bahas Pengamanan Pemilu",
            "published_date": datetime(2024, 2, 6).date(),
            "body": BODY,
            **release_fields,
        }
    )
    add_evidence(polda, release, EVIDENCE)
    db.session.commit()
    return meeting, release


def _snapshot(release):
    content = BODY.encode()
    db.session.add(
        ReleaseSnapshot(
            press_release=release,
            requested_url=release.url,
            final_url=release.url,
            content_type="text/html; charset=utf-8",
            content=content,
            size=len(content),
            content_hash=hashlib.sha256(content).hexdigest(),
            retrieved_at=datetime(2024, 2, 6, 3, tzinfo=UTC),
        )
    )
    db.session.commit()


def test_in_context_keeps_a_few_words_either_side():
    found = in_context(BODY, EVIDENCE, words=4)
    assert found.sentence == EVIDENCE
    assert found.before == "… pagi bersama unsur Forkopimda."
    assert found.after == "Ia meminta seluruh jajaran …"
    # Spacing and case as the evidence was typed still find the text's own words.
    loose = in_context(BODY, "  kapolda kaltim dalam   rapat itu memaparkan  ", words=2)
    assert loose.sentence == "Kapolda Kaltim dalam rapat itu memaparkan"
    assert loose.before == "… unsur Forkopimda." and loose.after == "kesiapan pengamanan …"
    at_start = in_context("Satu dua tiga.", "Satu dua", words=5)
    assert at_start.before == "" and at_start.after == "tiga."
    gone = in_context(BODY, "Kalimat yang sudah dihapus.")
    assert gone.position == -1 and gone.before == gone.after == ""


def test_excerpts_follow_the_text_once_each():
    found = excerpts(BODY, [CLOSING, EVIDENCE, EVIDENCE.upper(), "Tidak ada lagi."])
    assert [x.sentence for x in found] == [EVIDENCE, CLOSING, "Tidak ada lagi."]


def test_news_article_shows_evidence_in_context_not_its_text(client, make_meeting, agency):
    meeting, release = _world(make_meeting, agency)
    _snapshot(release)
    html = client.get(f"/press/{release.id}").get_data(as_text=True)
    assert "<h1>Forkopimda Kaltim Bahas Pengamanan Pemilu</h1>" in html
    assert "<dd>Kaltim Post</dd>" in html
    assert '<time datetime="2024-02-06">' in html
    assert 'href="https://kaltimpost.example/rakor" rel="nofollow noopener noreferrer"' in html
    assert f'href="/press/{release.id}/archive">Arsip halaman</a>' in html
    assert f'href="/meetings/{meeting.id}"' in html
    assert f"<mark>{EVIDENCE}</mark>" in html
    assert "… di Balikpapan pada Selasa pagi bersama unsur Forkopimda. <mark>" in html
    assert "</mark> Ia meminta seluruh jajaran menjaga" in html  # and after
    # Not the article: neither its opening nor its unquoted paragraphs.
    assert "SAMARINDA" not in html and "Paragraf penutup" not in html
    assert "hasilnya ditetapkan" not in html
    assert "Teks lengkap milik Kaltim Post dan tidak disalin di sini." in html


def test_release_without_evidence_says_so(client, make_meeting):
    meeting = make_meeting()
    release = create_press_release({"outlet": "Antara", "title": "Rilis tanpa bukti", "body": BODY})
    from tracker.press.operations import attach_press_release

    attach_press_release(meeting, release)
    db.session.commit()
    html = client.get(f"/press/{release.id}").get_data(as_text=True)
    assert "Belum ada kalimat bukti dari siaran pers ini." in html
    assert "SAMARINDA" not in html and "<mark>" not in html


def test_evidence_of_internal_meetings_is_not_quoted(client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency)
    hidden = make_meeting(title="Rapat tertutup", visibility="internal")
    kpu = add_participation(hidden, {"agency_id": agency("kpu-kaltim").id})
    add_evidence(kpu, release, CLOSING)
    db.session.commit()
    html = client.get(f"/press/{release.id}").get_data(as_text=True)
    assert f"<mark>{EVIDENCE}</mark>" in html
    assert "<mark>Ia meminta" not in html and "hasilnya ditetapkan" not in html


def test_official_release_marked_by_staff_is_shown_in_full(client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency, shown_in_full=True)
    html = client.get(f"/press/{release.id}").get_data(as_text=True)
    assert "Siaran pers resmi, ditampilkan lengkap." in html
    assert f"<p>{OPENING}</p>" in html and "&lt;b&gt;sama sekali&lt;/b&gt;" in html
    assert "<mark>" not in html


def test_public_archive_record_leaves_out_a_news_article(client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency)
    _snapshot(release)
    text = client.get(f"/press/{release.id}/archive").get_data(as_text=True)
    assert text.startswith("Forkopimda Kaltim Bahas Pengamanan Pemilu\n")
    assert "SHA-256: " in text and "SAMARINDA" not in text and EVIDENCE not in text
    assert "Teks artikel tidak ditampilkan di sini" in text
    release.shown_in_full = True
    db.session.commit()
    text = client.get(f"/press/{release.id}/archive").get_data(as_text=True)
    assert OPENING in text and "Teks artikel tidak ditampilkan" not in text


def test_staff_see_the_full_text_and_set_the_flag(client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency)
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    detail = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert OPENING in detail and "Paragraf penutup" in detail
    assert "Kalimat bukti dengan konteks, tanpa teks lengkap" in detail
    form = client.get(f"/staff/press/{release.id}/edit").get_data(as_text=True)
    assert 'type="checkbox"' in form and 'name="shown_in_full"' in form
    data = {
        "outlet": release.outlet,
        "url": release.url,
        "title": release.title,
        "published_date": "2024-02-06",
        "published_zone": "Asia/Jakarta",
        "body": BODY,
        "shown_in_full": "y",
    }
    response = client.post(f"/staff/press/{release.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PressRelease, release.id).shown_in_full is True
    logged = db.session.execute(
        db.select(ChangeLog).where(
            ChangeLog.entity == "press_release", ChangeLog.action == "update"
        )
    ).scalar_one()
    assert logged.changes["shown_in_full"] == [False, True]
    assert "Teks lengkap (siaran pers resmi)" in client.get(f"/staff/press/{release.id}").get_data(
        as_text=True
    )
    data.pop("shown_in_full")  # an unticked box is not sent
    client.post(f"/staff/press/{release.id}/edit", data=data)
    db.session.expire_all()
    assert db.session.get(PressRelease, release.id).shown_in_full is False


def test_the_flag_needs_a_login_and_a_csrf_token(app, client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency)
    anonymous = client.post(f"/staff/press/{release.id}/edit", data={"shown_in_full": "y"})
    assert anonymous.status_code in (302, 401, 403)
    assert "/login" in anonymous.headers.get("Location", "/login")
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post(
        f"/staff/press/{release.id}/edit",
        data={"outlet": "x", "title": "x", "body": BODY, "shown_in_full": "y"},
    )
    assert refused.status_code in (400, 422)
    db.session.expire_all()
    assert db.session.get(PressRelease, release.id).shown_in_full is False


def test_english_page(client, make_meeting, agency):
    _meeting, release = _world(make_meeting, agency)
    client.get("/lang/en")
    html = client.get(f"/press/{release.id}").get_data(as_text=True)
    assert "Sentences used as evidence" in html
    assert "The full text belongs to Kaltim Post and is not copied here." in html
