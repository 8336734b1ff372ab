"""Reference data: provinces and zones, Kaltim regions, elections, agencies, Kodam."""

from datetime import date

from tracker.extensions import db
from tracker.models import Agency, AgencyAlias, Election, Region


def test_all_38_provinces_with_their_zones(app):
    provinces = db.session.execute(db.select(Region).filter_by(kind="province")).scalars().all()
    assert len(provinces) == 38
    zones = {p.name: p.timezone for p in provinces}
    assert zones["Kalimantan Barat"] == "Asia/Pontianak"
    assert zones["Kalimantan Tengah"] == "Asia/Pontianak"
    assert zones["Kalimantan Timur"] == "Asia/Makassar"
    assert zones["Kalimantan Selatan"] == "Asia/Makassar"
    assert zones["Bali"] == "Asia/Makassar"
    assert zones["DKI Jakarta"] == "Asia/Jakarta"
    assert zones["Maluku"] == "Asia/Jayapura"
    assert zones["Papua Barat Daya"] == "Asia/Jayapura"


def test_kaltim_regencies_and_cities(app, region):
    kaltim = region("64")
    names = sorted(r.name for r in kaltim.children)
    assert len(names) == 10
    assert "Balikpapan" in names and "Mahakam Ulu" in names
    assert region("64.71").kind == "city"
    assert region("64.71").timezone == "Asia/Makassar"
    assert region("64.71").province is kaltim


def test_elections(app):
    elections = {e.slug: e for e in db.session.execute(db.select(Election)).scalars()}
    assert elections["pemilu-2024"].polling_day == date(2024, 2, 14)
    assert elections["pilkada-2024"].polling_day == date(2024, 11, 27)
    assert elections["pemilu-2024"].scope_region is None


def test_standard_bodies_of_every_province(app, agency):
    agencies = db.session.execute(db.select(Agency)).scalars().all()
    per_province = {}
    for a in agencies:
        if a.kind != "military" and a.region is not None:
            per_province.setdefault(a.region.code, []).append(a)
    assert len(per_province) == 38
    # The provinces of 2022 get only their government (the others' dates are unknown).
    recent = {"93", "94", "95", "96"}
    assert all(len(v) == 9 for code, v in per_province.items() if code not in recent)
    assert all(len(per_province[code]) == 1 for code in recent)
    polda = agency("polda-kaltim")
    assert polda.full_name == "Kepolisian Daerah Kalimantan Timur"
    assert polda.head_title == "Kapolda"
    assert polda.kind == "police"
    assert agency("kesbangpol-kaltim").parent == agency("pemprov-kaltim")
    assert agency("kip-aceh").kind == "election_commission"
    assert agency("polda-metro-jaya").region.name == "DKI Jakarta"


def test_kodam_renaming_has_validity_dates(app, agency):
    old, new = agency("kodam-xvi-pattimura"), agency("kodam-xv-pattimura")
    assert old.valid_until == date(2024, 2, 27)
    assert new.valid_from == date(2024, 2, 28)
    aliases = {a.alias for a in agency("kodam-vi-mulawarman").aliases}
    assert "Kodam VI Mulawarman" in aliases


def test_reference_load_is_idempotent(app):
    from tracker.cli import _load_reference

    before = db.session.execute(db.select(db.func.count()).select_from(AgencyAlias)).scalar()
    assert _load_reference() == (0, 0, 0)
    after = db.session.execute(db.select(db.func.count()).select_from(AgencyAlias)).scalar()
    assert before == after
