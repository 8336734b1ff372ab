"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from tracker.extensions import db


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def _url() -> URL:
    return make_url(str(db.engine.url.render_as_string(hide_password=False)))


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_args(url: URL) -> list[str]:
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args + ["--dbname", str(url.database)]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return path


def backup(target: Path) -> None:
    """Write a consistent copy of the live database to ``target``."""
    url = _url()
    target = Path(target)
    if url.get_backend_name() == "sqlite":
        # The online backup API copies a consistent snapshot while others keep writing.
        db.session.remove()
        raw = db.engine.raw_connection()
        try:
            dest = sqlite3.connect(target)
            try:
                raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            finally:
                dest.close()
        finally:
            raw.close()
        return
    if url.get_backend_name() == "postgresql":
        cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
        run(cmd + _pg_args(url), _pg_env(url))
        return
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(source: Path) -> None:
    """Replace the live database's contents with a backup made by ``backup``."""
    url = _url()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a sound SQLite database")
            db.session.remove()
            db.engine.dispose()
            raw = db.engine.raw_connection()
            try:
                src.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
        finally:
            src.close()
        db.engine.dispose()
        return
    if url.get_backend_name() == "postgresql":
        db.session.remove()
        db.engine.dispose()
        cmd = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
        ]
        run(cmd + _pg_args(url) + [str(source)], _pg_env(url))
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


def run(cmd: list[str], env: dict[str, str]) -> None:
    """Run a client tool, turning a failure into a BackupError with its message."""
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{cmd[0]} failed ({result.returncode})")
