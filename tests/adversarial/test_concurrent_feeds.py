"""Bursts of concurrent cold feed requests against a real gunicorn (2 workers, threads).

Each write makes every feed cold; the bursts that follow race to build, cache, compress
and prune the same bodies in several processes at once. Every answer must be a 200 with
a complete body (plain and gzip, the streamed archive over 1 MB included), the same
bytes for the same feed, and the cache folder must hold only complete files.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask
from flask_migrate import upgrade

from tracker import create_app
from tracker.calendar import bodies, feeds
from tracker.cli import _load_reference
from tracker.extensions import db
from tracker.meetings.operations import update_meeting
from tracker.meetings.synth import synthesize
from tracker.models import Meeting

from .checks import check_ics
from .child import (
    child_database,
    child_env,
    drop_schema,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)

MEETINGS = 2000  # the archive feed is about 1.6 MB: streamed, not built in memory
WORKERS, THREADS, CLIENTS = 2, 4, 8
ROUNDS = 2
DECOYS = 2000
ARCHIVE = "/calendar/all.ics?archive=1"
FEEDS = (
    ARCHIVE,
    "/calendar/kind/rakor.ics?archive=1",
    "/calendar/election/pemilu-2024.ics?archive=1",
    "/calendar/region/64.ics?archive=1",
    "/calendar/all.ics",
)
SCHEMA = "adversarial_feeds"
BASE_URL = "https://rakor.example.id"
END = b"END:VCALENDAR\r\n"


@dataclass
class Answer:
    """One request's outcome: what went wrong (if anything) and the decoded body."""

    path: str
    gzip: bool
    problem: str | None = None
    body: bytes = b""
    streamed: bool = False  # sent chunked, without a Content-Length


def _build(url: str, instance: Path) -> Flask:
    """Migrate, load the reference data and synthesise meetings, as ``init`` + ``synth``."""
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "concurrent-feeds-secret",
            "PUBLIC_BASE_URL": BASE_URL,
        }
    )
    with app.app_context():
        upgrade()
        _load_reference()
        synthesize(MEETINGS, 1)
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """A database file (SQLite) or schema (PostgreSQL) with the synthetic meetings."""
    url = child_database(backend, tmp_path, SCHEMA)
    app = _build(url, tmp_path / "instance")
    yield url, app
    with app.app_context():
        db.engine.dispose()
    drop_schema(backend, SCHEMA)


@pytest.fixture
def server(database: tuple[str, Flask], tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn with 2 threaded workers on a socket bound here to a free port."""
    url, _app = database
    env = child_env(url, tmp_path / "instance")
    env.update(
        TRACKER_PUBLIC_BASE_URL=BASE_URL,
        # Small enough that every commit prunes other generations' files.
        TRACKER_CALENDAR_FEED_CACHE_MB="4",
        # Streams the gzip archive too (218 kB here; 1 MB would take ~10,000 meetings).
        TRACKER_CALENDAR_STREAM_AFTER=str(128 * 1024),
    )
    # Other feeds' bodies, as a live folder holds: every prune lists and stats them all,
    # long enough for the workers' temporary files to come and go meanwhile. Dated
    # ahead, so pruning (oldest first) keeps them.
    where = tmp_path / "instance" / bodies.FOLDER
    where.mkdir(parents=True, exist_ok=True)
    ahead = time.time() + 86400
    for number in range(DECOYS):
        decoy = where / f"{number:040x}.ics"
        decoy.write_bytes(b"BEGIN:VCALENDAR\r\n" + END)
        os.utime(decoy, (ahead, ahead))
    log = tmp_path / "gunicorn.log"
    options = ["--workers", str(WORKERS), "--threads", str(THREADS)]
    proc, port = start_gunicorn(options, env, log)
    try:
        wait_ready(proc, port, log)
        yield port, log
    finally:
        stop_gunicorn(proc)


def _fetch(port: int, path: str, compressed: bool) -> Answer:
    answer = Answer(path, compressed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip" if compressed else "identity"})
        response = conn.getresponse()
        raw = response.read()  # a chunked body cut short raises IncompleteRead
        length = response.getheader("Content-Length")
        answer.streamed = length is None
        if response.status != 200:
            answer.problem = f"status {response.status}: {raw[:200]!r}"
        elif length is not None and int(length) != len(raw):
            answer.problem = f"Content-Length {length}, {len(raw)} bytes"
        elif compressed != (response.getheader("Content-Encoding") == "gzip"):
            answer.problem = f"Content-Encoding {response.getheader('Content-Encoding')}"
        else:
            answer.body = gzip.decompress(raw) if compressed else raw
            if not (answer.body.startswith(b"BEGIN:VCALENDAR\r\n") and answer.body.endswith(END)):
                answer.problem = f"incomplete calendar ending {answer.body[-60:]!r}"
    except (OSError, http.client.HTTPException, EOFError) as error:
        answer.problem = f"{type(error).__name__}: {error}"
    finally:
        conn.close()
    return answer


def _burst(port: int, requests: list[tuple[str, bool]]) -> list[Answer]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda r: _fetch(port, *r), requests))


def _write(app: Flask, serial: int) -> None:
    """A committed edit: every feed's key moves on."""
    with app.app_context():
        meeting = db.session.execute(db.select(Meeting).order_by(Meeting.id)).scalars().first()
        assert meeting is not None
        update_meeting(meeting, {"title": f"Rakor Kesiapan Pemilu putaran {serial}"})
        db.session.commit()
        db.session.remove()


def _check(answers: list[Answer], log: Path) -> None:
    """No errors, and every feed answered with the same bytes plain and compressed."""
    problems = [(a.path, a.gzip, a.problem) for a in answers if a.problem]
    assert not problems, (problems, log.read_text(errors="replace")[-3000:])
    seen: dict[str, set[str]] = {}
    for a in answers:
        seen.setdefault(a.path, set()).add(hashlib.sha256(a.body).hexdigest())
    assert all(len(digests) == 1 for digests in seen.values()), seen


def _check_folder(folder: Path) -> None:
    """Only complete bodies stay in the cache; no temporary file outlives its request."""
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
    for found in folder.iterdir():
        data = found.read_bytes()
        body = gzip.decompress(data) if found.name.endswith(".gz") else data
        assert body.endswith(END), found.name


def test_concurrent_cold_feeds_answer_complete_bodies(
    database: tuple[str, Flask], server: tuple[int, Path]
) -> None:
    _url, app = database
    port, log = server
    everything = [(p, z) for p in FEEDS for z in (False, True)]
    plain = [(p, False) for p in FEEDS]
    compressed = [(p, True) for p in FEEDS]
    archives: set[bytes] = set()
    for serial in range(ROUNDS):
        # Cold, plain and gzip together: each worker builds, several compress at once.
        _write(app, 2 * serial)
        answers = _burst(port, everything * 2)
        _check(answers, log)
        # Cold plain first, then gzip from the plain copy just cached.
        _write(app, 2 * serial + 1)
        answers = _burst(port, plain * 3)
        answers += _burst(port, compressed * 3)
        _check(answers, log)
        archives.update(a.body for a in answers if a.path == ARCHIVE)
    assert all(len(body) > 1024 * 1024 for body in archives)
    kinds = {(a.gzip, a.streamed) for a in answers if a.path == ARCHIVE}
    assert {(False, True), (True, True)} <= kinds  # both forms were streamed as built
    for body in archives:
        check_ics(body, ARCHIVE)
    with app.app_context():
        _check_folder(bodies.folder())
    assert "Traceback" not in log.read_text(errors="replace")


def test_files_vanishing_between_listing_and_stat_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app("sqlite", tmp_path)
    with app.app_context():
        where = bodies.folder()
        where.mkdir(parents=True)
        other = where / "other.ics"
        other.write_bytes(b"old")
        theirs = where / ".next.ics.7.8.abcd"
        theirs.write_bytes(b"new")
        listing = os.scandir

        def listing_then_others_move(path: str) -> contextlib.nullcontext[list[os.DirEntry[str]]]:
            # Between this listing and its stat() calls, another worker renames its body
            # into place and a third prunes: the listed names no longer exist.
            monkeypatch.setattr(os, "scandir", listing)
            with listing(path) as found:
                entries = list(found)
            os.replace(theirs, where / "next.ics")
            other.unlink()
            return contextlib.nullcontext(entries)

        monkeypatch.setattr(os, "scandir", listing_then_others_move)
        writer = bodies.Writer("mine", False)
        writer.write(b"mine")
        writer.commit()
    assert sorted(p.name for p in where.iterdir()) == ["mine.ics", "next.ics"]


def test_a_body_finished_after_the_folder_was_cleared_is_dropped(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)
    with app.app_context():
        writer = bodies.Writer("cleared", False)
        writer.write(b"body")
        bodies.clear()  # `calendar-refresh --all` in another process, mid-stream
        writer.commit()
        assert list(bodies.folder().iterdir()) == []


def test_a_body_completes_outside_the_app_context(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)
    with app.app_context():
        writer = bodies.Writer("late", True)
        where = bodies.folder()
    # The end of a streamed response: the request and its app context are gone.
    writer.write(b"body")
    writer.commit()
    assert (where / "late.ics.gz").read_bytes() == b"body"


def test_a_body_failing_midway_or_abandoned_leaves_no_file(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)

    def failing() -> Iterator[bytes]:
        yield b"BEGIN:VCALENDAR\r\n"
        raise OSError("the database went away")

    with app.app_context():
        produced = feeds._produce(failing(), bodies.Writer("broken", False), None)
        with pytest.raises(OSError):
            list(produced)
        produced = feeds._produce(iter([b"a", b"b", b"c"]), bodies.Writer("left", False), None)
        rest = feeds._resume([next(produced)], produced)
        next(rest)
        rest.close()  # the subscriber hung up after the first block
        assert list(bodies.folder().iterdir()) == []
