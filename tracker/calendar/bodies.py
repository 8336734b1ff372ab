"""Assembled feed bodies, kept as files in the instance folder per feed generation.

A feed's bytes depend only on its cache key (database epoch and generation, day,
settings, scope and address; see ``feeds.feed_key``), so once built they are written to
``<instance>/calendar-feeds/<key>.ics`` (and ``.ics.gz``) and later requests stream the
file. Files are written to a temporary name of their process and thread and renamed into
place, so readers never see half a file and several workers may build the same feed at
once. Files of other keys are removed when the folder grows past
``CALENDAR_FEED_CACHE_MB``, oldest first. Every process on the machine shares them (each
app server of a cluster has its own), so any file may be created, renamed or removed by
another process at any moment: a file that vanished is skipped, never an error.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from flask import current_app

FOLDER = "calendar-feeds"
SUFFIXES = {False: ".ics", True: ".ics.gz"}
ABANDONED = 3600  # seconds after which a temporary file is debris


def folder() -> Path:
    """The cache folder of the running app."""
    return Path(current_app.instance_path) / FOLDER


def path(key: str, gzip: bool) -> Path:
    """Where the body of this key and encoding is kept."""
    return folder() / (key + SUFFIXES[gzip])


def open_body(key: str, gzip: bool) -> tuple[IO[bytes], int] | None:
    """The cached body (open file and size), or None."""
    try:
        handle = path(key, gzip).open("rb")
    except FileNotFoundError:
        return None
    return handle, os.fstat(handle.fileno()).st_size


def size_limit() -> int:
    """The folder's size limit in bytes (CALENDAR_FEED_CACHE_MB)."""
    return int(current_app.config.get("CALENDAR_FEED_CACHE_MB", 512)) * 1024 * 1024


class Writer:
    """Collects a body being streamed out and renames it into place when complete.

    Everything it needs is taken at creation, in the request: the end of a streamed
    body runs after the response started, with no app context.
    """

    def __init__(self, key: str, gzip: bool) -> None:
        self.final = path(key, gzip)
        self.limit = size_limit()
        # Unique per process and thread, so no two builders ever share a temporary file.
        token = f"{os.getpid()}.{threading.get_ident()}.{secrets.token_hex(4)}"
        self.temp = self.final.with_name(f".{self.final.name}.{token}")
        self.handle: IO[bytes] | None = _create(self.temp)

    def write(self, data: bytes) -> None:
        """Append bytes."""
        if self.handle is not None:
            self.handle.write(data)

    def commit(self) -> None:
        """Keep the body under its key (all bytes were written)."""
        if self.handle is None:
            return
        self.handle.close()
        self.handle = None
        try:
            os.replace(self.temp, self.final)
        except FileNotFoundError:
            return  # another process cleared the folder meanwhile: nothing to keep
        prune(self.final.parent, self.limit)

    def abort(self) -> None:
        """Drop a partial body (client gone, error, or data changed meanwhile)."""
        if self.handle is None:
            return
        self.handle.close()
        self.handle = None
        self.temp.unlink(missing_ok=True)


def _create(temp: Path) -> IO[bytes] | None:
    """Open a new temporary file, or None (the body is then sent but not kept)."""
    for _attempt in range(2):
        temp.parent.mkdir(parents=True, exist_ok=True)
        try:
            return temp.open("xb")
        except FileNotFoundError:
            continue  # the folder was removed between mkdir and open
    return None


def tee(chunks: Iterable[bytes], writer: Writer | None) -> Iterator[bytes]:
    """Yield chunks while copying them to the writer (which the caller commits)."""
    for chunk in chunks:
        if writer is not None:
            writer.write(chunk)
        yield chunk


def _entries(where: Path) -> list[os.DirEntry[str]]:
    """The folder's entries; none if the folder itself is gone."""
    try:
        with os.scandir(where) as found:
            return list(found)
    except FileNotFoundError:
        return []


def prune(where: Path, limit: int) -> None:
    """Keep the folder under ``limit`` bytes, removing the least recently written files."""
    entries = []
    total = 0
    now = time.time()
    for entry in _entries(where):
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue  # renamed into place or removed by another process since the listing
        if entry.name.startswith("."):
            # A temporary file an interrupted worker left behind.
            if now - stat.st_mtime > ABANDONED:
                Path(entry.path).unlink(missing_ok=True)
            continue
        entries.append((stat.st_mtime, stat.st_size, entry.path))
        total += stat.st_size
    if total <= limit:
        return
    for _mtime, size, name in sorted(entries):
        Path(name).unlink(missing_ok=True)
        total -= size
        if total <= limit:
            return


def clear() -> None:
    """Remove every cached body."""
    for entry in _entries(folder()):
        Path(entry.path).unlink(missing_ok=True)
