"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from tracker import safefiles
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
    try:
        handle = safefiles.open_file(source)
    except safefiles.Refused as refused:
        raise BackupError(f"{source}: {refused}") from None
    with handle:
        if url.get_backend_name() == "sqlite":
            _restore_sqlite(handle, url, source)
        elif url.get_backend_name() == "postgresql":
            _restore_postgres(handle, url)
        else:
            raise BackupError(f"no restore method for {url.get_backend_name()}")
    _draw_new_epoch()


def _draw_new_epoch() -> None:
    """Give the restored change counter a new epoch.

    The backup's counter would count again through numbers that running processes keep
    pages, answers and ETags under; a new epoch makes all of those unlike any after it.
    """
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE calendar_state SET epoch = :epoch"), {"epoch": secrets.token_hex(16)}
        )


def _restore_postgres(handle: BinaryIO, url: URL) -> None:
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
    # pg_restore reads the checked descriptor as its stdin, never the name again.
    run(cmd + _pg_args(url), _pg_env(url), stdin=handle)


def _restore_sqlite(handle: BinaryIO, url: URL, source: Path) -> None:
    # SQLite opens files only by name, so the checked descriptor is copied to a private
    # file first, next to the live database (where there is room for one).
    live = url.database if url.database and url.database != ":memory:" else None
    with tempfile.TemporaryDirectory(dir=Path(live).parent if live else None) as folder:
        copy = Path(folder) / "restore.sqlite"
        with copy.open("wb") as out:
            shutil.copyfileobj(handle, out)
        src = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
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


def run(cmd: list[str], env: dict[str, str], stdin: BinaryIO | None = None) -> None:
    """Run a client tool, turning a failure into a BackupError with its message."""
    result = subprocess.run(cmd, env=env, stdin=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{cmd[0]} failed ({result.returncode})")
