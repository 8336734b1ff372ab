"""The real ``flask --app tracker`` command in a child process, on its own database.

For attacks that may hang or kill the process: the test survives what the command does.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import PG_URL
from sqlalchemy import Engine, create_engine, text


def flask_command(*args: str) -> list[str]:
    """The argv that runs ``flask --app tracker ARGS`` with this interpreter."""
    return [sys.executable, "-m", "flask", "--app", "tracker", *args]


def child_env(url: str, instance: Path) -> dict[str, str]:
    """The environment of a child app on ``url`` with its own instance folder."""
    env = dict(os.environ)
    env.update(
        TRACKER_DATABASE_URL=url,
        TRACKER_INSTANCE_PATH=str(instance),
        TRACKER_SECRET_KEY="child-test-secret",
        PYTHONUNBUFFERED="1",
    )
    return env


def _pg_engine() -> Engine:
    return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))


def child_database(backend: str, tmp_path: Path, schema: str) -> str:
    """A file-backed SQLite URL, or PostgreSQL in a fresh ``schema`` of its own."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'child.sqlite'}"
    engine = _pg_engine()
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    separator = "&" if "?" in PG_URL else "?"
    # This schema alone: with public on the path, alembic would find the suite's tables.
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


def drop_schema(backend: str, schema: str) -> None:
    """Drop what ``child_database`` made on PostgreSQL."""
    if backend != "postgres":
        return
    engine = _pg_engine()
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


GUNICORN = Path(sys.executable).with_name("gunicorn")


def start_gunicorn(
    options: list[str], env: dict[str, str], log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with ``options`` on a socket bound here to a free port: (process, port)."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listener.getsockname()[1]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), *options, "--bind", f"fd://{listener.fileno()}"]
            + ["--timeout", "60", "tracker:create_app()"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
            start_new_session=True,
        )
    listener.close()
    return proc, port


def wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path, host: str = "") -> None:
    """Wait until gunicorn serves a static file (failing with its log if it died)."""
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/static/css/app.css", headers={"Host": host} if host else {})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
        time.sleep(0.2)


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (its own process group): TERM, then KILL."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
