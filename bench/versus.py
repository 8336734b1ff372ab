"""Rakor Tracker beside Indico on the same records, in one run: issue 18's table.

Indico runs under its own interpreter (3.3 needs Python 3.12), so this is three steps;
docs/benchmarks.md shows the whole recipe:

1. ``python bench/versus.py export --instance DIR --meetings 10000 --out meetings.json``
   fills the PostgreSQL database ``tracker_versus`` (init, synth, reindex) and writes its
   public meetings as JSON;
2. ``indico-python bench/indico_load.py meetings.json`` creates the same events, with the
   same ids, in one Indico category (run with Indico's Python and INDICO_CONFIG);
3. ``python bench/versus.py run --instance DIR --indico http://127.0.0.1:8100 --category 2``
   serves ``tracker_versus`` on 2 gunicorn workers and runs wrk against each pair of URLs,
   ours and Indico's in alternating rounds, and writes bench/VERSUS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

# The project's tracker package and the modules beside this file, however it is started.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import (  # noqa: E402
    _pg_admin,
    _write_config,
    environment,
    fill,
    postgres_version,
)
from machine import machine  # noqa: E402
from results import log, ms  # noqa: E402
from servers import WrkResult, fetch, gunicorn, run_wrk  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402
from urls import ARCHIVE_PATH, SEARCH_TERMS  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Meeting, Participation  # noqa: E402

VERSUS_DB = "tracker_versus"
VERSUS_URL = f"postgresql://postgres@127.0.0.1:5432/{VERSUS_DB}"
OUT = Path(__file__).resolve().parent / "VERSUS.md"
# An event with no stated end: Indico needs one, and a Rakor usually takes a morning.
DEFAULT_LENGTH = timedelta(hours=2)
EVERYTHING = "from=1900-01-01&to=2100-12-31"


def _fill(instance: Path, size: int) -> None:
    """A fresh tracker_versus database filled by the CLI, configured in ``instance``."""
    _pg_admin(f"DROP DATABASE IF EXISTS {VERSUS_DB} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {VERSUS_DB}")
    instance.mkdir(parents=True, exist_ok=True)
    _write_config(instance, VERSUS_URL)
    log(fill(VERSUS_URL, environment(VERSUS_URL, instance), size))


def _person(part: Participation) -> dict[str, str]:
    """A participant as an Indico person: the name, else the position or agency it stands for."""
    agency = part.agency.full_name if part.agency else ""
    if part.person is not None:
        first, _, last = part.person.name.rpartition(" ")
        return {"first_name": first, "last_name": last, "affiliation": agency}
    label = (
        part.position or part.collective_label or (part.agency.short_name if part.agency else "")
    )
    return {"first_name": "", "last_name": label, "affiliation": agency}


def _record(meeting: Meeting) -> dict[str, Any]:
    """One meeting as the loader reads it: what both systems show of it."""
    agencies = [p.agency.short_name for p in meeting.participations if p.agency is not None]
    lines = [meeting.summary or "", meeting.theme or "", "Hadir: " + ", ".join(agencies)]
    end = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
    return {
        "id": meeting.id,
        "title": meeting.title,
        "description": "\n\n".join(line for line in lines if line),
        "start": meeting.starts_at.astimezone(UTC).isoformat(),
        "end": end.astimezone(UTC).isoformat(),
        "timezone": meeting.timezone,
        "venue": meeting.venue.name if meeting.venue else "",
        "address": (meeting.venue and meeting.venue.address) or meeting.region.name,
        "keywords": [meeting.kind],
        "people": [_person(p) for p in meeting.participations],
    }


def export(instance: Path, size: int, out: Path, refill: bool = True) -> None:
    """Fill the database (unless told not to), then write its public meetings as JSON."""
    if refill:
        _fill(instance, size)
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": VERSUS_URL})
    with app.app_context():
        query = (
            select(Meeting)
            .where(Meeting.visibility == "public")
            .order_by(Meeting.id)
            .options(
                selectinload(Meeting.participations).selectinload(Participation.person),
                selectinload(Meeting.participations).selectinload(Participation.agency),
                selectinload(Meeting.venue),
                selectinload(Meeting.region),
            )
        )
        records = [_record(m) for m in db.session.scalars(query)]
    out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    log(f"{len(records)} public meetings written to {out}")


@dataclass
class Pair:
    """One line of the table: our URL and Indico's for the same thing."""

    label: str
    ours: str
    theirs: str
    revalidate: bool = False
    # Measured again with PAGE_CACHE_BYTES=0 (no page or API answer kept).
    unkept: bool = False


def pairs(meeting_id: int, category: int) -> list[Pair]:
    """Issue 18's URLs, ours beside Indico's."""
    ours_q = SEARCH_TERMS.replace(" ", "+")
    theirs_q = SEARCH_TERMS.replace(" ", "%20")
    feed = f"/export/categ/{category}.ics?{EVERYTHING}"
    return [
        Pair("whole feed, warm", ARCHIVE_PATH, feed),
        Pair("feed revalidation (If-None-Match)", ARCHIVE_PATH, feed, revalidate=True),
        Pair("meeting page HTML", f"/meetings/{meeting_id}", f"/event/{meeting_id}/", unkept=True),
        Pair("meeting list / category page", "/meetings/", f"/category/{category}/"),
        Pair(
            f"search API '{SEARCH_TERMS}'",
            f"/api/v1/meetings?q={ours_q}",
            f"/search/api/search?q={theirs_q}&type=event",
            unkept=True,
        ),
        Pair(
            "single-meeting .ics",
            f"/calendar/meetings/{meeting_id}.ics",
            f"/event/{meeting_id}/event.ics",
        ),
    ]


# An answer slower than this is timed by plain requests: wrk would only count timeouts.
SLOW = 1.0
SLOW_CLIENTS = 2
SLOW_REQUESTS = 2
# Both sides run 2 workers: twice as many requests at once, so each serves some.
WARM_UPS = 4


def _one(url: str, headers: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    status, _h = fetch(url, headers)
    return time.perf_counter() - started, status


def _plain(url: str, headers: dict[str, str]) -> WrkResult:
    """Two clients, two requests each: a wrk-like result for an answer of seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(SLOW_CLIENTS) as pool:
        jobs = [pool.submit(_one, url, headers) for _ in range(SLOW_CLIENTS * SLOW_REQUESTS)]
        done = [job.result() for job in jobs]
    times = [t for t, _s in done]
    errors = sum(1 for _t, status in done if status not in (200, 304))
    return WrkResult(
        requests=len(done),
        seconds=time.perf_counter() - started,
        errors=errors,
        error_kinds={"status": errors} if errors else {},
        p50=statistics.median(times),
        p99=max(times),
    )


def _timed(wrk: str, base: str, path: str, revalidate: bool, seconds: int) -> WrkResult:
    """wrk for the pair's URL after warm-up requests; plain requests if it is slow."""
    # Warm every worker (a fresh one loads templates and caches on its first request);
    # the fastest of these says whether wrk can time the URL.
    with ThreadPoolExecutor(WARM_UPS) as pool:  # at once, so every worker takes one
        warm = list(pool.map(lambda _n: _one(base + path, {}), range(WARM_UPS)))
    if any(status != 200 for _t, status in warm):
        raise RuntimeError(f"{base}{path} answered {[status for _t, status in warm]}")
    took = min(t for t, _s in warm)
    extra = {}
    etag = fetch(base + path)[1].get("ETag") if revalidate else None
    if etag:
        extra["If-None-Match"] = etag
    if took > SLOW:
        return _plain(base + path, extra)
    return run_wrk(wrk, base + path, seconds, extra)


def _workers(base: str) -> list[int]:
    """The pids of the gunicorn workers behind ``base``: its master's children."""
    bind = "127.0.0.1:" + base.rsplit(":", 1)[1]
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if "gunicorn" in command and bind in command:
            parents[int(entry.name)] = parent
    return [pid for pid, parent in parents.items() if parent in parents]


def _peaks(base: str) -> dict[int, int]:
    """Each worker's peak resident set (VmHWM) in kB."""
    peaks = {}
    for pid in _workers(base):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = int(line.split()[1])
    return peaks


def _growth(before: dict[int, int], after: dict[int, int]) -> int:
    """The largest growth of one worker's peak memory, in kB."""
    return max((peak - before.get(pid, peak) for pid, peak in after.items()), default=0)


def feed_size(base: str, path: str) -> tuple[int, int]:
    """(bytes, events) of one plain (not compressed) answer of a feed."""
    with urllib.request.urlopen(base + path, timeout=300) as answer:
        body = answer.read()
    return len(body), body.count(b"BEGIN:VEVENT")


@dataclass
class Line:
    """A measured pair: the rounds of each side."""

    pair: Pair
    ours: list[WrkResult]
    theirs: list[WrkResult]

    def rate(self, side: list[WrkResult]) -> float:
        return statistics.median(r.rate for r in side)

    def p50(self, side: list[WrkResult]) -> float:
        return statistics.median(r.p50 for r in side)

    @property
    def ratio(self) -> float:
        theirs = self.rate(self.theirs)
        return self.rate(self.ours) / theirs if theirs else 0.0


def measure(
    wrk: str, ours: str, theirs: str, plan: list[Pair], rounds: int, seconds: int
) -> list[Line]:
    """Each pair in alternating rounds: ours, Indico's, ours, Indico's."""
    lines = []
    for pair in plan:
        line = Line(pair, [], [])
        for _ in range(rounds):
            for side, base, path in (
                (line.ours, ours, pair.ours),
                (line.theirs, theirs, pair.theirs),
            ):
                side.append(_timed(wrk, base, path, pair.revalidate, seconds))
                found = side[-1]
                log(
                    f"    {base}{path}: {found.rate:,.1f} req/s, p50 {ms(found.p50)}, "
                    f"{found.requests} requests, {found.errors} errors"
                )
        log(
            f"  {pair.label}: ours {line.rate(line.ours):,.1f} req/s, Indico "
            f"{line.rate(line.theirs):,.1f} req/s, {line.ratio:.1f}x"
        )
        lines.append(line)
    return lines


UNKEPT = ", answers not kept"
# Issue 18's goals: how many times Indico's throughput each URL must reach.
TARGETS = {
    "meeting page HTML": 10.0,
    f"search API '{SEARCH_TERMS}'": 5.0,
    "single-meeting .ics": 4.0,
}


def _table(lines: list[Line]) -> list[str]:
    out = [
        "| URL (ours / Indico's) | ours: median, req/s | Indico: median, req/s | ratio "
        "(req/s) | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for line in lines:
        # The same target with or without kept answers: a first request counts too.
        target = TARGETS.get(line.pair.label.removesuffix(UNKEPT))
        errors = sum(r.errors for r in line.ours + line.theirs)
        result = "–" if target is None else ("met" if line.ratio >= target else "**not met**")
        if errors:
            result = f"**{errors} errors**"
        out.append(
            f"| {line.pair.label}: `{line.pair.ours}` / `{line.pair.theirs}` | "
            f"{ms(line.p50(line.ours))}, {line.rate(line.ours):,.1f} | "
            f"{ms(line.p50(line.theirs))}, {line.rate(line.theirs):,.1f} | "
            f"{line.ratio:,.1f}x | {f'≥ {target:g}x' if target else ''} | {result} |"
        )
    return out


def _method(args: argparse.Namespace) -> str:
    """The method paragraph of bench/VERSUS.md."""
    return " ".join(
        [
            "Method: both sides on 2 gunicorn sync workers on 127.0.0.1 against the same",
            "PostgreSQL server, holding the same public meetings (`bench/versus.py export`,",
            "loaded into Indico by `bench/indico_load.py` with the same ids). For each URL,",
            f"{args.rounds} alternating rounds (ours, Indico's, ours, Indico's) of wrk for",
            f"{args.seconds} s each after {WARM_UPS} concurrent warm-up requests; the figures",
            "are the medians of the rounds. Ratio: our requests per second over Indico's",
            "(above 1: we are faster). Indico's whole feed is its HTTP API export of the",
            "category over all dates (what a full subscription gets); it answers no",
            "If-None-Match, so its revalidation is a full answer. A row with errors (non-2xx",
            "answers, timeouts) says so instead of a result. An answer that takes over",
            f"{SLOW:g} s is timed by plain requests instead of wrk ({SLOW_CLIENTS} clients,",
            f"{SLOW_REQUESTS} requests each): wrk would only count timeouts. Ours keeps public",
            "pages and API answers between writes (`tracker/page_cache.py`), so a repeated URL",
            "is served from memory; the rows marked 'answers not kept' ask a second gunicorn",
            "with `PAGE_CACHE_BYTES=0` for the same URLs: what a page or query costs when it",
            "is asked for the first time (results kept inside it, such as counts, stay on).",
        ]
    )


def _sizes(sizes: tuple[tuple[int, int], tuple[int, int]]) -> list[str]:
    """The whole feed's plain size on each side, per event."""
    out = []
    for name, (size, events) in zip(("ours", "Indico's"), sizes, strict=True):
        per = size / events if events else 0
        out.append(
            f"- Whole feed, {name}: {size:,} bytes, {events:,} events, {per:,.0f} bytes per event."
        )
    return out


def render(info: list[tuple[str, str]], lines: list[Line], args: argparse.Namespace) -> str:
    """bench/VERSUS.md: machine, method, the table."""
    return "\n".join(
        [
            "# Rakor Tracker beside Indico",
            "",
            "Written by `bench/versus.py run`; every run overwrites this file.",
            "",
            "| | |",
            "| --- | --- |",
            *(f"| {k} | {v} |" for k, v in info),
            f"| Indico | {args.indico_version} at {args.indico}, category {args.category} |",
            f"| records | {args.records} |",
            "",
            _method(args),
            "",
            *_table(lines),
            "",
            *_sizes(args.sizes),
            f"- Peak memory growth of a worker while it served the whole feed (VmHWM): "
            f"ours {args.memory[0] / 1024:,.1f} MB, Indico's {args.memory[1] / 1024:,.1f} MB.",
            "",
        ]
    )


def _indico_version(base: str) -> str:
    """Indico's version from its generator meta tag, or 'unknown'."""
    try:
        with urllib.request.urlopen(base + "/", timeout=30) as answer:
            page = answer.read(200_000).decode("utf-8", "replace")
    except OSError:
        return "unknown"
    marker = 'name="generator" content="'
    start = page.find(marker)
    return (
        page[start + len(marker) : page.find('"', start + len(marker))] if start >= 0 else "unknown"
    )


def run(args: argparse.Namespace) -> None:
    """Both servers side by side; writes bench/VERSUS.md."""
    instance = args.instance.resolve()
    env = environment(VERSUS_URL, instance)
    plan = pairs(args.meeting, args.category)
    args.indico_version = args.indico_version or _indico_version(args.indico)
    info = machine(_pg_version(), args.wrk)
    with gunicorn(env, instance, workers=2) as ours:
        before = [_peaks(ours), _peaks(args.indico)]
        # The whole feed first: the workers' peak memory then is what serving it cost.
        lines = measure(args.wrk, ours, args.indico, plan[:1], args.rounds, args.seconds)
        sides = zip(before, (ours, args.indico), strict=True)
        args.memory = [_growth(old, _peaks(base)) for old, base in sides]
        lines += measure(args.wrk, ours, args.indico, plan[1:], args.rounds, args.seconds)
        args.sizes = (feed_size(ours, plan[0].ours), feed_size(args.indico, plan[0].theirs))
    # The same URLs with no answer kept between requests: what a query or page costs
    # the first time it is asked for.
    unkept = [Pair(p.label + UNKEPT, p.ours, p.theirs) for p in plan if p.unkept]
    with gunicorn({**env, "TRACKER_PAGE_CACHE_BYTES": "0"}, instance, workers=2) as ours:
        lines += measure(args.wrk, ours, args.indico, unkept, args.rounds, args.seconds)
    OUT.write_text(render(info, lines, args), encoding="utf-8")
    log(f"wrote {OUT}")


def _pg_version() -> str:
    version, reason = postgres_version()
    return version or reason


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    exp = steps.add_parser("export", help="fill tracker_versus and write its meetings as JSON")
    exp.add_argument("--instance", type=Path, required=True)
    exp.add_argument("--meetings", type=int, default=10_000)
    exp.add_argument("--out", type=Path, required=True)
    exp.add_argument("--keep", action="store_true", help="export the filled database again")
    side = steps.add_parser("run", help="time both servers and write bench/VERSUS.md")
    side.add_argument("--instance", type=Path, required=True)
    side.add_argument("--indico", required=True, help="Indico's base URL on 127.0.0.1")
    side.add_argument("--category", type=int, required=True)
    side.add_argument("--indico-version", help="as `pip show indico` says, for the table")
    side.add_argument("--meeting", type=int, default=1, help="the id both systems show")
    side.add_argument("--records", default="synth --meetings 10000 --seed 1, public ones")
    side.add_argument("--rounds", type=int, default=2)
    side.add_argument("--seconds", type=int, default=10)
    side.add_argument("--wrk", default="wrk")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.step == "export":
        export(args.instance.resolve(), args.meetings, args.out, refill=not args.keep)
    else:
        if not args.indico.startswith("http://127.0.0.1:"):
            raise SystemExit("Indico must listen on 127.0.0.1: load goes to the loopback only")
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
