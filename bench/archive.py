"""The full archive feed: cold, warm and 304 against the raw-SQL floor, and its memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import feeds as feed_bench  # bench/feeds.py: floor, floor_pg, _best, rss_child
from databases import ROOT, STEP_TIMEOUT
from results import Row, log
from urls import ARCHIVE_PATH

from tracker.calendar import cache
from tracker.extensions import db


def floor(url: str, retention_days: int) -> tuple[int, int]:
    """The floor of bench/feeds.py for this database: (events, bytes)."""
    if url.startswith("sqlite:///"):
        return feed_bench.floor(Path(url.removeprefix("sqlite:///")), retention_days)
    return feed_bench.floor_pg(url, retention_days)


def _cold(app: Any, client: Any) -> tuple[float, Any, bytes]:
    """The archive with no stored VEVENT: (seconds, response, body)."""
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
    return t_cold, cold, body


def _feed_table(t_cold: float, t_warm: float, t_304: float, t_floor: float, code: int) -> list[Row]:
    """Cold, warm and 304 beside the floor, with their targets."""
    ref = f"floor {t_floor:.2f} s"
    return [
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
            f"{t_304:.2f} s (HTTP {code})",
            ref,
            t_304 / t_floor,
            "",
            None,
        ),
    ]


def feed_rows(app: Any, url: str, repeat: int) -> tuple[list[Row], list[str]]:
    """Archive feed cold and warm through the app, against the floor."""
    client = app.test_client()
    t_cold, cold, body = _cold(app, client)
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
    rows = _feed_table(t_cold, t_warm, t_304, t_floor, answer.status_code)
    context = [
        f"archive feed: {events:,} events, {len(body) / 1e6:.1f} MB "
        f"(floor writes {floor_bytes / 1e6:.1f} MB)"
    ]
    return rows, context


def _memory_row(label: str, growth: float, body_bytes: int) -> Row:
    body = body_bytes / 2**20
    log(f"  RSS growth {growth:.0f} MiB streaming {body:.0f} MiB ({label})")
    return Row(
        f"peak RSS growth streaming `{ARCHIVE_PATH}` {label}, fresh process",
        f"{growth:.0f} MiB",
        f"feed body {body:.0f} MiB",
        growth / body if body else None,
        "< 150 MB growth",
        growth * 2**20 < 150e6,
    )


def memory_rows(url: str, instance: Path, env: dict[str, str]) -> list[Row]:
    """Peak RSS growth of a fresh process streaming the archive feed.

    bench/feeds.py's ``rss_child`` streams it built cold and then again cached.
    """
    bench_dir = str(Path(__file__).resolve().parent)
    code = (
        f"import sys; sys.path.insert(0, {bench_dir!r}); import feeds; "
        f"feeds.rss_child({url!r}, {str(instance)!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"RSS probe failed:\n{done.stdout}\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        _memory_row("built cold", data["cold"]["growth_mib"], data["cold"]["bytes"]),
        _memory_row("from the cached feed", data["cached"]["growth_mib"], data["cached"]["bytes"]),
    ]
