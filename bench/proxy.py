"""Issue 18's URLs on 2 gunicorn workers, and the public feed through nginx's cache.

The 2-worker run is the configuration the Indico comparison used (gunicorn, 2 sync
workers): each URL's median latency and req/s, one wrk run after another on the same
server. The nginx run renders docs/nginx.conf for a loopback port and this run's cache
folder, then asks for the same feed through nginx and from gunicorn directly, in
alternating rounds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from databases import PUBLIC_BASE_URL
from results import Row, log, ms
from servers import ROOT, WrkResult, fetch, free_port, gunicorn, run_wrk
from urls import ARCHIVE_PATH, CONDITIONAL_PATH, SEARCH_TERMS

NGINX_SITE = ROOT / "docs" / "nginx.conf"
# nginx passes the Host it was asked for; the app answers its public host.
HOST = {"Host": urlsplit(PUBLIC_BASE_URL).netloc}
ROUNDS = 2


def table_paths(meeting_id: int) -> list[tuple[str, str, bool]]:
    """(label, path, revalidate) of the URLs in issue 18's table."""
    query = SEARCH_TERMS.replace(" ", "+")
    return [
        ("whole feed, warm (from the cache)", ARCHIVE_PATH, False),
        ("feed revalidation (304 to If-None-Match)", ARCHIVE_PATH, True),
        ("meeting page HTML", f"/meetings/{meeting_id}", False),
        ("meeting list", "/meetings/", False),
        (f"search API '{SEARCH_TERMS}'", f"/api/v1/meetings?q={query}", False),
        ("single-meeting .ics", f"/calendar/meetings/{meeting_id}.ics", False),
    ]


def _wrk_for(wrk: str, base: str, path: str, revalidate: bool, seconds: int) -> WrkResult:
    fetch(base + path)  # warm: the feed is built and cached before it is timed
    headers = {}
    if revalidate:
        headers["If-None-Match"] = fetch(base + path)[1].get("ETag", "")
    return run_wrk(wrk, base + path, seconds, headers)


def two_worker_rows(
    wrk: str | None, env: dict[str, str], instance: Path, meeting_id: int, seconds: int
) -> list[Row]:
    """Median latency and req/s of each URL of the table on 2 sync workers."""
    if wrk is None:
        return [Row("2-worker table", "skipped", note="wrk not installed")]
    rows = []
    with gunicorn(env, instance, workers=2) as base:
        for label, path, revalidate in table_paths(meeting_id):
            found = _wrk_for(wrk, base, path, revalidate, seconds)
            log(f"  2 workers {path}: {found.rate:,.1f} req/s, p50 {ms(found.p50)}")
            rows.append(
                Row(
                    f"2 workers: {label} `{path}` (median {ms(found.p50)}, p99 "
                    f"{ms(found.p99)}, {found.errors} errors; for the Indico comparison)",
                    f"{found.rate:,.1f} req/s",
                )
            )
    return rows


def _site(upstream: str, port: int, cache: Path) -> str:
    """docs/nginx.conf for a loopback listener, this upstream and a private cache folder."""
    site = NGINX_SITE.read_text(encoding="utf-8")
    for old, new in (
        ("/var/cache/nginx/rakor", str(cache)),
        ("server 127.0.0.1:5000;", f"server {upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
    ):
        if old not in site:
            raise RuntimeError(f"docs/nginx.conf no longer has {old!r}")
        site = site.replace(old, new)
    return site


@contextmanager
def nginx(upstream: str) -> Iterator[str]:
    """nginx with docs/nginx.conf in front of ``upstream`` (host:port); yields its base URL.

    Its folder is a world-readable temporary one: nginx's workers run as an unprivileged
    user when started as root, and must reach the cache and temporary folders.
    """
    with tempfile.TemporaryDirectory(prefix="tracker-nginx-") as tmp:
        os.chmod(tmp, 0o755)
        with _nginx_in(upstream, Path(tmp)) as base:
            yield base


@contextmanager
def _nginx_in(upstream: str, folder: Path) -> Iterator[str]:
    port = free_port()
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (folder / "site.conf").write_text(_site(upstream, port, folder / "cache"), encoding="utf-8")
    main = [
        "worker_processes 1;",
        f"pid {folder / 'nginx.pid'};",
        f"error_log {folder / 'error.log'};",
        "events { worker_connections 512; }",
        "http {",
        f"  access_log {folder / 'access.log'};",
        *(f"  {name}_temp_path {path};" for name, path in temp.items()),
        f"  include {folder / 'site.conf'};",
        "}",
    ]
    config = folder / "nginx.conf"
    config.write_text("\n".join(main).replace("body_temp", "client_body_temp") + "\n")
    subprocess.run(["nginx", "-t", "-q", "-c", str(config)], check=True, capture_output=True)
    proc = subprocess.Popen(["nginx", "-c", str(config), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/static/css/app.css")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def proxy_rows(wrk: str | None, env: dict[str, str], instance: Path, seconds: int) -> list[Row]:
    """The window feed through nginx's cache against gunicorn directly (best of each)."""
    if wrk is None or shutil.which("nginx") is None:
        return [Row("feed through nginx", "skipped", note="wrk or nginx not installed")]
    with gunicorn(env, instance, workers=2) as base:
        with nginx(base.removeprefix("http://")) as front:
            fetch(front + CONDITIONAL_PATH, HOST)
            status = fetch(front + CONDITIONAL_PATH, HOST)[1].get("X-Cache-Status", "")
            direct, cached = [], []
            for _ in range(ROUNDS):
                direct.append(run_wrk(wrk, base + CONDITIONAL_PATH, seconds))
                cached.append(run_wrk(wrk, front + CONDITIONAL_PATH, seconds, HOST))
    best_direct = max(direct, key=lambda r: r.rate)
    best_cached = max(cached, key=lambda r: r.rate)
    log(f"  nginx {best_cached.rate:,.0f} req/s, gunicorn {best_direct.rate:,.0f} req/s")
    return [
        Row(
            f"`{CONDITIONAL_PATH}` through nginx with docs/nginx.conf (second request: "
            f"X-Cache-Status {status or 'missing'}; p99 {ms(best_cached.p99)}, "
            f"{best_cached.errors} errors)",
            f"{best_cached.rate:,.0f} req/s",
            f"gunicorn directly, 2 workers: {best_direct.rate:,.0f} req/s",
            best_cached.rate / best_direct.rate if best_direct.rate else None,
            "served from the cache (HIT)",
            status == "HIT" and best_cached.errors == 0,
        )
    ]
