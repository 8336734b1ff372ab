"""Helpers shared by the browser tests: the live server handle, logging in, screenshots."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

EDITOR_EMAIL = "editor@kaltim.example"
EDITOR_PASSWORD = "kata-sandi-rahasia-123"


@dataclass
class LiveServer:
    """A running app: its base URL and the Flask app (for direct database checks)."""

    url: str
    app: Any

    def __call__(self, path: str = "/") -> str:
        """Absolute URL for a path on this server."""
        return self.url + path


def watch_errors(page: Any) -> list[str]:
    """Collect uncaught script exceptions and failed sub-resources (CSS, scripts, images).

    Pages answered with 4xx on purpose (a rejected form is 422) are not errors, and
    neither is the browser's own guess at /favicon.ico; Chromium's console line for
    those carries no URL, so failures are taken from the responses instead.
    """
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))

    def on_response(response: Any) -> None:
        request = response.request
        if response.status < 400 or request.resource_type == "document":
            return
        if request.url.endswith("/favicon.ico"):
            return
        errors.append(f"{response.status} for {request.resource_type} {request.url}")

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console error: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    return errors


def log_in(page: Any, server: LiveServer, next_path: str = "") -> None:
    """Log the editor in through the login form."""
    page.goto(server("/login" + (f"?next={next_path}" if next_path else "")))
    page.get_by_label("Alamat surel").fill(EDITOR_EMAIL)
    page.get_by_label("Kata sandi").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()
    # Counted, not seen: on a phone the button sits in the closed header menu (issue 16).
    assert page.get_by_role("button", name="Keluar", include_hidden=True).count() == 1


def screenshot(page: Any, name: str, full_page: bool = True, docs: bool = False) -> Path:
    """Save a screenshot to artifacts/screenshots/.

    With ``docs=True`` and ``UPDATE_SCREENSHOTS=1`` it also replaces the copy in
    docs/screenshots/ that the README shows.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page, animations="disabled")
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS_SCREENSHOTS / target.name)
    return target
