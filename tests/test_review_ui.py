"""The review page quick to check: links to it, one line per participant, translated
warnings beside their field, the queue of imports that need a person, second reports."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import PressRelease
from tracker.press import extract_views, hints, intake
from tracker.press import operations as press_ops

SEED = resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")
WITA = ZoneInfo("Asia/Makassar")
# A proposed participant's line: (classes, attributes, summary).
ROW = re.compile(r'<details class="review-row([^"]*)"([^>]*)>\s*<summary>(.*?)</summary>', re.S)

# Written for these tests: a report naming no venue, of a meeting logged without one.
NO_VENUE = (
    "SAMARINDA - Pemerintah Provinsi Kalimantan Timur menggelar rapat koordinasi "
    "kesiapan pengamanan Pemilu 2024, Selasa (6/2/2024). Rapat dihadiri Kapolda Kaltim, "
    "Ketua KPU Kaltim dan Ketua Bawaslu Kaltim."
)
# Written for these tests: a release whose date the text contradicts (weekday vs date).
DOUBTFUL = (
    "AMBON - Bawaslu Maluku menggelar rapat koordinasi pengawasan di Hotel Santika Ambon, "
    "Sabtu (12/2/2024). Rapat dihadiri Ketua KPU Maluku dan Kapolda Maluku."
)


def _editor(client: Any) -> None:
    make_user()
    login(client, "editor@kaltim.example")


def _review(client: Any, body: str = SEED) -> str:
    response = client.post("/staff/press/extract", data={"body": body, "outlet": "Contoh"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_intake_is_linked_from_the_navigation_and_the_staff_home(client):
    _editor(client)
    home = client.get("/staff/meetings/").get_data(as_text=True)
    assert home.count('href="/staff/press/extract"') >= 2  # navigation and the home's actions
    assert 'href="/staff/press/queue"' in home
    assert 'href="/staff/press/extract"' in client.get("/press/").get_data(as_text=True)


def test_one_line_per_participant_with_details_that_unfold(client):
    _editor(client)
    html = _review(client)
    rows = [summary for _classes, _attrs, summary in ROW.findall(html)]
    assert len(rows) >= 6
    line = " ".join(next(r for r in rows if "Polda Kaltim" in r).split())
    assert "Polda Kaltim" in line and "Pemateri" in line and "Hadir" in line
    # The row's fields are inside its <details>, so they post even when it is closed.
    first = html.index('<details class="review-row')
    field = html.index('name="participations-0-agency_name"', first)
    assert field < html.index("</details>", first)


def test_an_uncertain_participant_is_marked_and_open(client, monkeypatch):
    real = intake.propose

    def unsure(text: str, published: Any = None) -> dict[str, Any]:
        proposal = copy.deepcopy(real(text, published))
        for item in proposal["agencies"]:
            if item["name"] == "Kejati Kaltim":
                item["confidence"] = 0.55
        return proposal

    monkeypatch.setattr(extract_views.intake, "propose", unsure)
    _editor(client)
    html = _review(client)
    rows = ROW.findall(html)
    marked = [r for r in rows if "tidak pasti" in r[2]]
    assert [("Kejati Kaltim" in r[2], "uncertain" in r[0], "open" in r[1]) for r in marked] == [
        (True, True, True)
    ]


def test_warnings_sit_beside_their_field_and_are_translated(client):
    _editor(client)
    indonesian = _review(client)
    # In Indonesian the extractor's own words, which name what it saw.
    assert 'Hari "Selasa" tidak cocok' in indonesian.replace("&#34;", '"')
    client.get("/lang/en?next=/")
    english = _review(client)
    assert "The weekday written does not match the date." in english
    assert 'lang="id"' in english  # the original text stays, marked as Indonesian
    date_field = english.index('name="start_date"')
    warning = english.index("The weekday written does not match the date.")
    assert abs(date_field - warning) < 3000  # beside the date, not at the top of the page


def test_describe_falls_back_to_the_extractors_text_for_unknown_codes(app):
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        shown = hints.describe({"code": "something_new", "message": "Sesuatu yang baru."})
        assert shown["text"] == "Sesuatu yang baru." and shown["detail"] is None
        chair = hints.describe({"code": "chair_uncertain", "message": "Dua calon: A, B"})
        assert chair["text"] == "Chair not proposed because it is uncertain."
        assert chair["detail"] == "Dua calon: A, B"


def test_warnings_with_a_field_key_go_beside_that_field():
    assert hints.section({"code": "x", "field": "venue_name"}) == "venue"
    assert hints.section({"code": "chair_uncertain", "field": "chair"}) == "chair"
    assert hints.section({"code": "weekday_mismatch"}) == "start_date"
    assert hints.section({"code": "place_ambiguous", "field": "city"}) == "region"


def test_imports_that_need_a_person_wait_in_the_queue_with_their_warnings(client):
    result = intake.import_one("doubt.txt", {"body": DOUBTFUL, "outlet": "Contoh"})
    db.session.commit()
    assert result.outcome == "needs_review"
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    assert release.pending_review["detail"] == result.detail
    assert any(w["code"] == "weekday_mismatch" for w in release.pending_review["warnings"])
    _editor(client)
    queue = client.get("/staff/press/queue").get_data(as_text=True)
    assert release.title in queue and "tidak cocok" in queue
    assert f'href="/staff/press/extract?release_id={release.id}"' in queue
    client.get("/lang/en?next=/")
    english = client.get("/staff/press/queue").get_data(as_text=True)
    assert "The weekday written does not match the date." in english


def test_a_release_leaves_the_queue_when_it_reports_a_meeting(client, make_meeting):
    intake.import_one("doubt.txt", {"body": DOUBTFUL, "outlet": "Contoh"})
    db.session.commit()
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    meeting = make_meeting()
    press_ops.attach_press_release(meeting, release)
    db.session.commit()
    _editor(client)
    queue = client.get("/staff/press/queue").get_data(as_text=True)
    assert release.title not in queue and "Tidak ada siaran pers" in queue


def test_clear_imports_do_not_wait_in_the_queue(client):
    result = intake.import_one("seed.txt", {"body": SEED.replace("6 Januari", "6 Februari")})
    db.session.commit()
    assert result.outcome in ("created", "matched")
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    assert release.pending_review is None


def test_a_second_report_without_venue_is_offered_for_attaching(client, make_meeting, agency):
    meeting = make_meeting(
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA), ends_at=None, venue_id=None
    )
    for slug in ("polda-kaltim", "kpu-kaltim", "bawaslu-kaltim"):
        add_participation(meeting, {"agency_id": agency(slug).id})
    db.session.commit()
    _editor(client)
    html = _review(client, NO_VENUE)
    assert "Rapat ini mungkin sudah tercatat" in html
    assert f'name="meeting_id" value="{meeting.id}"' in html


def test_one_shared_body_is_not_enough_to_offer_a_match(client, make_meeting, agency):
    meeting = make_meeting(starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA), ends_at=None)
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id})
    db.session.commit()
    _editor(client)
    assert "Rapat ini mungkin sudah tercatat" not in _review(client, NO_VENUE)
