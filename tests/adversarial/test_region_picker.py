"""Every form picks a region in two steps: no select lists hundreds of regions.

With all 552 regions loaded, the staff meeting form, the review form, the calendar
builder, the .ics import and the admin agency form once each rendered a 552-option
select (the meeting form two, 88 KB). Now a province comes first, and "Pilih" (no
JavaScript) shows only that province's regencies and cities, keeping what was typed.
"""

from __future__ import annotations

import re
from typing import Any

from staff_helpers import login, make_user
from test_staff_meetings import meeting_data

from tracker.extensions import db
from tracker.models import Agency, Meeting, Region

SELECT = re.compile(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r"<option([^>]*)>([^<]*)</option>")
VALUE = re.compile(r'value="([^"]*)"')


def _selects(html: str) -> dict[str, list[tuple[str, bool, str]]]:
    """{select name: [(value, selected, label)]} of a page."""
    return {
        name: [
            (VALUE.search(attrs)[1], " selected" in f" {attrs}", label)  # type: ignore[index]
            for attrs, label in OPTION.findall(body)
        ]
        for name, body in SELECT.findall(html)
    }


def _selected(html: str, name: str) -> str:
    return next(v for v, chosen, _label in _selects(html)[name] if chosen)


def _id(code: str) -> str:
    return str(db.session.execute(db.select(Region.id).filter_by(code=code)).scalar_one())


def _staff(client: Any, role: str = "editor") -> None:
    make_user(f"{role}@kaltim.example", role=role)
    login(client, f"{role}@kaltim.example")


def _no_long_select(html: str) -> dict[str, list[tuple[str, bool, str]]]:
    """The page's selects, asserting that none of its region selects lists over 100."""
    selects = _selects(html)
    places = {n: o for n, o in selects.items() if re.search("region|province|city", n)}
    assert places
    assert max(len(options) for options in places.values()) <= 100, {
        name: len(o) for name, o in places.items()
    }
    return selects


def test_no_form_lists_more_than_100_regions(app, client):
    assert db.session.execute(db.select(db.func.count(Region.id))).scalar() == 552
    _staff(client, "admin")
    for path in (
        "/staff/meetings/new",
        "/calendar/",
        "/calendar/import",
        "/admin/agencies/new",
        "/calendar/?region=32.73",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        selects = _no_long_select(response.get_data(as_text=True))
        province = "province" if path.startswith("/calendar") else "region_province"
        assert len(selects[province]) == 39, path


def test_pick_shows_only_that_provinces_regions_and_keeps_every_value(app, client):
    _staff(client)
    data = meeting_data(title="Rakor Pilkada Kota Bandung", region="None")
    data |= {"region_province": "32", "pick": "region"}
    response = client.post("/staff/meetings/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 0
    assert 'value="Rakor Pilkada Kota Bandung"' in html
    assert 'value="Hotel Novotel Balikpapan"' in html
    assert _selected(html, "region_province") == "32"
    labels = [label for _v, _s, label in _selects(html)["region"]]
    assert {"Kota Bandung (WIB)", "Kab. Bandung (WIB)"} <= set(labels)
    assert not any("Balikpapan" in label for label in labels)
    # The venue's own picker still shows Balikpapan, in its province.
    assert _selected(html, "new_venue_city_province") == "64"
    assert _selected(html, "new_venue_city") == _id("64.71")


def test_a_regency_outside_kaltim_is_saved_through_both_steps(app, client):
    _staff(client)
    data = meeting_data(region=_id("32.73")) | {"region_province": "32"}
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.region.code == "32.73"
    assert meeting.timezone == "Asia/Jakarta"


def test_editing_preselects_province_and_city(app, client):
    _staff(client)
    client.post("/staff/meetings/new", data=meeting_data(region=_id("64.71")))
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    html = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert _selected(html, "region_province") == "64"
    assert _selected(html, "region") == _id("64.71")
    _no_long_select(html)


def test_a_rejected_form_keeps_both_levels(app, client):
    _staff(client)
    data = meeting_data(title="", region=_id("32.73")) | {"region_province": "32"}
    response = client.post("/staff/meetings/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _selected(html, "region_province") == "32"
    assert _selected(html, "region") == _id("32.73")


def test_a_city_left_from_the_previous_province_is_refused_not_saved(app, client):
    _staff(client)
    # Province changed to Jawa Barat without pressing "Pilih": Balikpapan is still sent.
    data = meeting_data(region=_id("64.71")) | {"region_province": "32"}
    response = client.post("/staff/meetings/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kota Balikpapan tidak berada di Jawa Barat; pilih lagi kabupaten/kotanya." in html
    assert _selected(html, "region_province") == "32"
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 0


def test_builder_picks_a_province_then_a_city(app, client):
    html = client.get("/calendar/?province=32&pick=region").get_data(as_text=True)
    regions = _no_long_select(html)["region"]
    assert regions[0][:2] == ("32", False) and "Seluruh Jawa Barat" in regions[0][2]
    assert ("32.73", False, "Kota Bandung") in regions
    assert "built-feed" not in html
    html = client.get("/calendar/?province=32&region=32.73").get_data(as_text=True)
    assert _selected(html, "province") == "32"
    assert _selected(html, "region") == "32.73"
    assert "built-feed" in html and "/calendar/region/32.73.ics" in html


def test_import_picks_the_region_in_two_steps(app, client):
    _staff(client)
    response = client.post("/calendar/import", data={"province": "32", "pick": "region"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _selected(html, "province") == "32"
    assert any(v == "32.73" for v, _s, _l in _no_long_select(html)["region"])


def test_admin_agency_form_picks_a_regency_and_keeps_the_name(app, client):
    _staff(client, "admin")
    typed = {
        "short_name": "Bawaslu Kota Bandung",
        "full_name": "Badan Pengawas Pemilihan Umum Kota Bandung",
        "kind": "election_supervisor",
        "region_province": "32",
    }
    html = client.post("/admin/agencies/new", data=typed | {"pick": "region"}).get_data(
        as_text=True
    )
    assert 'value="Bawaslu Kota Bandung"' in html
    assert _selected(html, "region_province") == "32"
    response = client.post("/admin/agencies/new", data=typed | {"region": _id("32.73")})
    assert response.status_code == 302, response.get_data(as_text=True)
    agency = db.session.execute(
        db.select(Agency).filter_by(short_name="Bawaslu Kota Bandung")
    ).scalar_one()
    assert agency.region.code == "32.73"
    html = client.get(f"/admin/agencies/{agency.id}/edit").get_data(as_text=True)
    assert _selected(html, "region_province") == "32"
    assert _selected(html, "region") == _id("32.73")


def test_the_meeting_list_choices_no_longer_carry_every_region(app):
    from tracker.meetings.queries import filter_choices

    assert set(filter_choices()) == {"elections", "agencies"}
