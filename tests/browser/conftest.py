"""Real-browser fixtures: the app on a loopback port, Debian's Chromium driven by Playwright.

The app runs in a thread of the test process (werkzeug's ``make_server`` on an
ephemeral port) on a temporary SQLite file built the way an installation is:
migrations, reference data, ``seed-demo`` and one staff account. Chromium is the
distribution's (``/usr/bin/chromium``); Playwright never downloads a browser here.
Without it the tests skip with the reason, unless ``TRACKER_TEST_REQUIRE_BROWSER=1``
(set by CI), which turns the skip into an error.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import EDITOR_EMAIL, EDITOR_PASSWORD, HERE, LiveServer, watch_errors

CHROMIUM = Path(os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium"))
BROWSER_REQUIRED = os.environ.get("TRACKER_TEST_REQUIRE_BROWSER") == "1"

# Chromium in a container: no sandbox (root, no user namespaces), no GPU, and none of
# the background traffic (updates, sync, field trials) a fresh profile would start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _browser_missing() -> str | None:
    """Return why the browser tests cannot run, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests; skip them when Chromium is absent and not required."""
    ours = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    reason = _browser_missing()
    if reason is None:
        return
    if BROWSER_REQUIRED:
        raise pytest.UsageError(f"Browser tests are required but cannot run: {reason}")
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}")
    for item in ours:
        item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker so ``-m browser`` / ``-m 'not browser'`` work."""
    config.addinivalue_line("markers", "browser: drives Chromium against a live app")


def _build_database(app: Any) -> None:
    """Do what ``flask db upgrade``, ``init``, ``seed-demo`` and ``create-user`` do."""
    from flask_migrate import upgrade

    from tracker.auth.operations import create_user
    from tracker.cli import _load_reference
    from tracker.extensions import db
    from tracker.meetings.demo import load_demo

    with app.app_context():
        upgrade()
        _load_reference()
        load_demo()
        create_user(EDITOR_EMAIL, "Rina Editor", EDITOR_PASSWORD, "editor")
        db.session.commit()
        db.session.remove()


def _start_server(folder: Path) -> Iterator[LiveServer]:
    """Build a database in ``folder`` and serve the app until the generator is closed."""
    from werkzeug.serving import make_server

    from tracker import create_app

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret-not-for-production",
            "DATABASE_URL": "sqlite:///" + str(folder / "tracker.sqlite"),
            "INSTANCE_PATH": str(folder),
            # Served as in production, which needs a base URL: the real one is known
            # once the port is bound, just below.
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            # CSRF stays on: the browser submits the real forms with their tokens.
        }
    )
    _build_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from tracker.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the demo data, shared by the tests that only read."""
    yield from _start_server(tmp_path_factory.mktemp("live"))


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own for a test that writes (so others see the demo data as shipped)."""
    yield from _start_server(tmp_path / "live")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; Playwright gives it a temporary profile it deletes on close."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Callable[..., Any]]:
    """New browser contexts (fresh cookies), closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900, **kwargs: Any) -> Any:
        # An Indonesian reader's browser: date and time inputs show 24-hour, day-first.
        kwargs.setdefault("locale", "id-ID")
        kwargs.setdefault("timezone_id", "Asia/Makassar")
        context = browser.new_context(viewport={"width": width, "height": height}, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(context_factory: Callable[..., Any]) -> Iterator[Any]:
    """A desktop-width page; any uncaught script error fails the test."""
    new_page = context_factory().new_page()
    errors = watch_errors(new_page)
    yield new_page
    assert not errors, f"script errors on the page: {errors}"
