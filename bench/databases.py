"""The synthetic databases: a fresh SQLite file or PostgreSQL database filled by the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from results import log
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Agency, Meeting, Participation

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "tracker_bench"
PG_BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
PUBLIC_BASE_URL = "https://rakor.example.id"
# A hard ceiling per shell step, so no step can run away.
STEP_TIMEOUT = 3600


def postgres_version() -> tuple[str | None, str]:
    """(server version, '') when the bench server answers, else (None, reason)."""
    try:
        import psycopg
    except ImportError as error:
        return None, f"psycopg is not installed ({error})"
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as error:
        return None, f"PostgreSQL at 127.0.0.1:5432 (user postgres) unreachable: {error}"
    return (str(row[0]) if row else "unknown"), ""


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def _pg_drop() -> None:
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def _write_config(instance: Path, url: str) -> None:
    """instance/config.py, read by every process of the run."""
    # CLI, in-process app, gunicorn and the RSS probe read the same settings, so the
    # stored VEVENTs' fingerprint matches everywhere.
    (instance / "config.py").write_text(
        f"SECRET_KEY = {os.urandom(24).hex()!r}\n"
        f"DATABASE_URL = {url!r}\n"
        f"PUBLIC_BASE_URL = {PUBLIC_BASE_URL!r}\n"
        # One client address sends all the load; per-client limits would answer 429.
        "RATELIMIT_ENABLED = False\n",
        encoding="utf-8",
    )


@contextmanager
def database(backend: str) -> Iterator[tuple[str, Path]]:
    """A fresh empty database and a temporary instance folder; both gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        instance = Path(tmp)
        if backend == "sqlite":
            url = f"sqlite:///{instance / 'bench.sqlite'}"
        else:
            _pg_drop()
            _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
            url = PG_BENCH_URL
        _write_config(instance, url)
        try:
            yield url, instance
        finally:
            if backend == "postgres":
                try:
                    _pg_drop()
                except Exception as error:  # noqa: BLE001 - report, keep cleaning up
                    log(f"could not drop {PG_BENCH_DB}: {error}")


def environment(url: str, instance: Path) -> dict[str, str]:
    """The environment of every child process: this database, no other TRACKER_ setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=url,
        TRACKER_INSTANCE_PATH=str(instance),
        PYTHONPATH=str(ROOT),
    )
    return env


def _flask(args: list[str], env: dict[str, str]) -> float:
    """Run one flask CLI command; returns its wall-clock seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tracker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def _db_size(url: str) -> str:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        return f"{total / 1e6:.0f} MB"
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return f"{(row[0] if row else 0) / 1e6:.0f} MB"


def fill(url: str, env: dict[str, str], size: int) -> str:
    """init + synth + reindex through the CLI; returns the context line of the setup."""
    t_init = _flask(["init"], env)
    t_synth = _flask(["synth", "--meetings", str(size), "--seed", "1"], env)
    t_index = _flask(["meetings", "reindex"], env)
    log(f"  init {t_init:.0f} s, synth {t_synth:.0f} s, reindex {t_index:.0f} s")
    return (
        f"setup: `init` {t_init:.0f} s, `synth --meetings {size} --seed 1` {t_synth:.0f} s, "
        f"`meetings reindex` {t_index:.0f} s; database {_db_size(url)}"
    )


def use_every_local_body(app: Any) -> float:
    """Make a row of every catalogue body (the registry at its largest); returns seconds."""
    from tracker.agencies import catalogue
    from tracker.agencies.local_operations import ensure_local_body

    started = time.perf_counter()
    with app.app_context():
        for key in catalogue.by_key():
            ensure_local_body(key)
        db.session.commit()
        db.session.remove()
    return time.perf_counter() - started


def busiest_agency(app: Any) -> str:
    """Slug of the agency with the most public participations."""
    with app.app_context():
        n = func.count(Participation.id)
        row = db.session.execute(
            select(Agency.slug, n)
            .join(Participation, Participation.agency_id == Agency.id)
            .join(Meeting, Meeting.id == Participation.meeting_id)
            .where(Meeting.visibility == "public")
            .group_by(Agency.id, Agency.slug)
            .order_by(n.desc(), Agency.slug)
            .limit(1)
        ).first()
    if row is None:
        raise RuntimeError("no agency takes part in any public meeting")
    return str(row[0])
