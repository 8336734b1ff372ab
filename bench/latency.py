"""p50/p95 latency and SQL statements of pages, API and search, in-process."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from databases import PUBLIC_BASE_URL
from results import Row, log, ms, percentile
from sqlalchemy import event
from urls import (
    CONDITIONAL_PATH,
    PICKER_URL,
    STATIC_PATH,
    after_write_cases,
    latency_cases,
    sample_meeting,
)

from tracker import page_cache
from tracker.extensions import db

BENCH_PASSWORD = "bench-only-password"
# A hard ceiling per latency series, in seconds.
SERIES_BUDGET = 90.0


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
            f"`{self.path}`: mean {ms(self.sql)} in SQL per request; costliest statement "
            f"{ms(self.top_sql_time)} per request: `{text}`"
        )


def latency(
    app: Any,
    counter: StatementCounter,
    path: str,
    count: int,
    headers: dict[str, str] | None = None,
    client: Any = None,
    before_each: Any = None,
) -> Series:
    """p50/p95 of `count` requests (after 3 warm-ups), within SERIES_BUDGET seconds.

    ``before_each`` runs untimed before every timed request (a write, for the first
    request after one).
    """
    client = client or app.test_client()
    status = 0
    for _ in range(3):
        status = client.get(path, headers=headers).status_code
    times: list[float] = []
    statements: list[int] = []
    deadline = time.monotonic() + SERIES_BUDGET
    counter.reset()
    for _ in range(count):
        if before_each is not None:
            before_each()
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
        percentile(times, 50),
        percentile(times, 95),
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


def _revalidate_row(app: Any, counter: StatementCounter, reference: Series, count: int) -> Row:
    """The calendar's 304 answer in-process, for information."""
    etag = app.test_client().get(CONDITIONAL_PATH).headers["ETag"]
    found = latency(app, counter, CONDITIONAL_PATH, count, {"If-None-Match": etag})
    return Row(
        f"304 to If-None-Match on `{CONDITIONAL_PATH}`, in-process p95 (p50 "
        f"{ms(found.p50)}; {found.statements} SQL statements; "
        f"HTTP {found.status}; for information)",
        ms(found.p95),
        f"static file p95 {ms(reference.p95)} ({reference.statements} SQL)",
        found.p95 / reference.p95 if reference.p95 else None,
    )


def _case_row(label: str, found: Series, reference: Series, limit: float) -> Row:
    """One timed page beside the static file, against its p95 target."""
    return Row(
        f"{label} `{found.path}` p95 (p50 {ms(found.p50)}; {found.statements} SQL "
        f"statements; {found.count} requests)",
        ms(found.p95) + ("" if found.status == 200 else f" HTTP {found.status}"),
        f"static file p95 {ms(reference.p95)}",
        found.p95 / reference.p95 if reference.p95 else None,
        f"p95 < {limit * 1000:.0f} ms",
        found.status == 200 and found.p95 < limit,
    )


def touch_meeting(app: Any) -> None:
    """Commit a small edit (the newest meeting's title), as staff saving a form would."""
    from tracker.models import Meeting

    with app.app_context():
        meeting = db.session.execute(
            db.select(Meeting).order_by(Meeting.id.desc()).limit(1)
        ).scalar_one()
        ending = " (diperbarui)"
        if meeting.title.endswith(ending):
            meeting.title = meeting.title.removesuffix(ending)
        else:
            meeting.title += ending
        db.session.commit()


def _after_write_rows(
    app: Any, counter: StatementCounter, slug: str, count: int, reference: Series
) -> list[Row]:
    """The pages kept between writes, each timed on the first request after a write."""
    rows = []
    for label, path, limit in after_write_cases(slug, sample_meeting(app)):
        found = latency(app, counter, path, count, before_each=lambda: touch_meeting(app))
        log(f"  after a write {path}: p50 {ms(found.p50)}, p95 {ms(found.p95)}")
        rows.append(_case_row(f"{label}, first request after a write,", found, reference, limit))
    return rows


def latency_rows(app: Any, slug: str, count: int, context: list[str]) -> list[Row]:
    """Pages, API and search against the static file through the same test client."""
    counter = StatementCounter()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter.before)
    event.listen(engine, "after_cursor_execute", counter.after)
    try:
        reference = latency(app, counter, STATIC_PATH, count)
        staff = staff_client(app)
        rows = [_revalidate_row(app, counter, reference, count)]
        for label, path, limit in latency_cases(slug):
            client = staff if path.startswith(PICKER_URL) else None
            # API answers are kept whole between writes (tracker/page_cache.py): drop them
            # untimed, so the row times the query beneath, as it did before they were kept.
            fresh = page_cache.forget if path.startswith("/api/") else None
            found = latency(app, counter, path, count, client=client, before_each=fresh)
            context.append(found.sql_note())
            log(f"  {path}: p50 {ms(found.p50)}, p95 {ms(found.p95)}, {found.statements} SQL")
            rows.append(_case_row(label, found, reference, limit))
        # Fewer: each request follows a commit.
        rows += _after_write_rows(app, counter, slug, max(10, count // 2), reference)
    finally:
        event.remove(engine, "before_cursor_execute", counter.before)
        event.remove(engine, "after_cursor_execute", counter.after)
    return rows
