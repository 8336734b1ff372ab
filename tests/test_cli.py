"""Command-line tasks: init, seed-demo, synth, create-user, load-regions."""

import re
from datetime import date

import pytest
from sqlalchemy import func

from tracker.extensions import db
from tracker.models import Meeting, Participation, PressRelease, Region, User


def test_init_writes_secret_and_builds_schema(tmp_path):
    from conftest import make_app

    app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'i.sqlite'}")
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    config = (tmp_path / "instance" / "config.py").read_text()
    key = re.search(r"SECRET_KEY = '([0-9a-f]+)'", config).group(1)
    assert len(key) == 64
    assert "552 new regions" in result.output  # 38 provinces + 514 regencies and cities
    again = app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0
    assert "0 new regions" in again.output
    assert key in (tmp_path / "instance" / "config.py").read_text()  # kept, not rotated
    with app.app_context():
        db.engine.dispose()


def test_seed_demo_enters_the_balikpapan_rakor(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    meeting = db.session.execute(
        db.select(Meeting).filter_by(title="Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024")
    ).scalar_one()
    assert meeting.local_date == date(2024, 2, 6)
    assert meeting.timezone == "Asia/Makassar"
    assert meeting.time_unknown is True
    assert meeting.venue.name == "Hotel Novotel Balikpapan"
    assert meeting.venue.address == "Jalan Brigjen Ery Suparjan No. 2"
    assert meeting.venue.city.name == "Balikpapan"
    assert meeting.region.name == "Kalimantan Timur"
    assert meeting.election.name == "Pemilu 2024"
    assert meeting.theme.startswith("Pemantapan Kesiapan Daerah")
    assert "Selasa 6 Januari 2024" in meeting.source_note
    assert meeting.chair.person.name == "Akmal Malik"
    assert meeting.chair.position == "Pj Gubernur Kaltim"
    speakers = {p.agency.short_name for p in meeting.participations if p.is_speaker}
    assert {
        "Polda Kaltim",
        "Kodam VI/Mulawarman",
        "DPRD Kaltim",
        "Kejati Kaltim",
        "Bawaslu Kaltim",
        "KPU Kaltim",
    } <= speakers
    collectives = {p.collective_label for p in meeting.participations if p.collective_label}
    assert {"bupati/walikota se-Kaltim", "camat se-Kaltim"} <= collectives
    assert all(p.evidence for p in meeting.participations)
    assert meeting.coverages[0].press_release.outlet == "kaltimfaktual.co"
    # Running it again creates nothing new.
    again = runner.invoke(args=["seed-demo"])
    assert "0 demo meetings created" in again.output


def test_synth_is_deterministic(app, runner):
    result = runner.invoke(args=["synth", "--meetings", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output
    first = db.session.execute(db.select(Meeting.uid, Meeting.title).order_by(Meeting.id)).all()
    assert len(first) == 30
    counts = (
        db.session.execute(
            db.select(db.func.count(Participation.id)).group_by(Participation.meeting_id)
        )
        .scalars()
        .all()
    )
    assert min(counts) >= 3 and max(counts) <= 12
    releases = db.session.execute(db.select(db.func.count()).select_from(PressRelease)).scalar()
    assert 30 <= releases <= 60
    starts = db.session.execute(db.select(Meeting.starts_at)).scalars().all()
    assert all(2022 <= s.year <= 2024 for s in starts)
    # The same seed again on an emptied database gives the same rows.
    db.session.execute(db.delete(Meeting))
    db.session.execute(db.delete(PressRelease))
    db.session.commit()
    runner.invoke(args=["synth", "--meetings", "30", "--seed", "7"])
    second = db.session.execute(db.select(Meeting.uid, Meeting.title).order_by(Meeting.id)).all()
    assert [tuple(r) for r in first] == [tuple(r) for r in second]


def test_create_user_hashes_password(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Admin@Example.org",
            "--name",
            "Admin",
            "--password",
            "sangat-rahasia-123",
        ],
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "admin@example.org"
    assert user.role == "admin"
    assert user.password_hash.startswith("$argon2id$")
    short = runner.invoke(
        args=["create-user", "--email", "b@example.org", "--name", "B", "--password", "pendek"]
    )
    assert short.exit_code == 1
    assert "password" in short.output


def test_load_regions_csv(runner, tmp_path):
    good = tmp_path / "kalbar.csv"
    good.write_text(
        "# a comment line, as the generated files start with\n"
        "code,name,kind,parent_code,short,timezone\n"
        "61.99,Kota Uji,city,61,Uji,\n61.72,Singkawang,city,61,Skw,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["load-regions", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 new regions loaded" in result.output
    city = db.session.execute(db.select(Region).filter_by(code="61.99")).scalar_one()
    assert city.timezone == "Asia/Pontianak" and city.parent.name == "Kalimantan Barat"
    updated = db.session.execute(db.select(Region).filter_by(code="61.72")).scalar_one()
    assert (updated.name, updated.short) == ("Singkawang", "Skw")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,kind,parent_code,short,timezone\n"
        "99.01,Baik,regency,61,,\n99.02,Salah,regency,61,,Europe/Paris\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["load-regions", str(bad)])
    assert result.exit_code == 1
    assert "row 2 (99.02)" in result.output
    assert db.session.execute(db.select(Region).filter_by(code="99.01")).first() is None


KALBAR = "Asia/Pontianak"


@pytest.mark.parametrize(
    "rows, reason",
    [
        (f"61.98,Lingkar,regency,61.98,,{KALBAR}\n", "row 1 (61.98): induk 61.98 bukan"),
        (f"61.97,Anak,city,61.72,,{KALBAR}\n", "row 1 (61.97): induk 61.72 bukan provinsi"),
        (f"61,Kalimantan Barat,province,64,,{KALBAR}\n", "row 1 (61): provinsi tidak punya"),
        # A repeated code is reported at the row where the mistake stands.
        (f"61.96,Satu,city,61,,\n61.96,Dua,city,6x,,{KALBAR}\n", "row 2 (61.96): induk 6x bukan"),
    ],
)
def test_load_regions_refuses_loops_and_names_the_row(runner, tmp_path, rows, reason):
    path = tmp_path / "loops.csv"
    path.write_text("code,name,kind,parent_code,short,timezone\n" + rows, encoding="utf-8")
    before = db.session.execute(db.select(func.count(Region.id))).scalar_one()
    result = runner.invoke(args=["load-regions", str(path)])
    assert result.exit_code == 1 and reason in result.output, result.output
    assert db.session.execute(db.select(func.count(Region.id))).scalar_one() == before


def test_bulk_loads_refresh_the_planner_statistics(app, runner):
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement.strip())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = runner.invoke(args=["synth", "--meetings", "5"])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.output
    wanted = "VACUUM (ANALYZE)" if db.engine.dialect.name == "postgresql" else "PRAGMA optimize"
    # After the commit, so the statistics describe the loaded rows.
    assert seen[-1] == wanted, seen[-3:]
    if db.engine.dialect.name == "postgresql":
        tuples, visible = db.session.execute(
            db.text("SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'meeting'")
        ).one()
        # Statistics, and pages marked all-visible (index-only scans need them).
        assert tuples >= 5 and visible >= 1
