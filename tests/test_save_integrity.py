"""Saving the meeting and review forms never loses or invents a value (issue 14, item 6).

Each typed value is stored, or the save is refused with an error on the field and
every typed value stays on the re-rendered form.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from staff_helpers import login, make_user
from test_extract_review import SEED
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import ChangeLog, Meeting, Participation, Person, Region, Venue

WITA = ZoneInfo("Asia/Makassar")


def _rid(code: str) -> str:
    return str(db.session.execute(db.select(Region.id).filter_by(code=code)).scalar_one())


def _meeting_fields(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Rakor Kesiapan Pemilu",
        "kind": "rakor",
        "theme": "",
        "summary": "",
        "region": _rid("64"),
        "start_date": "2024-02-06",
        "start_time": "09:00",
        "end_time": "",
        "time_unknown": "",
        "timezone": "",
        "venue": "None",
        "new_venue_name": "",
        "new_venue_address": "",
        "new_venue_city": "None",
        "election": "None",
        "visibility": "public",
        "source_note": "",
    }
    data.update(overrides)
    return data


def _with_rows(data: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    for index, row in enumerate(rows):
        for key, value in {"attendance": "present", **row}.items():
            data[f"participations-{index}-{key}"] = value
    return data


def _review_fields(rows: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    release = {"body": SEED, "outlet": "kaltimfaktual.co", "release_id": ""}
    return _with_rows(release | _meeting_fields(**overrides), rows)


def _staff(client: Any) -> None:
    make_user()
    login(client, "editor@kaltim.example")


def _new(client: Any, rows: list[dict[str, Any]], **overrides: Any) -> Any:
    return client.post("/staff/meetings/new", data=_with_rows(_meeting_fields(**overrides), rows))


def _saved(response: Any) -> Meeting:
    assert response.status_code == 302, _errors(response.get_data(as_text=True))
    db.session.expire_all()
    return db.session.get(Meeting, int(response.headers["Location"].rstrip("/").split("/")[-1]))


def _errors(html: str) -> dict[str, str]:
    """Field id -> error text, as the form macro renders them."""
    return {
        m.group(1): re.sub(r"<[^>]+>", "", m.group(2))
        for m in re.finditer(r'<p class="field-error" id="([^"]+)-error">(.*?)</p>', html, re.S)
    }


def _refused(response: Any, field: str, *kept: str) -> str:
    """The 422 page, with an error on ``field`` and every ``kept`` value still shown."""
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field in _errors(html), _errors(html)
    for value in kept:
        assert value in html, value
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == 0
    return html


def _edit_form(client: Any, meeting: Meeting) -> list[tuple[str, str]]:
    """What the edit form posts when saved untouched, read from the rendered page."""
    html = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    form = html[html.index('class="staff-form meeting-form"') :]
    form = form[: form.index("</form>")]
    posted: list[tuple[str, str]] = []
    for attrs in re.findall(r"<input([^>]*)>", form):
        name = re.search(r'name="([^"]+)"', attrs)
        value = re.search(r'value="([^"]*)"', attrs)
        kind = re.search(r'type="([^"]+)"', attrs)
        if not name or (kind and kind.group(1) in ("checkbox", "radio") and "checked" not in attrs):
            continue
        posted.append((name.group(1), _unescape(value.group(1)) if value else ""))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        posted.append((name, _unescape(text.removeprefix("\r\n").removeprefix("\n"))))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        posted.append((name, chosen.group(1) if chosen else ""))
    return [(k, v) for k, v in posted if k not in ("save", "add_row", "remove_row", "find_agency")]


def _unescape(text: str) -> str:
    for entity, char in (("&#34;", '"'), ("&quot;", '"'), ("&#39;", "'"), ("&lt;", "<")):
        text = text.replace(entity, char)
    return text.replace("&gt;", ">").replace("&amp;", "&")


# 1. A person added to a row keeps the row's body or collective label.


def test_person_added_in_the_staff_edit_keeps_body_and_label(client):
    _staff(client)
    rows = [{"agency_name": "Polda Kaltim"}, {"collective_label": "camat se-Kaltim"}]
    meeting = _saved(_new(client, rows))
    posted = dict(_edit_form(client, meeting))
    posted["participations-0-person_name"] = "Nanang Avianto"
    posted["participations-0-person_rank"] = "Irjen Pol."
    posted["participations-1-person_name"] = "Andi Harun"
    meeting = _saved(client.post(f"/staff/meetings/{meeting.id}/edit", data=posted))
    polda, camat = meeting.participations
    assert polda.agency.short_name == "Polda Kaltim" and polda.person.name == "Nanang Avianto"
    assert polda.person.rank == "Irjen Pol."
    assert camat.collective_label == "camat se-Kaltim" and camat.person.name == "Andi Harun"
    # The group still names the row everywhere it is shown, the person beside it.
    assert camat.label == "camat se-Kaltim"
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # The group names the row; the person shows beside it, linked to their page.
    beside = r'camat se-Kaltim<br><small><a href="/people/\d+">Andi Harun</a></small>'
    assert re.search(beside, public)


def test_person_in_a_review_row_keeps_body_and_label(client):
    _staff(client)
    rows = [
        {"agency_name": "Polda Kaltim", "person_name": "Nanang Avianto", "roles": "speaker"},
        {"collective_label": "camat se-Kaltim", "person_name": "Andi Harun"},
        {"agency_name": "KPU Kaltim", "collective_label": "komisioner", "person_name": "Fahmi"},
    ]
    response = client.post("/staff/press/extract/save", data=_review_fields(rows))
    polda, camat, kpu = _saved(response).participations
    assert (polda.agency.short_name, polda.person.name) == ("Polda Kaltim", "Nanang Avianto")
    assert (camat.collective_label, camat.person.name) == ("camat se-Kaltim", "Andi Harun")
    assert (kpu.agency.short_name, kpu.collective_label, kpu.person.name) == (
        "KPU Kaltim",
        "komisioner",
        "Fahmi",
    )


def test_update_participation_adding_a_person_keeps_the_rest(make_meeting, agency):
    meeting = make_meeting()
    body = ops.add_participation(meeting, {"agency_id": agency("polda-kaltim").id})
    group = ops.add_participation(meeting, {"collective_label": "camat se-Kaltim"})
    person = ops.find_or_create_person("Nanang Avianto")
    ops.update_participation(body, {"person_id": person.id})
    ops.update_participation(group, {"person_id": person.id})
    db.session.commit()
    assert body.agency_id == agency("polda-kaltim").id and body.person_id == person.id
    assert group.collective_label == "camat se-Kaltim" and group.person_id == person.id


# 2. A venue's address or city without its name is refused on the name, never dropped.


def test_venue_address_without_a_name_is_refused_on_the_name(client):
    _staff(client)
    response = _new(client, [], new_venue_address="Jl. Gajah Mada No. 2", title="Judul saya")
    html = _refused(response, "new_venue_name", "Jl. Gajah Mada No. 2", "Judul saya")
    assert "Isi nama tempat baru" in _errors(html)["new_venue_name"]
    response = client.post(
        "/staff/press/extract/save",
        data=_review_fields([], new_venue_address="Jl. Gajah Mada No. 2"),
    )
    _refused(response, "new_venue_name", "Jl. Gajah Mada No. 2")


def test_venue_city_without_a_name_is_refused_on_the_name(client):
    _staff(client)
    _refused(_new(client, [], new_venue_city=_rid("64.72")), "new_venue_name")
    response = client.post(
        "/staff/press/extract/save", data=_review_fields([], new_venue_city=_rid("64.72"))
    )
    _refused(response, "new_venue_name")


def test_address_typed_for_a_known_venue_without_one_is_kept(client):
    _staff(client)
    samarinda = db.session.execute(db.select(Region).filter_by(code="64.72")).scalar_one()
    ops.find_or_create_venue("Aula Ruhui Rahayu", samarinda)
    db.session.commit()
    meeting = _saved(
        _new(
            client,
            [],
            new_venue_name="Aula  Ruhui Rahayu",
            new_venue_address="Jl. Gajah Mada No. 2",
            new_venue_city=str(samarinda.id),
        )
    )
    assert meeting.venue.name == "Aula Ruhui Rahayu"
    assert meeting.venue.address == "Jl. Gajah Mada No. 2"
    assert db.session.execute(db.select(db.func.count(Venue.id))).scalar_one() == 1


def test_address_unlike_the_known_venues_is_refused(client):
    _staff(client)
    samarinda = db.session.execute(db.select(Region).filter_by(code="64.72")).scalar_one()
    ops.find_or_create_venue("Aula Ruhui Rahayu", samarinda, address="Jl. Gajah Mada No. 2")
    db.session.commit()
    response = _new(
        client,
        [],
        new_venue_name="Aula Ruhui Rahayu",
        new_venue_address="Jl. Kesuma Bangsa 1",
        new_venue_city=str(samarinda.id),
    )
    html = _refused(response, "new_venue_address", "Jl. Kesuma Bangsa 1")
    assert "Jl. Gajah Mada No. 2" in _errors(html)["new_venue_address"]


def test_new_address_beside_a_chosen_venue_must_be_its_own(client):
    _staff(client)
    samarinda = db.session.execute(db.select(Region).filter_by(code="64.72")).scalar_one()
    venue = ops.find_or_create_venue("Aula Ruhui Rahayu", samarinda, address="Jl. Gajah Mada 2")
    db.session.commit()
    other = _new(client, [], venue=str(venue.id), new_venue_address="Jl. Lain 5")
    _refused(other, "new_venue_name", "Jl. Lain 5")
    same = _new(client, [], venue=str(venue.id), new_venue_address="Jl. Gajah Mada 2")
    assert _saved(same).venue_id == venue.id


# 3. Times, rows and text fields: kept or refused.


def test_a_time_beside_the_not_stated_box_is_refused(client):
    _staff(client)
    both = _new(client, [], time_unknown="y", start_time="09:30", end_time="11:00")
    html = _refused(both, "start_time", 'value="09:30"', 'value="11:00"')
    assert "end_time" in _errors(html)
    end_only = _new(client, [], time_unknown="y", start_time="", end_time="11:00")
    _refused(end_only, "end_time", 'value="11:00"')
    no_start = _new(client, [], start_time="", end_time="11:00")
    _refused(no_start, "start_time", 'value="11:00"')


def test_a_row_without_a_participant_is_refused_not_dropped(client):
    _staff(client)
    for row in (
        {"person_rank": "Kombes Pol."},
        {"roles": "speaker"},
        {"order": "3"},
        {"topic": "Kerawanan pemilu"},
    ):
        response = _new(client, [row])
        html = _refused(response, "participations-0-agency_name")
        assert "belum menyebut instansi" in _errors(html)["participations-0-agency_name"]
    evidence = "Rapat dihadiri unsur Forkopimda."
    response = client.post(
        "/staff/press/extract/save", data=_review_fields([{"evidence": evidence}])
    )
    _refused(response, "participations-0-agency_name", evidence)
    # The attendance select alone is no value: it always posts one.
    assert _new(client, [{"attendance": "present"}]).status_code == 302


def test_rank_without_a_name_is_refused(client):
    _staff(client)
    response = _new(client, [{"agency_name": "Polda Kaltim", "person_rank": "Irjen Pol."}])
    _refused(response, "participations-0-person_rank", 'value="Irjen Pol."')
    assert db.session.execute(db.select(db.func.count(Person.id))).scalar_one() == 0


def test_represented_by_is_refused_in_the_first_round(client):
    _staff(client)
    rows = [{"agency_name": "Polda Kaltim", "represented_by": "Wakapolda Kaltim"}]
    html = _refused(_new(client, rows, title=""), "participations-0-represented_by", "Wakapolda")
    assert "title" in _errors(html)  # both errors at once, not one save after the other


def test_text_is_stored_normalised(client):
    _staff(client)
    meeting = _saved(
        _new(
            client,
            [{"agency_name": "Polda Kaltim", "position": " Kapolda \t Kaltim "}],
            title="  Rakor \t Pilkada  2024 ",
            theme=" Pemilu  damai ",
            summary="  Baris satu\r\nBaris  dua \r\n",
            source_note="\r\nCatatan\r\n",
        )
    )
    assert meeting.title == "Rakor Pilkada 2024"
    assert meeting.theme == "Pemilu damai"
    assert meeting.summary == "Baris satu\nBaris  dua"
    assert meeting.source_note == "Catatan"
    assert meeting.participations[0].position == "Kapolda Kaltim"


def test_an_untouched_edit_changes_nothing(client, make_meeting, agency):
    """Stored text the form would tidy (from an import) stays as it was."""
    _staff(client)
    meeting = make_meeting(
        title="Rakor  Forkopimda",
        theme="Pemilu  damai",
        summary="Baris satu\r\nBaris dua",
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA),
        ends_at=datetime(2024, 2, 6, 12, 0, tzinfo=WITA),
    )
    ops.add_participation(
        meeting,
        {"agency_id": agency("polda-kaltim").id, "position": "Kapolda  Kaltim", "order": 4},
    )
    ops.add_participation(meeting, {"collective_label": "camat  se-Kaltim", "roles": {"host"}})
    db.session.commit()
    before = (meeting.sequence, meeting.version)
    logged = db.session.execute(db.select(db.func.count(ChangeLog.id))).scalar_one()
    posted = MultiDict(_edit_form(client, meeting))
    saved = _saved(client.post(f"/staff/meetings/{meeting.id}/edit", data=posted))
    assert (saved.sequence, saved.version) == before
    assert db.session.execute(db.select(db.func.count(ChangeLog.id))).scalar_one() == logged
    assert saved.title == "Rakor  Forkopimda" and saved.summary == "Baris satu\r\nBaris dua"
    positions = [(p.position, p.collective_label, p.order) for p in saved.participations]
    assert ("Kapolda  Kaltim", None, 4) in positions


def test_a_changed_field_is_the_only_change(client, make_meeting, agency):
    _staff(client)
    meeting = make_meeting(theme="Pemilu  damai")
    ops.add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "topic": "A  B"})
    db.session.commit()
    posted = dict(_edit_form(client, meeting))
    posted["participations-0-person_name"] = "Nanang Avianto"
    saved = _saved(client.post(f"/staff/meetings/{meeting.id}/edit", data=posted))
    entry = db.session.execute(
        db.select(ChangeLog).filter_by(entity="participation", action="update")
    ).scalar_one()
    assert set(entry.changes) == {"person_id"}
    assert saved.theme == "Pemilu  damai"
    assert (
        db.session.execute(
            db.select(ChangeLog).filter_by(entity="meeting", action="update")
        ).first()
        is None
    )
    assert db.session.execute(db.select(db.func.count(Participation.id))).scalar_one() == 1
