"""What the figures were measured on: machine, software versions, commit and load."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes in the work tree)" if dirty else "")


def load_average() -> str:
    """The machine's load average: other work on it skews every figure."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _wrk_version(wrk: str | None) -> str:
    if wrk is None:
        return "not installed"
    found = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=30)
    text = (found.stdout + found.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine(pg_version: str, wrk: str | None) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", _commit()),
        ("CPU", f"{_cpu_model()}, nproc {os.cpu_count()}"),
        ("memory", _memory_gib()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", pg_version),
        ("wrk", _wrk_version(wrk)),
        ("load average at start (1, 5, 15 min)", load_average()),
    ]
