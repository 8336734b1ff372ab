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

The steps live beside this file: machine.py (what it ran on), databases.py (the synthetic
data), archive.py (feed and memory), latency.py (in-process p50/p95), servers.py (gunicorn
and wrk), urls.py (what is asked for), results.py and report.py (the table and RESULTS.md).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import traceback
from pathlib import Path

# The project's tracker package and the modules beside this file, however it is started.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import feed_rows, memory_rows  # noqa: E402
from databases import (  # noqa: E402
    busiest_agency,
    database,
    environment,
    fill,
    postgres_version,
    use_every_local_body,
)
from latency import latency_rows  # noqa: E402
from machine import load_average, machine  # noqa: E402
from proxy import proxy_rows, two_worker_rows  # noqa: E402
from report import render  # noqa: E402
from results import Section, log  # noqa: E402
from servers import server_rows  # noqa: E402
from urls import OTHER_SEARCHES, SEARCH_TERMS, mixed_paths, sample_meeting  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def bench_one(backend: str, size: int, args: argparse.Namespace, wrk: str | None) -> Section:
    """Every figure for one database at one size."""
    section = Section(backend, size)
    log(f"{backend}, {size:,} meetings")
    with database(backend) as (url, instance):
        env = environment(url, instance)
        section.context.append(fill(url, env, size))
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
            searched = ", ".join(f"'{term}'" for term in (SEARCH_TERMS, *OTHER_SEARCHES))
            section.context.append(f"busiest agency: `{slug}`; search terms: {searched}")
            section.rows += latency_rows(app, slug, args.requests, section.context)
            paths = mixed_paths(app, slug)
            meeting_id = sample_meeting(app)
        finally:
            with app.app_context():
                db.engine.dispose()
        section.rows += memory_rows(url, instance, env)
        section.rows += server_rows(wrk, env, instance, paths, args, section.context)
        section.rows += two_worker_rows(wrk, env, instance, meeting_id, args.wrk_seconds)
        section.rows += proxy_rows(wrk, env, instance, max(1, args.wrk_seconds // 2))
    return section


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with every count and duration bounded."""
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
    return args


def _find_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk is not installed: throughput and load figures are skipped. "
            "Install it with `apt-get install wrk` (Debian/Ubuntu).",
            file=sys.stderr,
        )
    return wrk


def _backends(args: argparse.Namespace) -> tuple[list[str], str | None, str]:
    """The databases to measure, PostgreSQL's version and why it is left out (if it is)."""
    pg_version, pg_reason = postgres_version()
    backends = [] if args.skip_sqlite else ["sqlite"]
    if args.skip_postgres:
        pg_reason = "skipped with --skip-postgres"
    elif pg_version is None:
        print(f"PostgreSQL skipped: {pg_reason}", file=sys.stderr)
    else:
        backends.append("postgres")
    return backends, pg_version, pg_reason


def _bench_all(
    backends: list[str], args: argparse.Namespace, wrk: str | None
) -> tuple[list[Section], bool]:
    """Every database at every size; a failure is recorded and the rest still run."""
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
    return sections, failed


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and write bench/RESULTS.md; 0 when it ran (targets aside)."""
    args = _arguments(argv)
    # SIGTERM (e.g. a CI timeout) unwinds through the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wrk = _find_wrk()
    backends, pg_version, pg_reason = _backends(args)
    info = machine(pg_version or pg_reason, wrk)
    sections, failed = _bench_all(backends, args, wrk)
    if "postgres" not in backends and not args.skip_postgres:
        sections += [Section("postgres", s, skipped=pg_reason) for s in args.sizes]
    info.append(("load average at end (1, 5, 15 min)", load_average()))
    text = render(info, sections, " ".join(argv if argv is not None else sys.argv[1:]))
    args.output.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
