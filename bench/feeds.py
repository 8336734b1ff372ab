"""Time the full archive feed against a raw-SQL floor, on SQLite or PostgreSQL.

Usage:
    python bench/feeds.py [--meetings 10000] [--repeat 5] [--seed 1] [--requests 2000]
                          [--database-url postgresql://postgres@127.0.0.1:5432/tracker_bench_feeds]
                          [--no-rss]

Without ``--database-url`` the data goes to a SQLite file in a temporary folder. With a
PostgreSQL URL the named database (its name must start with ``tracker_bench``) is
dropped if it exists, created, filled and dropped again at the end. ``flask synth``
makes the meetings; the app is asked through its test client (routing, headers and the
response included) for the full archive of public meetings:

- floor: the same rows fetched by one raw SQL query (sqlite3 or psycopg, no ORM) and
  written by a minimal string formatter (no folding, no VTIMEZONE, no description);
- from nothing: no stored VEVENT and no cached body: every event is written from Core
  rows (after a deploy that changed the event format; a request stores 1,000 of them);
- cold: no cached body, every VEVENT stored (as the commits that made the meetings, or
  ``flask calendar-refresh``, leave them): assembly only;
- warm: the same request again (the body cached for this feed generation);
- 304: a revalidation with the warm answer's ETag, against a 200 for a static file
  (``/static/css/app.css``) through the same app: requests per second of each, measured
  in alternating blocks of ``--requests``;
- RSS: a child process streams the archive (cold build, then from the cached body) and
  reports how much its peak resident set (VmHWM) grew.

Each time is the best of ``--repeat`` runs (cold: one run per repeat, caches dropped
before each). Prints a markdown table with the targets of issues 7 and 18.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker import create_app  # noqa: E402
from tracker.calendar import bodies, cache  # noqa: E402
from tracker.extensions import db  # noqa: E402

URL = "/calendar/all.ics?archive=1"
STATIC = "/static/css/app.css"
WARM_UP = "/calendar/kind/apel.ics"
T = TypeVar("T")
FLOOR_QUERY = """
    SELECT m.id, m.uid, m.title, m.starts_at, m.ends_at, m.timezone, m.status,
           m.sequence, m.updated_at, v.name
    FROM meeting AS m LEFT JOIN venue AS v ON v.id = m.venue_id
    WHERE m.visibility = 'public'
      AND NOT (m.status = 'cancelled' AND COALESCE(m.ends_at, m.starts_at) < {param})
    ORDER BY m.starts_at, m.uid
"""


def _best(runs: int, action: Callable[[], T]) -> tuple[float, T]:
    """The shortest of ``runs`` timings of ``action`` and its last result."""
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _keep(retention_days: int) -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=retention_days)


def _format(rows: list[Any], stamp: Callable[[Any], str]) -> bytes:
    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//floor//ID\r\n"]
    for mid, uid, title, start, end, _tz, status, sequence, updated, venue in rows:
        out.append(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp(updated)}\r\nDTSTART:{stamp(start)}\r\n"
            f"DTEND:{stamp(end or start)}\r\nSEQUENCE:{sequence}\r\nSUMMARY:{_escape(title)}\r\n"
            f"STATUS:{'CANCELLED' if status == 'cancelled' else 'CONFIRMED'}\r\n"
            + (f"LOCATION:{_escape(venue)}\r\n" if venue else "")
            + f"URL:https://example.id/meetings/{mid}\r\nEND:VEVENT\r\n"
        )
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


def _text_stamp(value: str) -> str:
    # SQLite keeps UTC timestamps as text: "2024-02-06 01:00:00.000000".
    return value[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"


def floor(path: Path, retention_days: int) -> tuple[int, int]:
    """SQLite: one raw query and a minimal formatter; returns (events, bytes)."""
    connection = sqlite3.connect(path)
    rows = connection.execute(
        FLOOR_QUERY.format(param="?"),
        (_keep(retention_days).strftime("%Y-%m-%d %H:%M:%S.%f"),),
    ).fetchall()
    connection.close()
    return len(rows), len(_format(rows, _text_stamp))


def floor_pg(url: str, retention_days: int) -> tuple[int, int]:
    """PostgreSQL: the same query through psycopg, the same formatter; (events, bytes)."""
    import psycopg

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    with psycopg.connect(_libpq(url)) as conn:
        rows = conn.execute(FLOOR_QUERY.format(param="%s"), (_keep(retention_days),)).fetchall()
    return len(rows), len(_format(rows, stamp))


def _libpq(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://) as a libpq one."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


class Database:
    """The benchmark's own database: a temporary SQLite file or a fresh PostgreSQL one."""

    def __init__(self, url: str | None, folder: Path) -> None:
        self.sqlite_path: Path | None = None
        if url is None:
            self.sqlite_path = folder / "bench.sqlite"
            self.url = f"sqlite:///{self.sqlite_path}"
            return
        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if not parts.scheme.startswith("postgresql") or not name.startswith("tracker_bench"):
            raise SystemExit("--database-url must name a PostgreSQL database tracker_bench*")
        self.url = url
        self.name = name
        self.admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def floor(self, retention_days: int) -> tuple[int, int]:
        """The floor on this database."""
        if self.sqlite_path is not None:
            return floor(self.sqlite_path, retention_days)
        return floor_pg(self.url, retention_days)

    @property
    def label(self) -> str:
        """SQLite or PostgreSQL, for the table."""
        return "SQLite" if self.sqlite_path is not None else "PostgreSQL"

    def drop(self) -> None:
        """Remove a PostgreSQL database again (the SQLite file goes with its folder)."""
        if self.sqlite_path is None:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _config(url: str, instance: str) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench-only",
        "DATABASE_URL": url,
        "INSTANCE_PATH": instance,
        "PUBLIC_BASE_URL": "https://rakor.example.id",
        "RATELIMIT_ENABLED": False,
    }


def _rate(client: Any, url: str, count: int, headers: dict[str, str], status: int) -> float:
    """Requests per second of ``count`` sequential requests."""
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url, headers=headers)
        response.get_data()
        if response.status_code != status:
            raise SystemExit(f"{url} answered {response.status_code}, not {status}")
        response.close()
    return count / (time.perf_counter() - started)


def _peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc/self/status (Linux only)")


def rss_child(url: str, instance: str) -> None:
    """Child mode: stream the archive cold, then cached; print the peak RSS growth."""
    app = create_app(_config(url, instance))
    client = app.test_client()
    client.get(WARM_UP).get_data()  # load every module of the feed path first
    out = {}
    for case in ("cold", "cached"):
        if case == "cold":
            with app.app_context():
                cache.forget_events()
                db.session.commit()
        baseline = _peak_kib()
        response = client.get(URL, buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        out[case] = {"growth_mib": (_peak_kib() - baseline) / 1024, "bytes": size}
    print(json.dumps(out))


def _rss(url: str, instance: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--rss-child", url, "--instance", instance],
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def main() -> None:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=2000, help="per 304/static block")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-rss", action="store_true", help="skip the memory measurement")
    parser.add_argument("--rss-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--instance", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child, args.instance)
        return

    with tempfile.TemporaryDirectory() as tmp:
        database = Database(args.database_url, Path(tmp))
        try:
            run(args, database, tmp)
        finally:
            database.drop()


@dataclass
class Figures:
    """What one run measured: feed times against the floor, 304 rates, memory."""

    events: int
    body_bytes: int
    cold_runs: int
    t_cold: float
    t_warm: float
    t_floor: float
    t_assembled: float = 0.0
    r_304: float = 0.0
    r_static: float = 0.0
    rss: dict[str, Any] | None = None


def _fill(app: Any, args: argparse.Namespace) -> None:
    """Create the tables and run synth through the CLI runner."""
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=["synth", "--meetings", str(args.meetings), "--seed", str(args.seed)]
    )
    if result.exit_code != 0:
        raise SystemExit(result.output)
    print(f"synth: {args.meetings} meetings in {time.perf_counter() - started:.1f} s")


def _feed_times(app: Any, client: Any, repeat: int, database: Database) -> tuple[Figures, str]:
    """Cold (caches dropped before each run), warm and floor; returns them and the ETag."""
    cold_times: list[float] = []
    body = b""
    for _ in range(max(1, repeat // 2)):
        with app.app_context():
            cache.forget_events()
            db.session.commit()
        started = time.perf_counter()
        body = client.get(URL).get_data()
        cold_times.append(time.perf_counter() - started)
    t_warm, warm = _best(repeat, lambda: client.get(URL))
    assert warm.get_data() == body, "warm body differs from the cold one"
    events = body.count(b"BEGIN:VEVENT")
    retention = app.config["CALENDAR_CANCELLED_RETENTION_DAYS"]
    t_floor, (floor_events, _floor_bytes) = _best(repeat, lambda: database.floor(retention))
    if floor_events != events:
        raise SystemExit(f"row mismatch: feed {events}, floor {floor_events}")
    figures = Figures(events, len(body), len(cold_times), min(cold_times), t_warm, t_floor)
    figures.t_assembled = _assembled(app, client, repeat, body)
    return figures, warm.headers["ETag"]


def _assembled(app: Any, client: Any, repeat: int, body: bytes) -> float:
    """Best time with every VEVENT stored and no cached body (checked byte for byte)."""
    result = app.test_cli_runner().invoke(args=["calendar-refresh"])
    if result.exit_code != 0:
        raise SystemExit(result.output)

    def once() -> bytes:
        with app.app_context():
            bodies.clear()
        return client.get(URL).get_data()

    t_assembled, assembled = _best(repeat, once)
    if assembled != body:
        raise SystemExit("the feed assembled from stored VEVENTs differs from the built one")
    return t_assembled


def _rates(client: Any, etag: str, requests: int) -> tuple[float, float]:
    """Best 304 and static-file rates of three alternating blocks: (304, static)."""
    conditional = {"If-None-Match": etag}
    rates_304: list[float] = []
    rates_static: list[float] = []
    _rate(client, STATIC, 200, {}, 200)  # warm both paths up
    _rate(client, URL, 200, conditional, 304)
    for _ in range(3):
        rates_static.append(_rate(client, STATIC, requests, {}, 200))
        rates_304.append(_rate(client, URL, requests, conditional, 304))
    return max(rates_304), max(rates_static)


def _row(name: str, value: str, ref: str, ratio: float, target: str, ok: bool) -> None:
    print(f"| {name} | {value} | {ref} | {ratio:.2f}x | {target} | {'yes' if ok else 'NO'} |")


def _print_table(label: str, args: argparse.Namespace, f: Figures) -> None:
    """The markdown table of one run, with the targets of issue 7."""
    print(f"\n{label}, {args.meetings:,} meetings: archive feed {f.events:,} events, ")
    print(f"{f.body_bytes / 1e6:.1f} MB; best of {args.repeat} (cold: of {f.cold_runs})\n")
    print("| measure | value | reference | ratio | target | met |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| floor (raw SQL + minimal formatter) | {f.t_floor * 1000:.0f} ms | | 1.00x | | |")
    ref = f"floor {f.t_floor * 1000:.0f} ms"
    print(
        f"| from nothing (no stored piece, no cached body) | {f.t_cold * 1000:.0f} ms | {ref} "
        f"| {f.t_cold / f.t_floor:.2f}x | for information | |"
    )
    _row(
        "cold (stored pieces, no cached body)",
        f"{f.t_assembled * 1000:.0f} ms",
        ref,
        f.t_assembled / f.t_floor,
        "≤ 3x floor",
        f.t_assembled <= 3 * f.t_floor,
    )
    _row(
        "warm (cached body)",
        f"{f.t_warm * 1000:.1f} ms",
        ref,
        f.t_warm / f.t_floor,
        "≤ 0.3x floor",
        f.t_warm <= 0.3 * f.t_floor,
    )
    _row(
        "304 to If-None-Match (in-process)",
        f"{f.r_304:,.0f} req/s",
        f"static file {f.r_static:,.0f} req/s",
        f.r_304 / f.r_static,
        "≥ 0.8x static",
        f.r_304 >= 0.8 * f.r_static,
    )
    if f.rss is None:
        return
    for case, name in (("cold", "built cold"), ("cached", "from the cached body")):
        growth = f.rss[case]["growth_mib"]
        _row(
            f"peak RSS growth, archive streamed {name}",
            f"{growth:.1f} MiB",
            f"{f.rss[case]['bytes'] / 1e6:.1f} MB body",
            growth / 150,
            "< 150 MiB",
            growth < 150,
        )


def run(args: argparse.Namespace, database: Database, tmp: str) -> None:
    """Fill the database, measure, print."""
    instance = str(Path(tmp) / "instance")
    app = create_app(_config(database.url, instance))
    _fill(app, args)
    client = app.test_client()
    client.get(WARM_UP).get_data()
    figures, etag = _feed_times(app, client, args.repeat, database)
    figures.r_304, figures.r_static = _rates(client, etag, args.requests)
    figures.rss = None if args.no_rss else _rss(database.url, instance)
    _print_table(database.label, args, figures)


if __name__ == "__main__":
    main()
