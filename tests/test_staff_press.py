"""Staff press-release forms: record, link to meetings, attach evidence."""

from __future__ import annotations

from datetime import UTC, datetime

from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import ChangeLog, Coverage, Evidence, PressRelease

BODY = (
    "BALIKPAPAN - Pj Gubernur Kaltim, Akmal Malik memimpin langsung jalannya Rapat Koordinasi "
    "Forkopimda Kaltim di Hotel Novotel Balikpapan.\n"
    "Pemateri dari Kapolda Kaltim, Kasdam VI Mulawarman dan KPU Kaltim."
)


def _release_data(**overrides):
    data = {
        "outlet": "Diskominfo Kaltim",
        "url": "https://diskominfo.kaltimprov.example/rakor-forkopimda",
        "title": "Jelang Pemilu, Forkopimda Kaltim Gelar Rakor",
        "section": "Pemerintahan",
        "byline": "Tim Humas",
        "published_date": "2024-02-06",
        "published_time": "15:30",
        "published_zone": "Asia/Makassar",
        "body": BODY,
    }
    data.update(overrides)
    return data


def _editor(client):
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")


def _release(client, **overrides):
    response = client.post("/staff/press/new", data=_release_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(
        PressRelease, int(response.headers["Location"].rstrip("/").split("/")[-1])
    )


def test_record_a_press_release_with_its_zone(client):
    _editor(client)
    release = _release(client)
    assert release.published_at == datetime(2024, 2, 6, 7, 30, tzinfo=UTC)  # 15.30 WITA
    assert release.byline == "Tim Humas" and release.section == "Pemerintahan"
    log = db.session.execute(
        db.select(ChangeLog).filter_by(entity="press_release", entity_id=release.id)
    ).scalar_one()
    assert log.changes["title"] == [None, "Jelang Pemilu, Forkopimda Kaltim Gelar Rakor"]
    html = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert "Pemateri dari Kapolda Kaltim" in html


def test_rejected_release_keeps_input(client):
    _editor(client)
    _release(client)
    response = client.post(
        "/staff/press/new", data=_release_data(title="Judul kedua", body="Teks lain.")
    )
    assert response.status_code == 422  # the same URL is already recorded
    html = response.get_data(as_text=True)
    assert 'id="url-error"' in html and "sudah tercatat" in html
    assert 'value="Judul kedua"' in html
    response = client.post("/staff/press/new", data=_release_data(url="ftp://x", outlet=""))
    html = response.get_data(as_text=True)
    assert 'id="outlet-error"' in html
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar() == 1


def test_edit_a_release(client):
    _editor(client)
    release = _release(client)
    form = client.get(f"/staff/press/{release.id}/edit").get_data(as_text=True)
    # The zone the hour was typed in is kept with it: 15.30 WITA comes back as typed.
    assert 'value="15:30"' in form and '<option selected value="Asia/Makassar">' in form
    response = client.post(
        f"/staff/press/{release.id}/edit", data=_release_data(title="Judul yang dibetulkan")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PressRelease, release.id).title == "Judul yang dibetulkan"


def test_link_to_a_meeting_and_attach_evidence(client, make_meeting, agency):
    meeting = make_meeting()
    polda = add_participation(meeting, {"agency_id": agency("polda-kaltim").id})
    db.session.commit()
    _editor(client)
    release = _release(client)
    detail = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert "Rakor Kesiapan Pemilu 2024" in detail  # offered: held near the publication date
    response = client.post(
        f"/staff/press/{release.id}/link", data={"meeting": str(meeting.id), "relation": "reports"}
    )
    assert response.status_code == 302
    coverage = db.session.execute(db.select(Coverage)).scalar_one()
    assert coverage.meeting_id == meeting.id and coverage.relation == "reports"

    response = client.post(
        f"/staff/press/{release.id}/evidence",
        data={"participation": str(polda.id), "sentence": "Kalimat karangan sendiri."},
    )
    assert response.status_code == 422
    assert "tidak ada di siaran pers" in response.get_data(as_text=True)
    sentence = "Pemateri dari Kapolda Kaltim, Kasdam VI Mulawarman dan KPU Kaltim."
    response = client.post(
        f"/staff/press/{release.id}/evidence",
        data={"participation": str(polda.id), "sentence": sentence},
    )
    assert response.status_code == 302
    evidence = db.session.execute(db.select(Evidence)).scalar_one()
    assert evidence.participation_id == polda.id and evidence.sentence == sentence
    history = client.get(f"/staff/meetings/{meeting.id}/history").get_data(as_text=True)
    assert "Siaran pers ditautkan" in history and "Kalimat bukti ditambahkan" in history

    client.post(f"/staff/press/{release.id}/unlink/{meeting.id}")
    assert db.session.execute(db.select(db.func.count(Coverage.id))).scalar() == 0
    assert db.session.execute(db.select(db.func.count(Evidence.id))).scalar() == 0


def test_extraction_hook_appears_only_once_the_view_exists(app, client):
    from tracker.press import staff_views

    _editor(client)
    release = _release(client)
    with app.test_request_context():
        has_view = any(r.rule == staff_views.EXTRACTION_PATH for r in app.url_map.iter_rules())
        url = staff_views.extraction_url(release)
    assert (url is not None) == has_view
    html = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert ("Ekstrak otomatis" in html) == has_view
