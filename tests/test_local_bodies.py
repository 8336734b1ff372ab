"""Regency and city bodies: generated from data, made rows on first use, kept current."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from staff_helpers import login, make_user
from test_staff_meetings import meeting_data

from tracker import reference
from tracker.agencies import catalogue, picking
from tracker.agencies.local_operations import ensure_local_body, refresh_local_bodies
from tracker.agencies.operations import set_aliases, update_agency
from tracker.extensions import db
from tracker.models import Agency, Meeting, Region
from tracker.validation import ValidationError


def _keys(text: str, province: str | None = None) -> list[str]:
    return [b.key for b in catalogue.named(text, province)]


# -- the catalogue (pure) -------------------------------------------------------------------


def test_every_regency_and_city_has_its_standard_bodies():
    per_region = Counter(b.region_code for b in catalogue.local_bodies() if ":" in b.key)
    codes = {r.code for r in reference.lower_regions()}
    assert len(codes) == 514 and codes <= set(per_region)
    templates = {b.key.split(":")[0] for b in catalogue.local_bodies()}
    assert {"pemkab", "pemkot", "dprd", "polres", "kejari", "kpu", "bawaslu"} <= templates
    assert {"kesbangpol", "satpolpp", "pn", "kodim", "korem"} <= templates
    for region in reference.lower_regions():
        head = "pemkab" if region.kind == "regency" else "pemkot"
        for key in (head, "kejari", "kpu", "bawaslu", "satpolpp"):
            assert f"{key}:{region.code}" in catalogue.by_key(), (key, region.code)
    polres = {b.region_code for b in catalogue.local_bodies() if b.template == "polres"}
    # Every region has its resort, except the five a neighbour's covers (polres_none.csv).
    assert codes - polres == {"32.17", "12.24", "12.25", "12.78", "15.72"}
    assert catalogue.named("Kapolres Bandung Barat") == []
    assert [b.key for b in catalogue.named("Polres Cimahi")] == ["polres:32.77"]


def test_slugs_are_unique_and_never_a_national_or_provincial_body_s():
    slugs = [b.row.slug for b in catalogue.local_bodies()]
    assert len(slugs) == len(set(slugs))
    assert not set(slugs) & {a.slug for a in reference.agencies()}
    # Two regions of one name in two provinces: one name, two addresses.
    banjar = {b.region_code: b.row.slug for b in catalogue.named("Polres Banjar")}
    assert banjar == {"63.03": "polres-banjar-kalsel", "32.79": "polres-banjar-jabar"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kapolres Inhu", "polres:14.02"),
        ("Polres Indragiri Hulu", "polres:14.02"),
        ("Kajari Inhil", "kejari:14.04"),
        ("Ketua KPU Kota Bima", "kpu:52.72"),
        ("KPU Kab. Bima", "kpu:52.06"),
        ("Bupati Kukar", "pemkab:64.02"),
        ("Pemkot Samarinda", "pemkot:64.72"),
        ("DPRD Kota Balikpapan", "dprd:64.71"),
        ("Kepala Badan Kesbangpol Kutim", "kesbangpol:64.08"),
        ("Dandim 0901/Samarinda", "kodim:0901"),
        ("Kodim 0901", "kodim:0901"),
        ("Danrem 091", "korem:091"),
        ("Polrestabes Surabaya", "polres:35.78"),
        ("Kapolresta Samarinda", "polres:64.72"),
        ("Polres Metro Jakarta Pusat", "polres:31.71"),
        ("Ketua Bawaslu Kabupaten Malang", "bawaslu:35.07"),
        ("Bawaslu Kota Malang", "bawaslu:35.73"),
    ],
)
def test_names_as_releases_write_them_lead_to_one_body(text, key):
    assert _keys(text) == [key]


def test_a_name_a_regency_and_a_city_share_is_never_one_of_them_alone():
    assert _keys("KPU Bima") == [] and _keys("Bawaslu Bekasi") == []
    assert _keys("KPU Kota Bekasi") == ["kpu:32.75"]
    assert _keys("KPU Kabupaten Bekasi") == ["kpu:32.16"]
    # Same name, other provinces: both answer; the meeting's province settles it.
    assert sorted(_keys("Polres Banjar")) == ["polres:32.79", "polres:63.03"]
    assert _keys("Polres Banjar", "63") == ["polres:63.03"]


def test_special_regions_get_their_own_bodies():
    bodies = catalogue.by_key()
    assert bodies["kpu:11.71"].row.short_name == "KIP Banda Aceh"  # Aceh: UU 11/2006
    assert bodies["bawaslu:11.71"].row.short_name == "Panwaslih Banda Aceh"
    assert bodies["dprd:11.71"].row.short_name == "DPRK Banda Aceh"
    # DKI's administrative cities have no DPRD nor Kesbangpol of their own.
    assert "dprd:31.71" not in bodies and "kesbangpol:31.71" not in bodies
    assert bodies["pemkot:31.71"].row.full_name == "Pemerintah Kota Administrasi Jakarta Pusat"


def test_regency_election_supervisors_exist_from_2018():
    body = catalogue.by_key()["bawaslu:64.02"]
    assert body.row.valid_from == date(2018, 8, 15)
    assert body.row.head_title == "Ketua Bawaslu"


# -- rows on first use ---------------------------------------------------------------------


def test_first_use_makes_one_row_then_reuses_it(app):
    before = db.session.scalar(db.select(db.func.count(Agency.id)))
    agency = picking.resolve_agency("Kapolres Inhu")
    again = picking.resolve_agency("Polres Indragiri Hulu")
    assert agency.id == again.id and agency.reference_key == "polres:14.02"
    assert agency.short_name == "Polres Indragiri Hulu" and agency.region.code == "14.02"
    assert db.session.scalar(db.select(db.func.count(Agency.id))) == before + 1
    assert "Kapolres Inhu" in {a.alias for a in agency.aliases}


def test_a_body_staff_typed_in_by_hand_is_adopted_not_duplicated(app):
    region = db.session.execute(db.select(Region).filter_by(code="64.02")).scalar_one()
    own = Agency(
        slug="kpu-kukar-staf",
        short_name="KPU Kutai Kartanegara",
        full_name="KPU Kab. Kukar",
        kind="election_commission",
        region_id=region.id,
    )
    db.session.add(own)
    db.session.flush()
    assert ensure_local_body("kpu:64.02").id == own.id
    assert own.reference_key == "kpu:64.02" and own.slug == "kpu-kukar-staf"


def test_search_offers_catalogue_bodies_without_writing(app):
    before = db.session.scalar(db.select(db.func.count(Agency.id)))
    choices = picking.search("Kapolres Inhu")
    assert [(c.value, c.short_name, c.agency) for c in choices] == [
        ("ref:polres:14.02", "Polres Indragiri Hulu", None)
    ]
    assert choices[0].region == "Kabupaten Indragiri Hulu, Riau"
    assert db.session.scalar(db.select(db.func.count(Agency.id))) == before
    made = picking.resolve_agency("Inhu", choices[0].value)  # the search text, then the pick
    db.session.commit()  # as the saving request does; the next search sees the row
    assert [c.value for c in picking.search("Kapolres Inhu")] == [str(made.id)]


def test_no_picker_offers_a_body_on_a_day_it_did_not_exist(app):
    assert picking.search("Bawaslu Kukar", on=date(2017, 3, 1)) == []
    assert [c.value for c in picking.search("Bawaslu Kukar", on=date(2023, 3, 1))] == [
        "ref:bawaslu:64.02"
    ]
    with pytest.raises(ValidationError) as error:
        picking.resolve_agency("Bawaslu Kukar", on=date(2017, 3, 1))
    assert "baru ada sejak" in error.value.errors["agency_id"]
    assert (
        db.session.execute(db.select(Agency).filter_by(reference_key="bawaslu:64.02")).first()
        is None
    )


def test_the_meeting_s_province_settles_a_shared_name(app):
    kalsel = picking.resolve_agency("Polres Banjar", province_code="63")
    jabar = picking.resolve_agency("Polres Banjar", province_code="32")
    assert (kalsel.region.code, jabar.region.code) == ("63.03", "32.79")
    with pytest.raises(ValidationError) as error:
        picking.resolve_agency("Polres Banjar")
    assert "beberapa instansi" in error.value.errors["agency_id"]


def test_init_refreshes_used_bodies_but_keeps_what_staff_changed(app):
    from tracker.cli import _load_reference

    editor = make_user()
    agency = ensure_local_body("kejari:64.72")
    update_agency(agency, {"full_name": "Kejaksaan Negeri Samarinda (Kelas IA)"}, editor)
    set_aliases(agency, [a.alias for a in agency.aliases if a.alias != "Kajari Samarinda"], editor)
    agency.head_title = "Kepala"  # a stale generated value nobody edited
    db.session.commit()
    _load_reference()
    _load_reference()
    db.session.commit()
    db.session.expire_all()
    agency = db.session.get(Agency, agency.id)
    assert agency.full_name == "Kejaksaan Negeri Samarinda (Kelas IA)"
    assert agency.head_title == "Kajari"
    assert "Kajari Samarinda" not in {a.alias for a in agency.aliases}
    assert refresh_local_bodies() == 0
    assert (
        db.session.scalar(
            db.select(db.func.count(Agency.id)).where(Agency.reference_key.is_not(None))
        )
        == 1
    )


# -- the meeting form, without JavaScript ------------------------------------------------


def _riau(**overrides):
    rows = [{"agency_name": "Kapolres Inhu", "roles": ["speaker"]}]
    return meeting_data(
        rows=rows,
        region=str(db.session.execute(db.select(Region.id).filter_by(code="14.02")).scalar_one()),
        new_venue_city="",
        **overrides,
    )


def test_cari_shows_the_matches_as_choices_and_saving_one_makes_its_row(client):
    login(client, make_user().email)
    data = _riau(**{"participations-0-agency_name": "Inhu", "find_agency": "0"})
    page = client.post("/staff/meetings/new", data=data).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0
    options = re.findall(r'name="participations-0-agency_id"[^>]*value="([^"]+)"', page)
    assert "ref:polres:14.02" in options and "ref:kpu:14.02" in options
    assert "belum di registri" in page

    data.pop("find_agency")
    data["participations-0-agency_id"] = "ref:polres:14.02"
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert [p.agency.reference_key for p in meeting.participations] == ["polres:14.02"]


def test_a_typed_regency_body_name_saves_without_any_picking(client):
    login(client, make_user().email)
    response = client.post("/staff/meetings/new", data=_riau())
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.participations[0].agency.short_name == "Polres Indragiri Hulu"


def test_the_search_endpoint_answers_catalogue_bodies_with_a_ref_value(client):
    login(client, make_user().email)
    results = client.get("/staff/agencies/search?q=Polres Banjar&province=32").get_json()["results"]
    assert [(r["value"], r["id"]) for r in results][:2] == [
        ("ref:polres:32.79", None),
        ("ref:polres:63.03", None),
    ]
