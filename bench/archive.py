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

from tracker.calendar import bodies, cache
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import Meeting


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


def _refresh(app: Any) -> float:
    """Store every VEVENT ahead, as the commits that made the meetings would have."""
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["calendar-refresh"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return time.perf_counter() - started


def _assembled(app: Any, client: Any, repeat: int) -> float:
    """Best time of the archive with every VEVENT stored and no cached body."""

    def once() -> bytes:
        with app.app_context():
            bodies.clear()
        return client.get(ARCHIVE_PATH).get_data()

    return feed_bench._best(repeat, once)[0]


def _after_edit(app: Any, client: Any) -> float:
    """The archive's first request after one meeting was edited (its commit stores it)."""
    with app.app_context():
        meeting = db.session.execute(db.select(Meeting).limit(1)).scalar_one()
        ops.update_meeting(meeting, {"title": meeting.title + " (diubah)"})
        db.session.commit()
    started = time.perf_counter()
    client.get(ARCHIVE_PATH).get_data()
    return time.perf_counter() - started


def _feed_table(
    t_cold: float, t_built: dict[str, float], t_warm: float, t_304: float, t_floor: float, code: int
) -> list[Row]:
    """Cold, assembled, after an edit, warm and 304 beside the floor, with their targets."""
    ref = f"floor {t_floor:.2f} s"
    return [
        Row(
            "archive feed, from nothing (no stored VEVENT: after a deploy; 1,000 stored)",
            f"{t_cold:.2f} s",
            ref,
            t_cold / t_floor,
            "for information",
            None,
        ),
        Row(
            "archive feed, cold body from stored VEVENTs (as commits leave them)",
            f"{t_built['assembled']:.2f} s",
            ref,
            t_built["assembled"] / t_floor,
            "≤ 3x floor",
            t_built["assembled"] <= 3 * t_floor,
        ),
        Row(
            "archive feed, first request after one meeting was edited",
            f"{t_built['edit']:.2f} s",
            ref,
            t_built["edit"] / t_floor,
            "≤ 3x floor",
            t_built["edit"] <= 3 * t_floor,
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


def _stored_paths(
    app: Any, client: Any, repeat: int, body: bytes
) -> tuple[dict[str, float], float]:
    """The archive assembled from stored VEVENTs, and after one edit: (times, refresh time)."""
    t_refresh = _refresh(app)
    built = {"assembled": _assembled(app, client, repeat)}
    if client.get(ARCHIVE_PATH).get_data() != body:
        raise RuntimeError("the feed assembled from stored VEVENTs differs from the cold one")
    built["edit"] = _after_edit(app, client)
    log(
        f"  refresh {t_refresh:.2f} s, assembled {built['assembled']:.2f} s, "
        f"after an edit {built['edit']:.2f} s"
    )
    return built, t_refresh


def feed_rows(app: Any, url: str, repeat: int) -> tuple[list[Row], list[str]]:
    """Archive feed cold, assembled, after an edit and warm through the app, against the floor."""
    client = app.test_client()
    t_cold, cold, body = _cold(app, client)
    # Warm: the cached body; best of `repeat` like bench/feeds.py.
    t_warm, warm = feed_bench._best(repeat, lambda: client.get(ARCHIVE_PATH).get_data())
    if warm != body:
        raise RuntimeError("warm feed differs from the cold one")
    etag = cold.headers["ETag"]
    t_304, answer = feed_bench._best(
        repeat, lambda: client.get(ARCHIVE_PATH, headers={"If-None-Match": etag})
    )
    events = body.count(b"BEGIN:VEVENT")
    retention = app.config["CALENDAR_CANCELLED_RETENTION_DAYS"]
    t_floor, (floor_events, floor_bytes) = feed_bench._best(repeat, lambda: floor(url, retention))
    if floor_events != events:
        raise RuntimeError(f"row mismatch: feed {events} events, floor {floor_events}")
    log(f"  feed warm {t_warm:.2f} s, floor {t_floor:.2f} s, archive 304 {t_304:.2f} s")
    built, t_refresh = _stored_paths(app, client, repeat, body)
    rows = _feed_table(t_cold, built, t_warm, t_304, t_floor, answer.status_code)
    context = [
        f"archive feed: {events:,} events, {len(body) / 1e6:.1f} MB "
        f"(floor writes {floor_bytes / 1e6:.1f} MB)",
        f"`flask calendar-refresh` storing the VEVENTs the cold request left: {t_refresh:.1f} s",
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
