"""Time a large calendar feed: built cold, assembled warm, against a raw-SQL floor.

Usage: python bench/feeds.py [--meetings 10000] [--repeat 5] [--seed 1]

Builds its own SQLite database in a temporary folder with ``flask synth`` and asks the
app (through the test client, so routing, caching headers and the response are
included) for the full archive of public meetings:

- cold: no stored VEVENTs; every event is built with icalendar and stored;
- warm: every VEVENT is stored; the feed is assembled from the pieces;
- 304: a revalidation with the ETag of the warm answer;
- gzip: the warm feed, compressed;
- floor: the same rows fetched by one raw SQL query (sqlite3, no ORM) and written by a
  minimal string formatter (no folding, no VTIMEZONE, no description): roughly the
  least any exporter could do.

Each figure is the best of ``--repeat`` runs (cold: one run per repeat, the cache being
dropped before each). Ratios are against the floor.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker import create_app  # noqa: E402
from tracker.calendar import cache  # noqa: E402
from tracker.extensions import db  # noqa: E402

URL = "/calendar/all.ics?archive=1"


def _best(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    times: list[float] = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def floor(path: Path, retention_days: int) -> tuple[int, int]:
    """One raw query and a minimal formatter; returns (events, bytes)."""
    keep = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=retention_days
    )
    connection = sqlite3.connect(path)
    rows = connection.execute(
        """
        SELECT m.id, m.uid, m.title, m.starts_at, m.ends_at, m.timezone, m.status,
               m.sequence, m.updated_at, v.name
        FROM meeting AS m LEFT JOIN venue AS v ON v.id = m.venue_id
        WHERE m.visibility = 'public'
          AND NOT (m.status = 'cancelled' AND COALESCE(m.ends_at, m.starts_at) < ?)
        ORDER BY m.starts_at, m.uid
        """,
        (keep.strftime("%Y-%m-%d %H:%M:%S.%f"),),
    ).fetchall()
    connection.close()
    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//floor//ID\r\n"]
    for mid, uid, title, start, end, _tz, status, sequence, updated, venue in rows:
        stamp = updated[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        begin = start[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        finish = (end or start)[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        out.append(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nDTSTART:{begin}\r\n"
            f"DTEND:{finish}\r\nSEQUENCE:{sequence}\r\nSUMMARY:{_escape(title)}\r\n"
            f"STATUS:{'CANCELLED' if status == 'cancelled' else 'CONFIRMED'}\r\n"
            + (f"LOCATION:{_escape(venue)}\r\n" if venue else "")
            + f"URL:https://example.id/meetings/{mid}\r\nEND:VEVENT\r\n"
        )
    out.append("END:VCALENDAR\r\n")
    body = "".join(out).encode()
    return len(rows), len(body)


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        app = create_app(
            {
                "SECRET_KEY": "bench-only",
                "DATABASE_URL": f"sqlite:///{path}",
                "INSTANCE_PATH": tmp,
                "PUBLIC_BASE_URL": "https://rakor.example.id",
            }
        )
        with app.app_context():
            db.create_all()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(
            args=["synth", "--meetings", str(args.meetings), "--seed", str(args.seed)]
        )
        if result.exit_code != 0:
            raise SystemExit(result.output)
        print(f"synth: {args.meetings} meetings in {time.perf_counter() - started:.1f} s")
        client = app.test_client()

        def cold() -> bytes:
            with app.app_context():
                cache.forget_events()
                db.session.commit()
            started = time.perf_counter()
            body = client.get(URL).get_data()
            cold_times.append(time.perf_counter() - started)
            return body

        cold_times: list[float] = []
        for _ in range(max(1, args.repeat // 2)):
            body = cold()
        t_cold = min(cold_times)
        t_warm, warm = _best(args.repeat, lambda: client.get(URL))
        etag = warm.headers["ETag"]  # type: ignore[attr-defined]
        assert warm.get_data() == body  # type: ignore[attr-defined]
        t_304, answer = _best(args.repeat, lambda: client.get(URL, headers={"If-None-Match": etag}))
        assert answer.status_code == 304  # type: ignore[attr-defined]
        t_gzip, packed = _best(
            args.repeat, lambda: client.get(URL, headers={"Accept-Encoding": "gzip"})
        )
        events = body.count(b"BEGIN:VEVENT")
        retention = app.config["CALENDAR_CANCELLED_RETENTION_DAYS"]
        floor_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            floor_events, floor_bytes = floor(path, retention)
            floor_times.append(time.perf_counter() - started)
        t_floor = min(floor_times)
        if floor_events != events:
            raise SystemExit(f"row mismatch: feed {events}, floor {floor_events}")

        gz_size = len(packed.get_data())  # type: ignore[attr-defined]
        print(f"feed: {events} events, {len(body) / 1e6:.2f} MB, gzip {gz_size / 1e6:.2f} MB")
        print(f"{'case':<8}{'seconds':>10}{'vs floor':>10}{'events/s':>12}")
        for name, seconds in (
            ("floor", t_floor),
            ("cold", t_cold),
            ("warm", t_warm),
            ("gzip", t_gzip),
            ("304", t_304),
        ):
            rate = events / seconds if seconds else float("inf")
            print(f"{name:<8}{seconds:>10.3f}{seconds / t_floor:>9.1f}x{rate:>12,.0f}")
        print(f"floor runs: median {statistics.median(floor_times):.3f} s")


if __name__ == "__main__":
    main()
