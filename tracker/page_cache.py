"""Public pages' HTML and API answers kept in the process until the next write they show.

A meeting page costs a dozen ORM loads and a full template render; the same bytes go
to every anonymous reader until somebody changes what the page shows. The page is kept
under a reading of the change counters (``tracker/calendar/state.py``): ``generation``
moves with any write to the tables feeds show, ``page_generation`` with a write to the
other tables a meeting page shows, so a kept page is never served after a change it
shows, whichever server wrote. Reading the counters is one tiny statement.

Only anonymous readers without a pending flash message get kept pages: a signed-in
page carries the staff menu and a CSRF token. The key holds the language and the whole
path with its query, which the language links on the page are built from. The public
API's JSON answers are kept the same way (``kept_json``): they too are the same for every
anonymous reader of one URL, language and host. The cache is
bounded by bytes (``PAGE_CACHE_BYTES`` per process); least recently used pages go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime
from threading import Lock
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.calendar import state
from tracker.extensions import db
from tracker.i18n import current_language

_pages: OrderedDict[Hashable, tuple[tuple[str, int, int], str]] = OrderedDict()
_size = 0
_lock = Lock()
_WIB = ZoneInfo("Asia/Jakarta")
_WIT = ZoneInfo("Asia/Jayapura")


def _cacheable() -> bool:
    """Whether this request's page is the same for every anonymous reader."""
    if request.method != "GET" or current_user.is_authenticated:
        return False
    return "_flashes" not in session and current_app.config["PAGE_CACHE_BYTES"] > 0


def _version() -> tuple[str, int, int]:
    reading = state.read()
    return (reading.epoch, reading.generation, reading.page_generation)


def _days() -> tuple[date, date]:
    """Today at both ends of Indonesia: what counts as formed or upcoming moves at midnight."""
    now = datetime.now(UTC)
    return (now.astimezone(_WIB).date(), now.astimezone(_WIT).date())


def _slot(key: Hashable) -> Hashable:
    # The root URL too: without PUBLIC_BASE_URL, absolute links name the host asked for.
    return (
        str(db.engine.url),
        key,
        current_language(),
        request.root_url,
        request.full_path,
        _days(),
    )


def _hit(slot: Hashable, version: tuple[str, int, int]) -> str | None:
    with _lock:
        entry = _pages.get(slot)
        if entry is not None and entry[0] == version:
            _pages.move_to_end(slot)
            return entry[1]
    return None


def kept_page(key: Hashable, render: Callable[[], str]) -> str:
    """``render()``'s HTML for this page, reused for anonymous readers until a write."""
    if not _cacheable():
        return render()
    version, slot = _version(), _slot(key)
    html = _hit(slot, version)
    if html is None:
        html = render()
        _keep(slot, version, html, current_app.config["PAGE_CACHE_BYTES"])
    return html


def kept_json(key: Hashable, answer: Callable[[], Response]) -> Response:
    """An API view's JSON answer, kept like a page; any other answer passes through.

    Only a whole 200 JSON body is kept: errors, CSV and streamed answers are made anew.
    """
    if not _cacheable():
        return answer()
    version, slot = _version(), _slot(key)
    body = _hit(slot, version)
    if body is not None:
        return current_app.response_class(body, mimetype="application/json")
    response = answer()
    if (
        response.status_code == 200
        and response.mimetype == "application/json"
        and not response.is_streamed
    ):
        body = response.get_data(as_text=True)
        _keep(slot, version, body, current_app.config["PAGE_CACHE_BYTES"])
    return response


def _keep(slot: Hashable, version: tuple[str, int, int], html: str, budget: int) -> None:
    global _size
    with _lock:
        old = _pages.pop(slot, None)
        if old is not None:
            _size -= len(old[1])
        if len(html) > budget:
            return
        _pages[slot] = (version, html)
        _size += len(html)
        while _size > budget:
            _oldest, (_kept_under, dropped) = _pages.popitem(last=False)
            _size -= len(dropped)


def kept_bytes() -> int:
    """How many bytes of pages and answers this process keeps."""
    return _size


def forget() -> None:
    """Drop every kept page (tests, or after changing a database behind the app's back)."""
    global _size
    with _lock:
        _pages.clear()
        _size = 0
