"""A bulk import killed with SIGKILL leaves a consistent database holding everything it
reported, and a second run completes the rest without duplicates.

Runs the real command (``flask --app tracker import-press``) in a child process against
a file-backed SQLite database and against PostgreSQL (in a schema of its own).
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from conftest import PG_URL
from sqlalchemy import create_engine, text

from tracker import create_app
from tracker.extensions import db
from tracker.models import Meeting, PressRelease
from tracker.press.intake import plain_body
from tracker.press.operations import find_by_content

from .child import child_database, child_env, drop_schema, flask_command

FILES = 40
KILL_AFTER = 8  # report lines seen before the kill
SCHEMA = "adversarial_crash"
PLACES = ("Samarinda", "Balikpapan", "Bontang")
MONTHS = ("Januari", "Februari", "Maret", "April")


def _release(number: int) -> str:
    city = PLACES[number % 3]
    day, month = 1 + number % 27, 1 + (number // 27) % 4
    return (
        f"Rapat Koordinasi Forkopimda Kota {city} nomor {number} digelar di Balai Kota "
        f"{city}, Senin ({day}/{month}/2024) pukul 09.00 WITA. Rapat dipimpin Wali Kota "
        f"{city} dan dihadiri Kapolresta {city}, Dandim, Kajari dan Ketua KPU Kota {city} "
        f"untuk membahas kesiapan Pemilu 2024 bulan {MONTHS[month - 1]}."
    )


def _check_consistent(backend: str, url: str) -> None:
    """SQLite's integrity and foreign-key checks; on PostgreSQL, no orphaned rows."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        if backend == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        else:
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM coverage c LEFT JOIN press_release r "
                    "ON r.id = c.press_release_id LEFT JOIN meeting m ON m.id = c.meeting_id "
                    "WHERE r.id IS NULL OR m.id IS NULL"
                )
            ).scalar()
            assert orphans == 0
    engine.dispose()


def test_killed_import_keeps_what_it_reported_and_resumes(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not PG_URL:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    folder = tmp_path / "rilis"
    folder.mkdir()
    bodies = {}
    for number in range(FILES):
        name = f"{number:03d}-rilis.txt"
        bodies[name] = _release(number)
        (folder / name).write_text(bodies[name], encoding="utf-8")
    url = child_database(backend, tmp_path, SCHEMA)
    env = child_env(url, tmp_path / "instance")
    subprocess.run(flask_command("init"), env=env, check=True, capture_output=True)

    child = subprocess.Popen(
        flask_command("import-press", str(folder)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    reported: list[str] = []
    assert child.stdout is not None
    for line in child.stdout:
        reported.append(line)
        if len(reported) >= KILL_AFTER:
            child.send_signal(signal.SIGKILL)
            break
    reported += child.stdout.read().splitlines(keepends=True)  # flushed before it died
    child.stdout.close()
    assert child.wait() == -signal.SIGKILL, "the import finished before it could be killed"
    saved = [line.split()[1].rstrip(":") for line in reported if line.split()[0] != "rejected"]
    assert len(saved) >= KILL_AFTER and len(saved) < FILES

    _check_consistent(backend, url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance")}
    )
    with app.app_context():
        for name in saved:
            assert find_by_content(plain_body(bodies[name])) is not None, name
        db.session.remove()
        db.engine.dispose()

    rerun = subprocess.run(
        flask_command("import-press", str(folder)),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in rerun.stdout.splitlines() if line.strip()][:-1]
    assert len(lines) == FILES
    outcomes = {line.split()[1].rstrip(":"): line.split()[0] for line in lines}
    assert all(outcomes[name] == "exists" for name in saved)
    assert "rejected" not in outcomes.values()

    _check_consistent(backend, url)
    with app.app_context():
        releases = db.session.execute(db.select(PressRelease.content_hash)).scalars().all()
        assert len(releases) == len(set(releases)) == FILES
        uids = db.session.execute(db.select(Meeting.uid)).scalars().all()
        assert len(uids) == len(set(uids))
        for name, body in bodies.items():
            assert find_by_content(plain_body(body)) is not None, name
        db.session.remove()
        db.engine.dispose()
    drop_schema(backend, SCHEMA)
