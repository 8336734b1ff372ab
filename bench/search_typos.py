"""Time correctly spelled and misspelled searches (issue 17 item 8), on SQLite and PostgreSQL.

Usage: python bench/search_typos.py [--meetings 10000] [--requests 30] [--skip-postgres]
                                    [--extra-words 0]

Each database gets ``init`` + ``synth --meetings N --seed 1`` + ``meetings reindex`` (which
also rebuilds the vocabulary), then p50/p95 of /meetings/?q= and /api/v1/meetings?q= for
correct and misspelled terms through the in-process test client, with the SQL statements
per request. ``--extra-words N`` adds N made-up words to the vocabulary first, to see the
candidate search at the size of a real press archive's vocabulary (synth's is small).
PostgreSQL uses the database ``tracker_bench_srch`` on 127.0.0.1, created and dropped here.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select, text  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.search_terms import SearchTerm  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "tracker_bench_srch"
BASE_URL = "http://127.0.0.1:5000"
QUERIES = (
    ("correct", "politik uang"),
    ("typo", "politk uang"),
    ("correct", "kerawanan"),
    ("typo", "kerawnan"),
    ("typo, nothing close", "xylofonik"),
)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _flask(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tracker", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return time.perf_counter() - started


def _pad_vocabulary(count: int) -> None:
    rng = random.Random(1)
    rows = {
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 14))): rng.randint(1, 50)
        for _ in range(count)
    }
    have = set(db.session.execute(select(SearchTerm.word)).scalars())
    db.session.execute(
        SearchTerm.__table__.insert(),
        [{"word": w, "documents": n} for w, n in rows.items() if w not in have],
    )
    db.session.commit()


def _time(client, url: str, requests: int) -> tuple[float, float, int, str]:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    client.get(url)  # warm
    times = []
    for _ in range(requests):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(db.engine, "before_cursor_execute", count)
    body = response.get_data(as_text=True)
    suggestion = "suggested" if ("Maksud Anda" in body or '"suggestion":"' in body) else "-"
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times) * 1000, p95 * 1000, len(statements), suggestion


def run(backend: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        else:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
            _pg(f"CREATE DATABASE {PG_DB}")
            url = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env |= {"TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": tmp, "PYTHONPATH": str(ROOT)}
        env["TRACKER_PUBLIC_BASE_URL"] = BASE_URL
        try:
            t_init = _flask(["init"], env)
            t_synth = _flask(["synth", "--meetings", str(args.meetings), "--seed", "1"], env)
            t_index = _flask(["meetings", "reindex"], env)
            app = create_app(
                {
                    "INSTANCE_PATH": tmp,
                    "DATABASE_URL": url,
                    "PUBLIC_BASE_URL": BASE_URL,
                    "RATELIMIT_ENABLED": False,
                }
            )
            with app.app_context():
                if args.extra_words:
                    _pad_vocabulary(args.extra_words)
                # Bulk loads want fresh planner statistics (issue 18: one PostgreSQL search
                # took 104 ms instead of 0.24 ms without).
                with db.engine.connect() as conn:
                    conn.execute(text("ANALYZE"))
                    conn.commit()
                words = db.session.execute(select(func.count()).select_from(SearchTerm)).scalar()
                print(
                    f"\n{backend}, {args.meetings:,} meetings: init {t_init:.0f} s, synth "
                    f"{t_synth:.0f} s, reindex (documents + vocabulary) {t_index:.1f} s; "
                    f"vocabulary {words:,} words"
                )
                client = app.test_client()
                print("| query | URL | p50 ms | p95 ms | SQL | suggestion |")
                print("|---|---|---|---|---|---|")
                for kind, q in QUERIES:
                    for path in ("/meetings/", "/api/v1/meetings"):
                        p50, p95, sql, said = _time(client, f"{path}?q={q}", args.requests)
                        print(f"| {q} ({kind}) | {path} | {p50:.1f} | {p95:.1f} | {sql} | {said} |")
                db.session.remove()
                db.engine.dispose()
        finally:
            if backend == "postgres":
                _pg(f"DROP DATABASE IF EXISTS {PG_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--extra-words", type=int, default=0)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    run("sqlite", args)
    if not args.skip_postgres:
        run("postgres", args)


if __name__ == "__main__":
    main()
