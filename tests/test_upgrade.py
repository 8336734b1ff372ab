"""Upgrading a database the previous release left keeps what staff recorded.

The previous release (the last commit before issue 13) builds the database with its own
code: its ``init`` and ``seed-demo``, a regency loaded with its ``load-regions``, and staff
data written through its operations (an agency with aliases, an edited reference body,
meetings with participants, a merge). Then this tree's ``init`` runs on it twice. Both
run as child processes, on SQLite and on PostgreSQL (in a schema of its own).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from adversarial.child import child_database, child_env, drop_schema, flask_command
from conftest import make_app
from sqlalchemy import create_engine, text

from tracker import reference
from tracker.extensions import db
from tracker.models.agency import normalize_name

PREVIOUS_RELEASE = "7a94168"
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "upgrade_previous_release"

# A regency staff loaded before the country shipped, with the short name they typed.
STAFF_REGIONS = "code,name,kind,parent_code,short,timezone\n62.12,Murung Raya,regency,62,Mura,\n"
STAFF_REGION_CODES = {"62.12"}
# The meetings STAFF_DATA records, by title, with their region's code.
STAFF_MEETINGS = {
    "Rakor Pengamanan Pilkada Kukar": "64.02",
    "Rakor Pilkada Murung Raya": "62.12",
    "Rakor Pilkada Papua Selatan": "93",
}
# The merges STAFF_DATA makes: the duplicate's slug and the survivor's.
MERGED = {"polda-kalimantan-timur": "polda-kaltim", "binda-kaltim": "fkub-kaltim"}
# Bodies the previous release made for a 2022 province that STAFF_DATA uses or edits.
USED_2022_BODIES = {"polda-papua-selatan", "kpu-papua-tengah"}
PROVINCES_OF_2022 = {"93", "94", "95", "96"}

# Staff work, written with the previous release's own operations.
STAFF_DATA = """
from datetime import datetime
from zoneinfo import ZoneInfo

from tracker import create_app
from tracker.agencies import operations as agencies
from tracker.auth.operations import create_user
from tracker.extensions import db
from tracker.meetings import operations as meetings
from tracker.models import Agency, Region


def agency(slug):
    return db.session.execute(db.select(Agency).filter_by(slug=slug)).scalar_one()


def region(code):
    return db.session.execute(db.select(Region).filter_by(code=code)).scalar_one()


def meeting(code, title, zone, participants):
    tz = ZoneInfo(zone)
    made = meetings.create_meeting({
        "title": title,
        "starts_at": datetime(2024, 10, 8, 9, 0, tzinfo=tz),
        "ends_at": datetime(2024, 10, 8, 12, 0, tzinfo=tz),
        "region_id": region(code).id,
    }, user=staff)
    for slug, roles in participants:
        meetings.add_participation(
            made, {"agency_id": agency(slug).id, "roles": roles, "attendance": "present"},
            user=staff,
        )


cheap_hash = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
with create_app({"TESTING": True, "PASSWORD_HASH_PARAMS": cheap_hash}).app_context():
    staff = create_user("admin@example.go.id", "Admin Humas", "kata-sandi-panjang-1", "admin")
    agencies.create_agency(
        {"short_name": "Polres Murung Raya", "full_name": "Kepolisian Resor Murung Raya",
         "kind": "police", "head_title": "Kapolres", "region_id": region("62.12").id},
        aliases=["Polres Mura", "Kapolres Mura"], user=staff,
    )
    agencies.create_agency(
        {"short_name": "FKUB Kaltim",
         "full_name": "Forum Kerukunan Umat Beragama Provinsi Kalimantan Timur",
         "kind": "other", "region_id": region("64").id},
        aliases=["FKUB Kalimantan Timur"], user=staff,
    )
    agencies.create_agency(
        {"short_name": "Polda Kalimantan Timur", "full_name": "Polda Kalimantan Timur",
         "kind": "police", "region_id": region("64").id}, user=staff,
    )
    agencies.update_agency(
        agency("pt-samarinda"), {"full_name": "Pengadilan Tinggi Kalimantan Timur"}, staff
    )
    meeting("64.02", "Rakor Pengamanan Pilkada Kukar", "Asia/Makassar", [
        ("pemprov-kaltim", {"chair"}), ("polda-kalimantan-timur", {"speaker"}),
        ("fkub-kaltim", {"speaker", "attendee"}), ("kpu-kaltim", set()),
    ])
    meeting("62.12", "Rakor Pilkada Murung Raya", "Asia/Pontianak", [
        ("polres-murung-raya", {"chair"}), ("bawaslu-kalteng", {"speaker"}),
    ])
    meeting("93", "Rakor Pilkada Papua Selatan", "Asia/Jayapura", [
        ("pemprov-papua-selatan", {"chair"}), ("polda-papua-selatan", {"speaker"}),
    ])
    agencies.add_alias(agency("kpu-papua-tengah"), "KPU Provinsi PPT", user=staff)
    agencies.merge_agencies(agency("polda-kaltim"), agency("polda-kalimantan-timur"), staff)
    agencies.merge_agencies(agency("fkub-kaltim"), agency("binda-kaltim"), staff)
    db.session.commit()
"""


@dataclass(frozen=True)
class Snapshot:
    """What a user sees of the registry and the meetings, read with plain SQL."""

    regions: dict[int, tuple[Any, ...]]
    agencies: dict[int, tuple[Any, ...]]
    aliases: set[tuple[int, str]]
    redirects: dict[str, int]
    meetings: dict[int, tuple[Any, ...]]


@dataclass(frozen=True)
class Upgrade:
    """The database before the upgrade, after the first and the second ``init``."""

    url: str
    before: Snapshot
    first: Snapshot
    second: Snapshot
    second_report: str


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql))]


def _iso(day: date | str | None) -> str | None:
    return day.isoformat() if isinstance(day, date) else day


def _snapshot(url: str) -> Snapshot:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        regions = _rows(conn, "SELECT id, code, name, short, kind, timezone, parent_id FROM region")
        agencies = _rows(
            conn,
            "SELECT id, slug, short_name, full_name, kind, head_title, region_id, parent_id,"
            " valid_from, valid_until FROM agency",
        )
        aliases = _rows(conn, "SELECT agency_id, normalized FROM agency_alias")
        redirects = _rows(conn, "SELECT slug, agency_id FROM agency_slug_redirect")
        meetings = _rows(
            conn,
            "SELECT m.id, r.code, m.title FROM meeting m JOIN region r ON r.id = m.region_id",
        )
        participants = _rows(
            conn,
            "SELECT p.meeting_id, a.slug, p.person_id, p.collective_label, p.roles,"
            " p.attendance FROM participation p LEFT JOIN agency a ON a.id = p.agency_id",
        )
    engine.dispose()
    people: dict[int, list[tuple[Any, ...]]] = {}
    for meeting_id, *rest in participants:
        people.setdefault(meeting_id, []).append(tuple(str(v) for v in rest))
    return Snapshot(
        regions={r[0]: r[1:] for r in regions},
        # Dates as ISO text: SQLite hands raw SQL its text, PostgreSQL a date.
        agencies={a[0]: (*a[1:8], *(_iso(d) for d in a[8:])) for a in agencies},
        aliases=set(aliases),
        redirects=dict(redirects),
        meetings={m[0]: (*m[1:], sorted(people.get(m[0], []))) for m in meetings},
    )


def _run(args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None) -> str:
    done = subprocess.run(
        args, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="session")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's tree, extracted once."""
    target = tmp_path_factory.mktemp("previous_release")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _old_release_database(old: Path, env: dict[str, str], data: Path) -> None:
    """Build the database with the previous release's commands and operations."""
    old_env = env | {"PYTHONPATH": str(old)}
    found = _run([sys.executable, "-c", "import tracker; print(tracker.__file__)"], old_env, old)
    assert found.strip() == str(old / "tracker" / "__init__.py")
    _run(flask_command("init"), old_env, old)
    _run(flask_command("seed-demo"), old_env, old)
    regions = data / "staff_regions.csv"
    regions.write_text(STAFF_REGIONS, encoding="utf-8")
    _run(flask_command("load-regions", str(regions)), old_env, old)
    _run([sys.executable, "-"], old_env, old, stdin=STAFF_DATA)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def upgrade(
    request: pytest.FixtureRequest, previous_release: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Upgrade]:
    """A previous-release database upgraded by this tree's ``init``, twice."""
    backend = str(request.param)
    data = tmp_path_factory.mktemp(f"upgrade_{backend}")
    url = child_database(backend, data, SCHEMA)
    env = child_env(url, data / "instance")
    env.pop("PYTHONPATH", None)
    _old_release_database(previous_release, env, data)
    before = _snapshot(url)
    _run(flask_command("init"), env, ROOT)
    first = _snapshot(url)
    second_report = _run(flask_command("init"), env, ROOT)
    yield Upgrade(url, before, first, _snapshot(url), second_report)
    drop_schema(backend, SCHEMA)


def test_every_meeting_keeps_its_region_and_participants(upgrade: Upgrade) -> None:
    assert len(upgrade.before.meetings) >= 10
    assert upgrade.first.meetings == upgrade.before.meetings
    staff = {m[1]: m for m in upgrade.first.meetings.values() if m[1] in STAFF_MEETINGS}
    assert {title: m[0] for title, m in staff.items()} == STAFF_MEETINGS
    assert len(staff["Rakor Pengamanan Pilkada Kukar"][2]) == 4


def test_regions_keep_their_ids_codes_names_and_parents(upgrade: Upgrade) -> None:
    before = upgrade.before.regions
    assert {i: upgrade.first.regions.get(i) for i in before} == before
    assert set(upgrade.before.regions) <= set(upgrade.first.regions)


def test_a_staff_loaded_region_keeps_what_staff_typed(upgrade: Upgrade) -> None:
    staff = {i: r for i, r in upgrade.before.regions.items() if r[0] in STAFF_REGION_CODES}
    assert staff
    assert {i: upgrade.first.regions[i] for i in staff} == staff


def _retired() -> set[str]:
    """The slugs init deletes: the previous release's 2022-province bodies nobody used."""
    return {row.slug for row in reference.withheld_agencies()} - USED_2022_BODIES


def test_agencies_keep_their_ids_slugs_and_names(upgrade: Upgrade) -> None:
    def names(agencies: dict[int, tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
        return {i: a[:7] for i, a in agencies.items()}

    before = {i: a for i, a in names(upgrade.before.agencies).items() if a[0] not in _retired()}
    assert {i: names(upgrade.first.agencies).get(i) for i in before} == before
    assert {(i, n) for i, n in upgrade.before.aliases if i in before} <= upgrade.first.aliases
    assert upgrade.first.redirects == upgrade.before.redirects
    assert not {a[0] for a in upgrade.first.agencies.values()} & _retired()


def test_a_staff_edit_of_a_reference_agency_survives(upgrade: Upgrade) -> None:
    slug_of = {a[0]: a for a in upgrade.first.agencies.values()}
    assert slug_of["pt-samarinda"][2] == "Pengadilan Tinggi Kalimantan Timur"


def test_staff_agencies_and_their_aliases_are_intact(upgrade: Upgrade) -> None:
    by_slug = {a[0]: (i, a) for i, a in upgrade.first.agencies.items()}
    polres_id, polres = by_slug["polres-murung-raya"]
    assert polres[1:3] == ("Polres Murung Raya", "Kepolisian Resor Murung Raya")
    fkub_id, _fkub = by_slug["fkub-kaltim"]
    aliases = upgrade.first.aliases
    assert {(polres_id, "polres mura"), (polres_id, "kapolres mura")} <= aliases
    assert {(fkub_id, "fkub kalimantan timur"), (fkub_id, "binda kaltim")} <= aliases


def test_merged_slugs_still_redirect(upgrade: Upgrade, tmp_path: Path) -> None:
    backend = "postgres" if upgrade.url.startswith("postgresql") else "sqlite"
    app = make_app(backend, tmp_path, DATABASE_URL=upgrade.url)
    client = app.test_client()
    for old, survivor in MERGED.items():
        response = client.get(f"/agencies/{old}")
        assert response.status_code in (301, 308)
        assert response.headers["Location"].endswith(f"/agencies/{survivor}")
        assert client.get(f"/agencies/{survivor}").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_counts_of_regions_and_agencies(upgrade: Upgrade) -> None:
    assert len(upgrade.first.regions) == 38 + len(reference.lower_regions())
    before = upgrade.before
    had = {a[0] for a in before.agencies.values()}
    added = {row.slug for row in reference.agencies()} - had - set(before.redirects)
    retired = _retired()
    assert retired <= had and len(retired) == 30
    assert len(upgrade.first.agencies) == len(before.agencies) + len(added) - len(retired)
    assert {a[0] for a in upgrade.first.agencies.values()} == had - retired | added


def test_reference_bodies_carry_the_dates_of_this_release(upgrade: Upgrade) -> None:
    """Nobody edited the dates, so every generated body has this release's, old or new."""
    by_slug = {a[0]: a for a in upgrade.first.agencies.values()}
    for row in reference.agencies():
        if row.slug in by_slug:
            assert by_slug[row.slug][7:] == (_iso(row.valid_from), _iso(row.valid_until))
    assert by_slug["pemprov-papua-barat-daya"][7] == "2022-12-08"
    assert by_slug["kemenko-polhukam"][8] == "2024-10-20"
    for slug in USED_2022_BODIES:
        assert by_slug[slug][7:] == (None, None)  # kept for staff to date: nothing invented


def test_2022_provinces_list_only_their_pemprov_and_bodies_staff_used(
    upgrade: Upgrade, tmp_path: Path
) -> None:
    backend = "postgres" if upgrade.url.startswith("postgresql") else "sqlite"
    app = make_app(backend, tmp_path, DATABASE_URL=upgrade.url)
    listed = app.test_client().get("/api/v1/agencies.csv?on=2023-01-01").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
    rows = csv.DictReader(io.StringIO(listed))
    in_2022 = {r["slug"] for r in rows if r["region_code"] in PROVINCES_OF_2022}
    pemprovs = {f"pemprov-{p}" for p in ("papua-selatan", "papua-tengah", "papua-pegunungan")}
    assert in_2022 == pemprovs | {"pemprov-papua-barat-daya"} | USED_2022_BODIES
    report = "2 badan dari provinsi yang dibentuk pada 2022 perlu tanggal dari staf"
    assert f"{report}: kpu-papua-tengah, polda-papua-selatan" in upgrade.second_report


def test_no_region_or_agency_is_duplicated(upgrade: Upgrade) -> None:
    codes = [r[0] for r in upgrade.first.regions.values()]
    assert len(codes) == len(set(codes))
    names = [normalize_name(a[1]) for a in upgrade.first.agencies.values()]
    assert len(names) == len(set(names))


def test_a_second_init_changes_nothing(upgrade: Upgrade) -> None:
    assert upgrade.second == upgrade.first
    assert "0 new regions" in upgrade.second_report
    assert "0 new agencies" in upgrade.second_report
