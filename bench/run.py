"""Run the benchmarks of issue 7 and write bench/RESULTS.md.

Usage: python bench/run.py [--sizes 10000 100000] [--skip-postgres] [--load-seconds 60]
                           [--wrk-seconds 10] [--requests 50] [--repeat 3]

For each database (SQLite in a temporary file; PostgreSQL as ``tracker_bench`` on
127.0.0.1:5432, created and dropped here) and each size, the data comes from
``flask --app tracker init`` + ``synth --meetings N --seed 1`` + ``meetings reindex``
(synth bulk-inserts past the ORM, so the search documents are built afterwards, as
the search module says to do after bulk loads). Then, each figure next to a reference
measured in the same run:

- the full archive feed built cold and assembled warm, against the floor of
  bench/feeds.py (one raw SQL query, a minimal string formatter);
- a 304 answer to /calendar/all.ics with its ETag, against /static/css/app.css, both
  through one gunicorn server (4 workers), throughput with wrk;
- the busiest agency's page and API answers and a full-text search: p50/p95 latency and
  SQL statements per request (in-process test client), against the static file through
  the same client;
- a mixed-URL load run with wrk against the same gunicorn: errors and p99;
- peak RSS growth while a fresh process streams the archive feed.

Everything listens on and talks to 127.0.0.1 only; every loop is bounded in count and
time, and gunicorn is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feeds as feed_bench  # noqa: E402  (bench/feeds.py: floor, _best, URL)
from sqlalchemy import event, func, select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.calendar import cache  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Agency, Meeting, Participation, Region  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "tracker_bench"
PG_BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
PUBLIC_BASE_URL = "https://rakor.example.id"
BENCH_PASSWORD = "bench-only-password"
# Staff pages over https: the session cookie of an https site is Secure.
PICKER_URL = f"{PUBLIC_BASE_URL}/staff/agencies/search"
STATIC_PATH = "/static/css/app.css"
CONDITIONAL_PATH = "/calendar/all.ics"
ARCHIVE_PATH = feed_bench.URL
SEARCH_TERMS = "politik uang"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
# Hard ceilings so no step can run away: per shell step, per latency series.
STEP_TIMEOUT = 3600
SERIES_BUDGET = 90.0
WRK_CONNECTIONS = 8
WRK_THREADS = 2
WRK_TIMEOUT = "10s"
WRK_ROUNDS = 3


def log(message: str) -> None:
    """Progress on stderr, with the time, so a long run shows where it is."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- results -------------------------------------------------------------------------


@dataclass
class Row:
    """One figure of the results table, beside its reference."""

    figure: str
    measured: str
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Section:
    """The results of one database at one size."""

    backend: str
    size: int
    context: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    skipped: str = ""


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --- machine -------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes in the work tree)" if dirty else "")


def _load() -> str:
    """The machine's load average: other work on it skews every figure."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _wrk_version(wrk: str | None) -> str:
    if wrk is None:
        return "not installed"
    found = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=30)
    text = (found.stdout + found.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine(pg_version: str, wrk: str | None) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", _commit()),
        ("CPU", f"{_cpu_model()}, nproc {os.cpu_count()}"),
        ("memory", _memory_gib()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", pg_version),
        ("wrk", _wrk_version(wrk)),
        ("load average at start (1, 5, 15 min)", _load()),
    ]


# --- databases -----------------------------------------------------------------------


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
        conn.execute(statement)  # type: ignore[arg-type]


def _pg_drop() -> None:
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


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
        # Every process of the run (CLI, in-process app, gunicorn, the RSS probe) reads
        # the same settings, so the stored VEVENTs' fingerprint matches everywhere.
        (instance / "config.py").write_text(
            f"SECRET_KEY = {os.urandom(24).hex()!r}\n"
            f"DATABASE_URL = {url!r}\n"
            f"PUBLIC_BASE_URL = {PUBLIC_BASE_URL!r}\n"
            # One client address sends all the load; per-client limits would answer 429.
            "RATELIMIT_ENABLED = False\n",
            encoding="utf-8",
        )
        try:
            yield url, instance
        finally:
            if backend == "postgres":
                try:
                    _pg_drop()
                except Exception as error:  # noqa: BLE001 - report, keep cleaning up
                    log(f"could not drop {PG_BENCH_DB}: {error}")


def _env(url: str, instance: Path) -> dict[str, str]:
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

    with psycopg.connect(PG_BENCH_URL, connect_timeout=5) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return f"{(row[0] if row else 0) / 1e6:.0f} MB"


# --- feed floor ----------------------------------------------------------------------


def _pg_floor(retention_days: int) -> tuple[int, int]:
    """bench/feeds.py's floor on PostgreSQL, for a feeds.py without ``floor_pg``.

    The same query and output byte for byte, formatting the datetimes psycopg returns.
    """
    import psycopg

    keep = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=retention_days
    )
    with psycopg.connect(PG_BENCH_URL) as conn:
        rows = conn.execute(
            """
            SELECT m.id, m.uid, m.title, m.starts_at, m.ends_at, m.timezone, m.status,
                   m.sequence, m.updated_at, v.name
            FROM meeting AS m LEFT JOIN venue AS v ON v.id = m.venue_id
            WHERE m.visibility = 'public'
              AND NOT (m.status = 'cancelled' AND COALESCE(m.ends_at, m.starts_at) < %s)
            ORDER BY m.starts_at, m.uid
            """,
            (keep,),
        ).fetchall()
    escape = feed_bench._escape

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//floor//ID\r\n"]
    for mid, uid, title, start, end, _tz, status, sequence, updated, venue in rows:
        out.append(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp(updated)}\r\nDTSTART:{stamp(start)}\r\n"
            f"DTEND:{stamp(end or start)}\r\nSEQUENCE:{sequence}\r\nSUMMARY:{escape(title)}\r\n"
            f"STATUS:{'CANCELLED' if status == 'cancelled' else 'CONFIRMED'}\r\n"
            + (f"LOCATION:{escape(venue)}\r\n" if venue else "")
            + f"URL:https://example.id/meetings/{mid}\r\nEND:VEVENT\r\n"
        )
    out.append("END:VCALENDAR\r\n")
    return len(rows), len("".join(out).encode())


def floor(url: str, retention_days: int) -> tuple[int, int]:
    """The floor of bench/feeds.py for this database: (events, bytes)."""
    if url.startswith("sqlite:///"):
        return feed_bench.floor(Path(url.removeprefix("sqlite:///")), retention_days)
    if hasattr(feed_bench, "floor_pg"):
        return feed_bench.floor_pg(url, retention_days)
    return _pg_floor(retention_days)


# --- in-process figures ----------------------------------------------------------------


class StatementCounter:
    """Counts SQL statements and the time each statement text takes (cursor events)."""

    def __init__(self) -> None:
        self.count = 0
        self.started = 0.0
        self.spent: dict[str, float] = {}

    def reset(self) -> None:
        """Start a new series."""
        self.count = 0
        self.spent = {}

    def before(self, *_args: Any) -> None:
        self.count += 1
        self.started = time.perf_counter()

    def after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = " ".join(statement.split())
        self.spent[text] = self.spent.get(text, 0.0) + time.perf_counter() - self.started


def feed_rows(app: Any, url: str, repeat: int) -> tuple[list[Row], list[str]]:
    """Archive feed cold and warm through the app, against the floor."""
    client = app.test_client()
    with app.app_context():
        cache.forget_events()
        db.session.commit()
    started = time.perf_counter()
    cold = client.get(ARCHIVE_PATH)
    body = cold.get_data()
    t_cold = time.perf_counter() - started
    if cold.status_code != 200:
        raise RuntimeError(f"{ARCHIVE_PATH} answered {cold.status_code}")
    log(f"  feed cold {t_cold:.2f} s")
    # Warm: every VEVENT stored; best of `repeat` like bench/feeds.py.
    t_warm, warm = feed_bench._best(repeat, lambda: client.get(ARCHIVE_PATH).get_data())
    if warm != body:
        raise RuntimeError("warm feed differs from the cold one")
    events = body.count(b"BEGIN:VEVENT")
    retention = app.config["CALENDAR_CANCELLED_RETENTION_DAYS"]
    t_floor, (floor_events, floor_bytes) = feed_bench._best(repeat, lambda: floor(url, retention))
    if floor_events != events:
        raise RuntimeError(f"row mismatch: feed {events} events, floor {floor_events}")
    etag = cold.headers["ETag"]
    t_304, answer = feed_bench._best(
        repeat, lambda: client.get(ARCHIVE_PATH, headers={"If-None-Match": etag})
    )
    log(f"  feed warm {t_warm:.2f} s, floor {t_floor:.2f} s, archive 304 {t_304:.2f} s")
    ref = f"floor {t_floor:.2f} s"
    rows = [
        Row(
            "archive feed, cold (every VEVENT built and stored)",
            f"{t_cold:.2f} s",
            ref,
            t_cold / t_floor,
            "≤ 2x floor",
            t_cold <= 2 * t_floor,
        ),
        Row(
            "archive feed, warm (the same request again)",
            f"{t_warm:.2f} s",
            ref,
            t_warm / t_floor,
            "≤ 0.3x floor",
            t_warm <= 0.3 * t_floor,
        ),
        Row(
            "archive feed, 304 to If-None-Match (in-process, for information)",
            f"{t_304:.2f} s (HTTP {answer.status_code})",
            ref,
            t_304 / t_floor,
            "",
            None,
        ),
    ]
    context = [
        f"archive feed: {events:,} events, {len(body) / 1e6:.1f} MB "
        f"(floor writes {floor_bytes / 1e6:.1f} MB)"
    ]
    return rows, context


@dataclass
class Series:
    """Latency of one URL over a bounded series of requests."""

    path: str
    p50: float
    p95: float
    statements: int
    count: int
    status: int
    sql: float = 0.0  # mean seconds in SQL per request
    top_sql: str = ""  # the statement text taking most time
    top_sql_time: float = 0.0  # its mean seconds per request

    def sql_note(self) -> str:
        """Where the time goes, for the context list."""
        # Long column lists say little; the FROM, WHERE and GROUP BY say where time goes.
        text = re.sub(r"SELECT (?:(?!\bFROM\b).){60,}? FROM", "SELECT … FROM", self.top_sql)
        text = text if len(text) <= 320 else text[:320] + " …"
        return (
            f"`{self.path}`: mean {_ms(self.sql)} in SQL per request; costliest statement "
            f"{_ms(self.top_sql_time)} per request: `{text}`"
        )


def latency(
    app: Any,
    counter: StatementCounter,
    path: str,
    count: int,
    headers: dict[str, str] | None = None,
    client: Any = None,
) -> Series:
    """p50/p95 of `count` requests (after 3 warm-ups), within SERIES_BUDGET seconds."""
    client = client or app.test_client()
    status = 0
    for _ in range(3):
        status = client.get(path, headers=headers).status_code
    times: list[float] = []
    statements: list[int] = []
    deadline = time.monotonic() + SERIES_BUDGET
    counter.reset()
    for _ in range(count):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()
        times.append(time.perf_counter() - started)
        statements.append(counter.count)
        status = response.status_code
        if time.monotonic() > deadline:
            break
    sql = sum(counter.spent.values()) / len(times)
    top, top_time = max(counter.spent.items(), key=lambda x: x[1], default=("", 0.0))
    return Series(
        path,
        _percentile(times, 50),
        _percentile(times, 95),
        max(statements),
        len(times),
        status,
        sql,
        top,
        top_time / len(times),
    )


def staff_client(app: Any) -> Any:
    """A test client logged in as a bench editor, over https (the cookies are Secure)."""
    from tracker.auth.operations import create_user

    with app.app_context():
        create_user("bench.editor@rakor.example.id", "Bench Editor", BENCH_PASSWORD, "editor", None)
        db.session.commit()
    client = app.test_client()
    login = f"{PUBLIC_BASE_URL}/login"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(login).get_data(True))
    data = {"email": "bench.editor@rakor.example.id", "password": BENCH_PASSWORD}
    form = {**data, "csrf_token": token.group(1) if token else ""}
    # Over https Flask-WTF also wants a same-origin Referer, as a browser sends.
    response = client.post(login, data=form, headers={"Referer": login})
    if response.status_code != 302:
        raise RuntimeError(f"bench login failed: HTTP {response.status_code}")
    return client


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


def latency_rows(app: Any, slug: str, count: int, context: list[str]) -> list[Row]:
    """Pages, API and search against the static file through the same test client."""
    counter = StatementCounter()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter.before)
    event.listen(engine, "after_cursor_execute", counter.after)
    try:
        reference = latency(app, counter, STATIC_PATH, count)
        query = SEARCH_TERMS.replace(" ", "+")
        cases = [
            ("agency page", f"/agencies/{slug}", 0.050),
            ("API agency", f"/api/v1/agencies/{slug}", 0.050),
            ("API agency attendance", f"/api/v1/agencies/{slug}/attendance", 0.050),
            ("meeting list page", "/meetings/", 0.050),
            (f"search '{SEARCH_TERMS}'", f"/meetings/?q={query}", 0.100),
            (f"API search '{SEARCH_TERMS}'", f"/api/v1/meetings?q={query}", 0.100),
            ("agency index", "/agencies/", 0.050),
            ("province page (Jawa Timur, 38 regencies and cities)", "/regions/35", 0.050),
            # Kept between writes (tracker/kept.py): the warm-ups compute it, these read it.
            ("national ranking of bodies", "/meetings/rankings", 0.100),
            (
                "province ranking, two months",
                "/meetings/rankings?province=35&date_from=2024-01-01&date_to=2024-02-29",
                0.100,
            ),
            ("agency picker search 'kpu' (staff)", f"{PICKER_URL}?q=kpu", 0.050),
            ("agency picker search 'polres' (staff)", f"{PICKER_URL}?q=polres", 0.050),
            (
                "agency picker search 'Kapolres Inhu' (staff)",
                f"{PICKER_URL}?q=Kapolres+Inhu&province=14",
                0.050,
            ),
        ]
        staff = staff_client(app)
        rows = []
        etag = app.test_client().get(CONDITIONAL_PATH).headers["ETag"]
        revalidate = latency(app, counter, CONDITIONAL_PATH, count, {"If-None-Match": etag})
        rows.append(
            Row(
                f"304 to If-None-Match on `{CONDITIONAL_PATH}`, in-process p95 (p50 "
                f"{_ms(revalidate.p50)}; {revalidate.statements} SQL statements; "
                f"HTTP {revalidate.status}; for information)",
                _ms(revalidate.p95),
                f"static file p95 {_ms(reference.p95)} ({reference.statements} SQL)",
                revalidate.p95 / reference.p95 if reference.p95 else None,
            )
        )
        for label, path, limit in cases:
            client = staff if path.startswith(PICKER_URL) else None
            found = latency(app, counter, path, count, client=client)
            context.append(found.sql_note())
            log(f"  {path}: p50 {_ms(found.p50)}, p95 {_ms(found.p95)}, {found.statements} SQL")
            ok = found.status == 200 and found.p95 < limit
            rows.append(
                Row(
                    f"{label} `{path}` p95 (p50 {_ms(found.p50)}; {found.statements} SQL "
                    f"statements; {found.count} requests)",
                    _ms(found.p95) + ("" if found.status == 200 else f" HTTP {found.status}"),
                    f"static file p95 {_ms(reference.p95)}",
                    found.p95 / reference.p95 if reference.p95 else None,
                    f"p95 < {limit * 1000:.0f} ms",
                    ok,
                )
            )
    finally:
        event.remove(engine, "before_cursor_execute", counter.before)
        event.remove(engine, "after_cursor_execute", counter.after)
    return rows


def mixed_paths(app: Any, slug: str) -> list[str]:
    """The URLs of the load run: lists, details, agencies, API, feeds and search."""
    with app.app_context():
        ids = list(
            db.session.execute(
                select(Meeting.id).where(Meeting.visibility == "public").order_by(Meeting.id)
            ).scalars()
        )
        province = db.session.execute(
            select(Region.code).where(Region.kind == "province").order_by(Region.code).limit(1)
        ).scalar_one()
    step = max(1, len(ids) // 6)
    details = ids[::step][:6]
    return [
        "/",
        "/meetings/",
        "/meetings/?page=2",
        "/meetings/?page=40",
        f"/meetings/?region={province}",
        "/meetings/?kind=rakor",
        *(f"/meetings/{mid}" for mid in details),
        "/agencies/",
        f"/agencies/{slug}",
        f"/agencies/{slug}?page=3",
        "/api/v1/meetings",
        "/api/v1/meetings?page=5&per_page=50",
        f"/api/v1/meetings/{details[0]}",
        "/api/v1/agencies",
        f"/api/v1/agencies/{slug}",
        f"/api/v1/agencies/{slug}/attendance",
        "/api/v1/press-releases",
        "/calendar/all.ics",
        f"/calendar/agency/{slug}.ics",
        f"/calendar/region/{province}.ics",
        "/calendar/kind/rakor.ics",
        "/meetings/?q=politik+uang",
        "/meetings/?q=netralitas",
        "/api/v1/meetings?q=logistik",
    ]


# --- gunicorn and wrk ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_servers: list[subprocess.Popen[bytes]] = []


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (its own process group): TERM, then KILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
    if proc in _servers:
        _servers.remove(proc)


def _stop_all() -> None:
    for proc in list(_servers):
        _stop(proc)


atexit.register(_stop_all)


@contextmanager
def gunicorn(env: dict[str, str], instance: Path) -> Iterator[str]:
    """A 4-worker gunicorn on a free loopback port; yields its base URL."""
    port = _free_port()
    logfile = (instance / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "tracker:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _servers.append(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {instance / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(base + STATIC_PATH, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.5)
        yield base
    finally:
        _stop(proc)
        logfile.close()


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@dataclass
class WrkResult:
    """wrk's summary: throughput, errors and latency percentiles."""

    requests: int
    seconds: float
    errors: int
    error_kinds: dict[str, int]
    p50: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    wrk: str,
    url: str,
    seconds: int,
    headers: dict[str, str] | None = None,
    paths_file: Path | None = None,
) -> WrkResult:
    """One bounded wrk run against a loopback URL."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load is only ever sent to the loopback address")
    args = [
        wrk,
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        WRK_TIMEOUT,
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    if paths_file is not None:
        args += ["--", str(paths_file)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    kinds = {k: int(data[k]) for k in ("connect", "read", "write", "status", "timeout")}
    return WrkResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        errors=sum(kinds.values()),
        error_kinds={k: v for k, v in kinds.items() if v},
        p50=data["p50"] / 1e6,
        p99=data["p99"] / 1e6,
    )


def server_rows(
    wrk: str | None,
    env: dict[str, str],
    instance: Path,
    paths: list[str],
    args: argparse.Namespace,
    context: list[str],
) -> list[Row]:
    """304 against a static file, and the mixed load run, through one gunicorn."""
    if wrk is None:
        reason = "wrk not installed (Debian: apt-get install wrk)"
        return [
            Row("304 throughput", "skipped", note=reason),
            Row("load run", "skipped", note=reason),
        ]
    rows: list[Row] = []
    rounds_seconds = max(1, args.wrk_seconds // WRK_ROUNDS)
    with gunicorn(env, instance) as base:
        status, headers = _fetch(base + CONDITIONAL_PATH)
        etag = headers.get("ETag", "")
        check, _h = _fetch(base + CONDITIONAL_PATH, {"If-None-Match": etag})
        if status != 200 or check != 304:
            raise RuntimeError(f"{CONDITIONAL_PATH}: {status}, conditional answer {check}")
        # Alternating rounds, best of each: other work on the machine comes and goes,
        # and a swing during one long run would skew the ratio.
        statics, answers = [], []
        for _ in range(WRK_ROUNDS):
            statics.append(run_wrk(wrk, base + STATIC_PATH, rounds_seconds))
            answers.append(
                run_wrk(wrk, base + CONDITIONAL_PATH, rounds_seconds, {"If-None-Match": etag})
            )
        static = max(statics, key=lambda r: r.rate)
        answer = max(answers, key=lambda r: r.rate)
        answer.errors = sum(r.errors for r in answers)
        log(f"  304 {answer.rate:,.0f} req/s, static {static.rate:,.0f} req/s")
        ratio = answer.rate / static.rate if static.rate else 0.0
        static_ref = f"static file {static.rate:,.0f} req/s"
        rows.append(
            Row(
                f"304 to If-None-Match on `{CONDITIONAL_PATH}` (p99 {_ms(answer.p99)}, "
                f"{answer.errors} errors)",
                f"{answer.rate:,.0f} req/s",
                static_ref,
                ratio,
                "≥ 0.8x static",
                ratio >= 0.8 and answer.errors == 0,
            )
        )
        # The archive's conditional answer: how a subscriber of the full feed revalidates.
        status, headers = _fetch(base + ARCHIVE_PATH)
        archive_etag = headers.get("ETag", "")
        archive = run_wrk(
            wrk,
            base + ARCHIVE_PATH,
            min(args.wrk_seconds, 10),
            {"If-None-Match": archive_etag},
        )
        rows.append(
            Row(
                f"304 to If-None-Match on `{ARCHIVE_PATH}` (p99 {_ms(archive.p99)}, "
                f"{archive.errors} errors; for information)",
                f"{archive.rate:,.1f} req/s",
                static_ref,
                archive.rate / static.rate if static.rate else None,
            )
        )
        # Each URL once before the load: warms every worker's path and names any failure.
        bad = []
        timed: list[tuple[float, str]] = []
        for path in paths:
            _fetch(base + path)
            started = time.perf_counter()
            code, _h = _fetch(base + path)
            timed.append((time.perf_counter() - started, path))
            if not 200 <= code < 400:
                bad.append(f"{path} → {code}")
        slowest = ", ".join(f"`{p}` {_ms(t)}" for t, p in sorted(timed, reverse=True)[:5])
        context.append(f"slowest URLs of the mix (one request each, before the load): {slowest}")
        paths_file = instance / "urls.txt"
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        log(f"  load run: {len(paths)} URLs for {args.load_seconds} s")
        load = run_wrk(wrk, base + "/", args.load_seconds, paths_file=paths_file)
        kinds = ", ".join(f"{k} {v}" for k, v in load.error_kinds.items()) or "none"
        log(f"  load: {load.rate:,.1f} req/s, p99 {_ms(load.p99)}, errors {kinds}")
        rows.append(
            Row(
                f"load run: {len(paths)} mixed URLs round-robin, {load.seconds:.0f} s, "
                f"{WRK_CONNECTIONS} connections (p50 {_ms(load.p50)}, p99 {_ms(load.p99)}, "
                f"{load.requests:,} requests, {load.rate:,.1f} req/s)",
                f"{load.errors} errors ({kinds})",
                static_ref,
                load.rate / static.rate if static.rate else None,
                "0 errors",
                load.errors == 0 and not bad,
                note="; ".join(bad),
            )
        )
    return rows


# --- memory --------------------------------------------------------------------------


def _memory_row(label: str, growth: float, body_bytes: int, ok: bool) -> Row:
    body = body_bytes / 2**20
    log(f"  RSS growth {growth:.0f} MiB streaming {body:.0f} MiB ({label})")
    return Row(
        f"peak RSS growth streaming `{ARCHIVE_PATH}` {label}, fresh process",
        f"{growth:.0f} MiB",
        f"feed body {body:.0f} MiB",
        growth / body if body else None,
        "< 150 MB growth",
        ok and growth * 2**20 < 150e6,
    )


def memory_rows(url: str, instance: Path, env: dict[str, str]) -> list[Row]:
    """Peak RSS growth of a fresh process streaming the archive feed.

    bench/feeds.py's ``rss_child`` streams it built cold and then again cached; a
    feeds.py without it falls back to bench/stream_rss.py (the warm feed only).
    """
    bench_dir = str(Path(__file__).resolve().parent)
    if hasattr(feed_bench, "rss_child"):
        code = (
            f"import sys; sys.path.insert(0, {bench_dir!r}); import feeds; "
            f"feeds.rss_child({url!r}, {str(instance)!r})"
        )
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, str(Path(bench_dir) / "stream_rss.py"), ARCHIVE_PATH]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"RSS probe failed:\n{done.stdout}\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if "cold" in data:
        return [
            _memory_row("built cold", data["cold"]["growth_mib"], data["cold"]["bytes"], True),
            _memory_row(
                "from the cached feed", data["cached"]["growth_mib"], data["cached"]["bytes"], True
            ),
        ]
    return [_memory_row("warm", data["growth_mib"], data["bytes"], data["status"] == 200)]


# --- one database at one size ------------------------------------------------------------


def bench_one(backend: str, size: int, args: argparse.Namespace, wrk: str | None) -> Section:
    """Every figure for one database at one size."""
    section = Section(backend, size)
    log(f"{backend}, {size:,} meetings")
    with database(backend) as (url, instance):
        env = _env(url, instance)
        t_init = _flask(["init"], env)
        t_synth = _flask(["synth", "--meetings", str(size), "--seed", "1"], env)
        t_index = _flask(["meetings", "reindex"], env)
        log(f"  init {t_init:.0f} s, synth {t_synth:.0f} s, reindex {t_index:.0f} s")
        section.context.append(
            f"setup: `init` {t_init:.0f} s, `synth --meetings {size} --seed 1` {t_synth:.0f} s, "
            f"`meetings reindex` {t_index:.0f} s; database {_db_size(url)}"
        )
        app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url})
        try:
            t_bodies = use_every_local_body(app)
            section.context.append(
                f"full registry: every regency and city body of the catalogue made a row "
                f"({t_bodies:.0f} s), as if each had been named in a meeting"
            )
            rows, context = feed_rows(app, url, args.repeat)
            section.rows += rows
            section.context += context
            slug = busiest_agency(app)
            section.context.append(f"busiest agency: `{slug}`; search terms: '{SEARCH_TERMS}'")
            section.rows += latency_rows(app, slug, args.requests, section.context)
            paths = mixed_paths(app, slug)
        finally:
            with app.app_context():
                db.engine.dispose()
        section.rows += memory_rows(url, instance, env)
        section.rows += server_rows(wrk, env, instance, paths, args, section.context)
    return section


# --- report --------------------------------------------------------------------------


def _met(value: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "–"}[value]


def render(machine_info: list[tuple[str, str]], sections: list[Section], argv: str) -> str:
    """RESULTS.md: machine, then one table per database and size."""
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); every run overwrites this file. "
        "Each figure was measured in the same run as its reference.",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in machine_info),
        f"| options | `{argv or '(defaults)'}` |",
        "",
        "Method: data from `flask --app tracker synth --meetings N --seed 1` (then "
        "`meetings reindex` for the search documents). Feeds, pages, API and search go "
        "through the in-process test client (p50/p95 over the stated number of requests "
        "after 3 warm-ups; SQL statements counted with `before_cursor_execute`, the "
        "highest of the series). Throughput and the load run use wrk "
        f"({WRK_THREADS} threads, {WRK_CONNECTIONS} connections, timeout {WRK_TIMEOUT}) "
        "against gunicorn with 4 sync workers on 127.0.0.1, on the same machine (304 and "
        f"static file: {WRK_ROUNDS} alternating rounds each, the best of each); "
        "the login rate limiter is off because all load comes from one address. "
        "Memory is the growth of the peak resident set (VmHWM) of a fresh process "
        "streaming the feed.",
        "",
    ]
    for section in sections:
        name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[section.backend]
        out += [f"## {name}, {section.size:,} meetings", ""]
        if section.skipped:
            out += [f"Skipped: {section.skipped}", ""]
            continue
        out += [f"- {line}" for line in section.context]
        out += [
            "",
            "| figure | measured | reference | ratio | target | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in section.rows:
            ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
            result = _met(row.met) + (f" ({row.note})" if row.note else "")
            out.append(
                f"| {row.figure} | {row.measured} | {row.reference} | {ratio} | "
                f"{row.target} | {result} |"
            )
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and write bench/RESULTS.md; 0 when it ran (targets aside)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--wrk-seconds", type=int, default=15, help="304 vs static, in all")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    for name in ("load_seconds", "wrk_seconds", "requests", "repeat"):
        if not 1 <= getattr(args, name) <= 3600:
            parser.error(f"--{name.replace('_', '-')} must be 1-3600")

    # SIGTERM (e.g. a CI timeout) unwinds through the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk is not installed: throughput and load figures are skipped. "
            "Install it with `apt-get install wrk` (Debian/Ubuntu).",
            file=sys.stderr,
        )
    pg_version, pg_reason = postgres_version()
    backends = [] if args.skip_sqlite else ["sqlite"]
    if args.skip_postgres:
        pg_reason = "skipped with --skip-postgres"
    elif pg_version is None:
        print(f"PostgreSQL skipped: {pg_reason}", file=sys.stderr)
    else:
        backends.append("postgres")
    info = machine(pg_version or pg_reason, wrk)
    sections: list[Section] = []
    failed = False
    for backend in backends:
        for size in args.sizes:
            try:
                sections.append(bench_one(backend, size, args, wrk))
            except Exception as error:  # noqa: BLE001 - record it and go on with the rest
                failed = True
                log(f"{backend} {size}: FAILED: {error}")
                traceback.print_exc()
                sections.append(
                    Section(backend, size, skipped=f"failed: {type(error).__name__}: {error}")
                )
    if "postgres" not in backends and not args.skip_postgres:
        sections += [Section("postgres", s, skipped=pg_reason) for s in args.sizes]
    info.append(("load average at end (1, 5, 15 min)", _load()))
    text = render(info, sections, " ".join(argv if argv is not None else sys.argv[1:]))
    args.output.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
