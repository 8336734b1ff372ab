"""Open files a user named, refusing anything but regular files.

Every path the app reads on someone's behalf goes through here (``import-press``,
``extract``, ``load-regions``, ``import-ics``, ``restore``). The rules:

- the path the operator typed is taken as typed: links in it are followed, since
  operators point commands at symlinked folders and files on purpose;
- inside a folder, an entry is opened relative to the folder's descriptor with
  ``O_NOFOLLOW``, so a symbolic link (to a file or a folder, outside the folder or in
  it) is refused rather than followed, and a name with ``/`` or ``..`` is refused;
- inside a folder, a file with more than one name (``st_nlink > 1``: a hard link) is
  refused too: its other name may be outside the folder (the app's
  ``instance/config.py``, say) and nothing in the entry says where; the path the
  operator typed may have other names, as it may be a symlink;
- every open is ``O_NONBLOCK`` (a FIFO cannot hang it) and is checked with ``fstat``
  on the opened descriptor, which is what is then read: there is no window between
  the check and the read in which the path could be swapped;
- reads stop one byte past a limit, so ``/dev/zero``-like sizes cannot fill memory.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click

from tracker.i18n import gettext as _

FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class Refused(ValueError):
    """A path that is not a regular file the app may read; the message says why."""


def _kind(mode: int) -> str | None:
    """Why a file of this mode is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return _("tautan simbolik; hanya berkas biasa di dalam folder yang dibaca")
    if stat.S_ISDIR(mode):
        return _("folder; sub-folder tidak dibaca")
    if stat.S_ISFIFO(mode):
        return _("pipa bernama (FIFO), bukan berkas biasa")
    if stat.S_ISSOCK(mode):
        return _("soket, bukan berkas biasa")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("perangkat (device), bukan berkas biasa")
    return _("bukan berkas biasa")


def _os_reason(error: OSError) -> str:
    """The reason an open failed, in the user's language where we know it."""
    if error.errno == errno.ELOOP:
        return _("tautan simbolik; hanya berkas biasa di dalam folder yang dibaca")
    if error.errno == errno.ENXIO:  # what opening a socket answers
        return _("soket, bukan berkas biasa")
    if error.errno == errno.ENOENT:
        return _("berkas tidak ada")
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("tidak ada izin membaca berkas")
    return _("berkas tidak dapat dibuka (%(error)s)", error=error.strerror or str(error))


def _refuse_mode(mode: int) -> None:
    reason = _kind(mode)
    if reason is not None:
        raise Refused(reason)


def _refuse_opened(status: os.stat_result, in_folder: bool) -> None:
    """Refuse an opened file that is not regular or, in a folder, has another name."""
    _refuse_mode(status.st_mode)
    if in_folder and status.st_nlink > 1:
        raise Refused(
            _(
                "tautan keras (hard link): berkas ini punya nama lain, mungkin di luar "
                "folder; salin berkasnya bila ingin dibaca"
            )
        )


def _open(name: str | Path, folder: int | None) -> BinaryIO:
    """Open a regular file and return it; raises Refused for anything else."""
    follow = folder is None
    try:
        # A cheap look first, so devices are refused without being opened at all ...
        _refuse_mode(os.stat(name, dir_fd=folder, follow_symlinks=follow).st_mode)
        fd = os.open(name, FLAGS if follow else FLAGS | os.O_NOFOLLOW, dir_fd=folder)
    except OSError as error:
        raise Refused(_os_reason(error)) from None
    try:
        # ... and the check that counts, on what was actually opened.
        _refuse_opened(os.fstat(fd), in_folder=not follow)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def open_file(path: str | Path) -> BinaryIO:
    """Open a file the operator named (links in the path followed); regular files only."""
    return _open(path, None)


def read(handle: BinaryIO, limit: int) -> bytes:
    """All of an open file, refused when it is longer than ``limit`` bytes."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(_too_big(limit))
    return data


def read_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a file the operator named, at most ``limit``."""
    with open_file(path) as handle:
        return read(handle, limit)


def read_argument(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file named on the command line; a refusal stops the command."""
    try:
        return read_file(path, limit)
    except Refused as refused:
        raise click.ClickException(f"{path}: {refused}") from None


def read_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Each line of an open file; None for a line over ``limit`` bytes (skipped whole)."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or (len(line) == limit + 1 and line.endswith(b"\n")):
            yield line
            continue
        while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
            pass
        yield None


def megabytes(size: int) -> str:
    """A size limit for a message, in MB to one decimal ("1", "5.2")."""
    return f"{round(size / 1e6, 1):g}"


def _too_big(limit: int) -> str:
    return _("berkas terlalu besar (paling besar %(size)s MB)", size=megabytes(limit))


class Folder:
    """A folder opened once; its entries are opened relative to it, never through links."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def names(self) -> list[str]:
        """The entries' names, sorted."""
        return sorted(os.listdir(self.fd))

    def open(self, name: str) -> BinaryIO:
        """Open the entry ``name``: a regular file directly in this folder, or Refused."""
        if name in ("", ".", "..") or os.sep in name or (os.altsep and os.altsep in name):
            raise Refused(_("nama menunjuk ke luar folder"))
        return _open(name, self.fd)


@contextmanager
def open_folder(path: str | Path) -> Iterator[Folder]:
    """Open a folder the operator named (links in the path followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except NotADirectoryError:
        raise Refused(_("bukan folder")) from None
    except OSError as error:
        raise Refused(_os_reason(error)) from None
    try:
        yield Folder(fd)
    finally:
        os.close(fd)
