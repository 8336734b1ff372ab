"""Paths a user names: only regular files are read; links, FIFOs, devices, sockets and
sub-folders are refused with the reason, and nothing of theirs is stored.

The folder import runs the real ``import-press`` in a child process with a timeout and a
memory limit (a FIFO would hang the old code, ``/dev/zero`` would fill its memory), on a
file-backed SQLite database and on PostgreSQL. Rules: ``tracker/safefiles.py``.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PG_URL
from sqlalchemy import create_engine, text

from tracker import safefiles
from tracker.extensions import db
from tracker.models import PressRelease

from .child import child_database, child_env, drop_schema, flask_command

SCHEMA = "adversarial_files"
TIMEOUT = 60  # seconds; a run of the fixed code takes a few
MEMORY = 2 * 1024**3  # address space of a child: /dev/zero read whole cannot take the machine
SYMLINK = "tautan simbolik; hanya berkas biasa di dalam folder yang dibaca"
HARD_LINK = (
    "tautan keras (hard link): berkas ini punya nama lain, mungkin di luar folder; "
    "salin berkasnya bila ingin dibaca"
)


def _release(city: str, day: int) -> str:
    return (
        f"Rapat Koordinasi Forkopimda Kota {city} digelar di Balai Kota {city}, "
        f"Senin ({day}/2/2024) pukul 09.00 WITA. Rapat dipimpin Wali Kota {city} dan "
        f"dihadiri Kapolresta {city}, Dandim dan Ketua KPU Kota {city}."
    )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command in a child; a hang fails the test instead of hanging it."""
    try:
        return subprocess.run(
            flask_command(*args),
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} still running after {TIMEOUT} s (killed)")


@pytest.fixture
def unix_socket() -> Iterator[socket.socket]:
    """A listening socket, closed after the test (its file is what the tests place)."""
    server = socket.socket(socket.AF_UNIX)
    yield server
    server.close()


def _hostile(folder: Path, outside: Path, config: Path, server: socket.socket) -> dict[str, str]:
    """Place every kind of non-regular entry in ``folder``; name -> expected reason."""
    (folder / "02-passwd.txt").symlink_to("/etc/passwd")
    (folder / "03-config.txt").symlink_to(config)
    # A link to a file inside the folder is refused too: it would import that file under
    # another name, and "inside" could not be told from "outside" without following it.
    (folder / "catatan.md").write_text(_release("Balikpapan", 6), encoding="utf-8")
    (folder / "04-di-dalam.txt").symlink_to("catatan.md")
    (folder / "05-arsip").symlink_to(outside, target_is_directory=True)
    (folder / "06-lampiran").mkdir()
    (folder / "06-lampiran" / "rilis.txt").write_text(_release("Tarakan", 8), encoding="utf-8")
    os.mkfifo(folder / "07-pipa.txt")
    (folder / "08-nol.txt").symlink_to("/dev/zero")
    server.bind(str(folder / "09-soket.txt"))
    (folder / "10-besar.txt").write_text("Rakor " * 170_000, encoding="utf-8")
    return {
        "02-passwd.txt": SYMLINK,
        "03-config.txt": SYMLINK,
        "04-di-dalam.txt": SYMLINK,
        "05-arsip": SYMLINK,
        "06-lampiran": "folder; sub-folder tidak dibaca",
        "07-pipa.txt": "pipa bernama (FIFO), bukan berkas biasa",
        "08-nol.txt": SYMLINK,
        "09-soket.txt": "soket, bukan berkas biasa",
        "10-besar.txt": "berkas terlalu besar (paling besar 1 MB)",
    }


def _outcomes(output: str) -> dict[str, str]:
    """Report lines by source, as ``{name: "outcome detail"}`` (the summary left out)."""
    found = {}
    for line in output.splitlines()[:-1]:
        outcome, rest = line.split(maxsplit=1)
        name, detail = rest.split(": ", 1)
        found[name] = f"{outcome} {detail}"
    return found


def _stored_text(url: str) -> list[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT title, body FROM press_release")).all()
    engine.dispose()
    return [f"{title}\n{body}" for title, body in rows]


def test_import_press_reads_only_regular_files_in_the_folder(
    backend: str, tmp_path: Path, unix_socket: socket.socket
) -> None:
    if backend == "postgres" and not PG_URL:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    instance = tmp_path / "instance"
    url = child_database(backend, tmp_path, SCHEMA)
    env = child_env(url, instance)
    assert _run(env, "init").returncode == 0
    config = instance / "config.py"
    secret = config.read_text(encoding="utf-8").split("SECRET_KEY = ")[1].strip().strip("'")
    folder, outside = tmp_path / "rilis", tmp_path / "luar"
    folder.mkdir()
    outside.mkdir()
    (outside / "rahasia.txt").write_text(_release("Bontang", 7), encoding="utf-8")
    (folder / "01-rilis.txt").write_text(_release("Samarinda", 5), encoding="utf-8")
    expected = _hostile(folder, outside, config, unix_socket)
    (folder / "99-rilis.html").write_text(
        f"<html><body><p>{_release('Balikpapan', 12)}</p></body></html>", encoding="utf-8"
    )

    result = _run(env, "import-press", str(folder))
    assert result.returncode == 0, result.stderr
    outcomes = _outcomes(result.stdout)
    for name, reason in expected.items():
        assert outcomes.pop(name) == f"rejected {reason}", name
    assert set(outcomes) == {"01-rilis.txt", "99-rilis.html"}  # catatan.md: not a release
    assert not any(line.startswith("rejected") for line in outcomes.values())
    assert result.stdout.splitlines()[-1].startswith("created 2, rejected 9")

    stored = _stored_text(url)
    assert len(stored) == 2
    leaked = ("root:", secret, "SECRET_KEY", "Bontang", "Tarakan", "Kota Balikpapan, Senin (6/")
    assert not [word for word in leaked for text in stored if word in text]
    drop_schema(backend, SCHEMA)


def test_named_files_that_are_not_regular_are_refused(tmp_path: Path) -> None:
    """Every command that reads a path refuses a FIFO and a device at once, with the reason.

    Each is refused before anything is written, so one database (SQLite) shows it.
    """
    env = child_env(f"sqlite:///{tmp_path / 'child.sqlite'}", tmp_path / "instance")
    assert _run(env, "init").returncode == 0
    fifo = tmp_path / "pipa.jsonl"
    os.mkfifo(fifo)
    commands = (
        ("extract",),
        ("load-regions",),
        ("import-ics", "--region", "64"),
        ("restore", "--yes"),
    )
    for path, reason in ((fifo, "pipa bernama (FIFO)"), (Path("/dev/zero"), "perangkat")):
        for command in commands:
            result = _run(env, *command, str(path))
            assert result.returncode == 1, (command, result.stdout)
            assert f"{path}: {reason}" in result.stderr, (command, result.stderr)
        result = _run(env, "import-press", str(path))
        assert f"rejected      {path.name}: {reason}" in result.stdout, result.stderr


def test_symlinked_folder_argument_is_followed_but_not_links_inside(
    runner: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-rilis.txt").write_text(_release("Samarinda", 5), encoding="utf-8")
    (folder / "02-sama.txt").symlink_to("01-rilis.txt")
    (tmp_path / "terbaru").symlink_to(folder, target_is_directory=True)
    result = runner.invoke(args=["import-press", str(tmp_path / "terbaru")])
    assert result.exit_code == 0, result.output
    assert "created       01-rilis.txt" in result.output
    assert f"rejected      02-sama.txt: {SYMLINK}" in result.output
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 1


def test_hard_links_in_the_folder_are_refused(runner: Any, tmp_path: Path) -> None:
    """A hard link passes O_NOFOLLOW and fstat as a regular file; its link count gives it away."""
    config = tmp_path / "instance-config.py"
    config.write_text(f"SECRET_KEY = 'rahasia-kunci'\n# {_release('Bontang', 7)}\n", "utf-8")
    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-rilis.txt").write_text(_release("Samarinda", 5), encoding="utf-8")
    os.link(config, folder / "02-config.txt")
    (folder / "03-asli.txt").write_text(_release("Tarakan", 8), encoding="utf-8")
    os.link(folder / "03-asli.txt", folder / "04-salinan.txt")
    result = runner.invoke(args=["import-press", str(folder)])
    assert result.exit_code == 0, result.output
    outcomes = _outcomes(result.output)
    assert outcomes.pop("01-rilis.txt").startswith("created")
    for name in ("02-config.txt", "03-asli.txt", "04-salinan.txt"):
        assert outcomes.pop(name) == f"rejected {HARD_LINK}", name
    assert not outcomes
    stored = db.session.execute(db.select(PressRelease.title, PressRelease.body)).all()
    assert len(stored) == 1
    assert not [word for word in ("rahasia", "Bontang", "Tarakan") if word in str(stored)]
    # A file the operator names is theirs, however many names it has (as a symlink is).
    named = runner.invoke(args=["extract", str(folder / "04-salinan.txt")])
    assert named.exit_code == 0 and "Tarakan" in named.output, named.output


def test_character_device_in_the_folder_is_refused_unopened(runner: Any, tmp_path: Path) -> None:
    folder = tmp_path / "rilis"
    folder.mkdir()
    (folder / "01-rilis.txt").write_text(_release("Samarinda", 5), encoding="utf-8")
    try:
        os.mknod(folder / "02-null.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError as error:
        pytest.skip(f"cannot make a device file here (needs root): {error}")
    result = runner.invoke(args=["import-press", str(folder)])
    assert result.exit_code == 0, result.output
    assert "rejected      02-null.txt: perangkat (device), bukan berkas biasa" in result.output
    assert "created       01-rilis.txt" in result.output
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 1


def test_jsonl_lines_too_long_or_not_utf8_are_rejected_and_the_rest_kept(
    runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "rilis.jsonl"
    huge = json.dumps({"body": "Rakor " * 1_400_000}).encode()
    assert len(huge) > 8_000_000
    good = json.dumps({"body": _release("Samarinda", 5)}).encode()
    path.write_bytes(huge + b"\n" + good + b"\n" + b'{"body": "\xff"}\n' + good[:-1] + b"X}")
    result = runner.invoke(args=["import-press", str(path)])
    assert result.exit_code == 0, result.output
    assert "rejected      rilis.jsonl:1: baris terlalu panjang (paling panjang 8 MB)" in (
        result.output
    )
    assert "created       rilis.jsonl:2" in result.output
    assert "rejected      rilis.jsonl:3: baris bukan teks UTF-8" in result.output
    assert "rejected      rilis.jsonl:4" in result.output  # cut short: not JSON
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 1


def test_folder_names_cannot_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "rahasia.txt").write_text("rahasia", encoding="utf-8")
    (tmp_path / "rilis").mkdir()
    (tmp_path / "rilis" / "sub").mkdir()
    with safefiles.open_folder(tmp_path / "rilis") as folder:
        for name in ("..", ".", "", "../rahasia.txt", "sub/../../rahasia.txt", "/etc/passwd"):
            with pytest.raises(safefiles.Refused):
                folder.open(name)


def test_reads_stop_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "rilis.txt"
    path.write_bytes(b"x" * 10)
    assert safefiles.read_file(path, 10) == b"x" * 10
    with pytest.raises(safefiles.Refused, match="terlalu besar"):
        safefiles.read_file(path, 9)
    path.write_bytes(b"a" * 5 + b"\n" + b"b" * 6 + b"\n" + b"c" * 6 + b"\n" + b"d" * 7)
    with path.open("rb") as handle:
        lines = list(safefiles.read_lines(handle, 6))
    assert lines == [b"aaaaa\n", b"bbbbbb\n", b"cccccc\n", None]
