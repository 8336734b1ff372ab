"""Peak RSS growth while one process streams a feed (any URL; bench/run.py uses feeds.rss_child).

Usage: TRACKER_INSTANCE_PATH=... TRACKER_DATABASE_URL=... python bench/stream_rss.py URL [gzip]

A small feed is fetched first so that every module of the feed path is loaded and the
baseline is the process as a server worker would hold it; then URL is streamed through
the test client chunk by chunk and the growth of the peak resident set
(``ru_maxrss``) is printed as JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker import create_app  # noqa: E402


def _peak_kib() -> int:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    """Stream the URL given on the command line and print the peak RSS growth."""
    url = sys.argv[1]
    headers = {"Accept-Encoding": "gzip"} if "gzip" in sys.argv[2:] else {}
    app = create_app()
    client = app.test_client()
    warm = client.get("/calendar/all.ics", headers=headers)
    warm.get_data()
    baseline = _peak_kib()
    started = time.perf_counter()
    response = client.get(url, headers=headers, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "status": response.status_code,
                "baseline_mib": baseline / 1024,
                "peak_mib": _peak_kib() / 1024,
                "growth_mib": (_peak_kib() - baseline) / 1024,
                "bytes": size,
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
