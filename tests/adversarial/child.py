"""The real ``flask --app tracker`` command in a child process, on its own database.

For attacks that may hang or kill the process: the test survives what the command does.
"""

from __future__ import annotations

import os
import sys
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
