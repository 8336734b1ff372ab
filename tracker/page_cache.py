"""Public pages' HTML kept in the process until the next committed write they show.

A meeting page costs a dozen ORM loads and a full template render; the same bytes go
to every anonymous reader until somebody changes what the page shows. The page is kept
under a reading of the change counters (``tracker/calendar/state.py``): ``generation``
moves with any write to the tables feeds show, ``page_generation`` with a write to the
other tables a meeting page shows, so a kept page is never served after a change it
shows, whichever server wrote. Reading the counters is one tiny statement.

Only anonymous readers without a pending flash message get kept pages: a signed-in
page carries the staff menu and a CSRF token. The key holds the language and the whole
path with its query, which the language links on the page are built from. The cache is
bounded by bytes (``PAGE_CACHE_BYTES`` per process); least recently used pages go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from flask import current_app, request, session
from flask_login import current_user

from tracker.calendar import state
from tracker.extensions import db
from tracker.i18n import current_language

_pages: OrderedDict[Hashable, tuple[tuple[str, int, int], str]] = OrderedDict()
_size = 0
_lock = Lock()


def _cacheable() -> bool:
    """Whether this request's page is the same for every anonymous reader."""
    if request.method != "GET" or current_user.is_authenticated:
        return False
    return "_flashes" not in session and current_app.config["PAGE_CACHE_BYTES"] > 0


def kept_page(key: Hashable, render: Callable[[], str]) -> str:
    """``render()``'s HTML for this page, reused for anonymous readers until a write."""
    if not _cacheable():
        return render()
    reading = state.read()
    version = (reading.epoch, reading.generation, reading.page_generation)
    # The host too: without PUBLIC_BASE_URL, absolute links name the host asked for.
    slot = (str(db.engine.url), key, current_language(), request.host_url, request.full_path)
    with _lock:
        entry = _pages.get(slot)
        if entry is not None and entry[0] == version:
            _pages.move_to_end(slot)
            return entry[1]
    html = render()
    _keep(slot, version, html, current_app.config["PAGE_CACHE_BYTES"])
    return html


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
            _slot, (_version, dropped) = _pages.popitem(last=False)
            _size -= len(dropped)


def forget() -> None:
    """Drop every kept page (tests, or after changing a database behind the app's back)."""
    global _size
    with _lock:
        _pages.clear()
        _size = 0
