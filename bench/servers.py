"""gunicorn on a loopback port and wrk runs against it: 304 throughput and the load run."""

from __future__ import annotations

import argparse
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from results import Row, log, ms
from urls import ARCHIVE_PATH, CONDITIONAL_PATH, STATIC_PATH

ROOT = Path(__file__).resolve().parents[1]
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
WRK_CONNECTIONS = 8
WRK_THREADS = 2
WRK_TIMEOUT = "10s"
WRK_ROUNDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_servers: list[subprocess.Popen[bytes]] = []


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (its own process group): TERM, then KILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
    if proc in _servers:
        _servers.remove(proc)


def _stop_all() -> None:
    for proc in list(_servers):
        _stop(proc)


atexit.register(_stop_all)


def _wait_until_up(proc: subprocess.Popen[bytes], base: str, instance: Path) -> None:
    """Poll the static file until gunicorn answers, for at most 60 s."""
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {instance / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(base + STATIC_PATH, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer within 60 s")
        time.sleep(0.5)


@contextmanager
def gunicorn(env: dict[str, str], instance: Path, workers: int = 4) -> Iterator[str]:
    """A gunicorn (4 sync workers unless told) on a free loopback port; yields its base URL."""
    port = free_port()
    logfile = (instance / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "tracker:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _servers.append(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(proc, base, instance)
        yield base
    finally:
        _stop(proc)
        logfile.close()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@dataclass
class WrkResult:
    """wrk's summary: throughput, errors and latency percentiles."""

    requests: int
    seconds: float
    errors: int
    error_kinds: dict[str, int]
    p50: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    wrk: str,
    url: str,
    seconds: int,
    headers: dict[str, str] | None = None,
    paths_file: Path | None = None,
) -> WrkResult:
    """One bounded wrk run against a loopback URL."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load is only ever sent to the loopback address")
    args = [
        wrk,
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        WRK_TIMEOUT,
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    if paths_file is not None:
        args += ["--", str(paths_file)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    kinds = {k: int(data[k]) for k in ("connect", "read", "write", "status", "timeout")}
    return WrkResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        errors=sum(kinds.values()),
        error_kinds={k: v for k, v in kinds.items() if v},
        p50=data["p50"] / 1e6,
        p99=data["p99"] / 1e6,
    )


def _conditional_row(wrk: str, base: str, seconds: int) -> tuple[Row, WrkResult]:
    """304s to If-None-Match on the calendar against the static file: (row, static run)."""
    status, headers = fetch(base + CONDITIONAL_PATH)
    etag = headers.get("ETag", "")
    check, _h = fetch(base + CONDITIONAL_PATH, {"If-None-Match": etag})
    if status != 200 or check != 304:
        raise RuntimeError(f"{CONDITIONAL_PATH}: {status}, conditional answer {check}")
    # Alternating rounds, best of each: other work on the machine comes and goes,
    # and a swing during one long run would skew the ratio.
    statics, answers = [], []
    for _ in range(WRK_ROUNDS):
        statics.append(run_wrk(wrk, base + STATIC_PATH, seconds))
        answers.append(run_wrk(wrk, base + CONDITIONAL_PATH, seconds, {"If-None-Match": etag}))
    static = max(statics, key=lambda r: r.rate)
    answer = max(answers, key=lambda r: r.rate)
    answer.errors = sum(r.errors for r in answers)
    log(f"  304 {answer.rate:,.0f} req/s, static {static.rate:,.0f} req/s")
    ratio = answer.rate / static.rate if static.rate else 0.0
    row = Row(
        f"304 to If-None-Match on `{CONDITIONAL_PATH}` (p99 {ms(answer.p99)}, "
        f"{answer.errors} errors)",
        f"{answer.rate:,.0f} req/s",
        f"static file {static.rate:,.0f} req/s",
        ratio,
        "≥ 0.8x static",
        ratio >= 0.8 and answer.errors == 0,
    )
    return row, static


def _archive_row(wrk: str, base: str, seconds: int, static: WrkResult) -> Row:
    """The archive's conditional answer: how a subscriber of the full feed revalidates."""
    _status, headers = fetch(base + ARCHIVE_PATH)
    etag = headers.get("ETag", "")
    archive = run_wrk(wrk, base + ARCHIVE_PATH, min(seconds, 10), {"If-None-Match": etag})
    return Row(
        f"304 to If-None-Match on `{ARCHIVE_PATH}` (p99 {ms(archive.p99)}, "
        f"{archive.errors} errors; for information)",
        f"{archive.rate:,.1f} req/s",
        f"static file {static.rate:,.0f} req/s",
        archive.rate / static.rate if static.rate else None,
    )


def _try_each(base: str, paths: list[str]) -> tuple[list[str], str]:
    """Each URL once before the load: warms every worker's path and names any failure.

    Returns the failures and the context line naming the five slowest URLs.
    """
    bad = []
    timed: list[tuple[float, str]] = []
    for path in paths:
        fetch(base + path)
        started = time.perf_counter()
        code, _h = fetch(base + path)
        timed.append((time.perf_counter() - started, path))
        if not 200 <= code < 400:
            bad.append(f"{path} → {code}")
    slowest = ", ".join(f"`{p}` {ms(t)}" for t, p in sorted(timed, reverse=True)[:5])
    return bad, f"slowest URLs of the mix (one request each, before the load): {slowest}"


def _load_row(
    wrk: str, base: str, instance: Path, paths: list[str], seconds: int, static: WrkResult
) -> tuple[Row, str]:
    """The mixed-URL load run, each URL tried once first: (row, slowest-URLs context line)."""
    bad, slowest = _try_each(base, paths)
    paths_file = instance / "urls.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    count = len(paths)
    log(f"  load run: {count} URLs for {seconds} s")
    load = run_wrk(wrk, base + "/", seconds, paths_file=paths_file)
    kinds = ", ".join(f"{k} {v}" for k, v in load.error_kinds.items()) or "none"
    log(f"  load: {load.rate:,.1f} req/s, p99 {ms(load.p99)}, errors {kinds}")
    row = Row(
        f"load run: {count} mixed URLs round-robin, {load.seconds:.0f} s, "
        f"{WRK_CONNECTIONS} connections (p50 {ms(load.p50)}, p99 {ms(load.p99)}, "
        f"{load.requests:,} requests, {load.rate:,.1f} req/s)",
        f"{load.errors} errors ({kinds})",
        f"static file {static.rate:,.0f} req/s",
        load.rate / static.rate if static.rate else None,
        "0 errors",
        load.errors == 0 and not bad,
        note="; ".join(bad),
    )
    return row, slowest


def server_rows(
    wrk: str | None,
    env: dict[str, str],
    instance: Path,
    paths: list[str],
    args: argparse.Namespace,
    context: list[str],
) -> list[Row]:
    """304 against a static file, and the mixed load run, through one gunicorn."""
    if wrk is None:
        reason = "wrk not installed (Debian: apt-get install wrk)"
        return [
            Row("304 throughput", "skipped", note=reason),
            Row("load run", "skipped", note=reason),
        ]
    with gunicorn(env, instance) as base:
        conditional, static = _conditional_row(wrk, base, max(1, args.wrk_seconds // WRK_ROUNDS))
        archive = _archive_row(wrk, base, args.wrk_seconds, static)
        load, slowest = _load_row(wrk, base, instance, paths, args.load_seconds, static)
    context.append(slowest)
    return [conditional, archive, load]
