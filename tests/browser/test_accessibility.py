"""Accessibility in Chromium: axe-core on the main pages, labels, and keyboard-only use."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .browser_support import (
    AXE_JS,
    EDITOR_EMAIL,
    EDITOR_PASSWORD,
    LiveServer,
    log_in,
    screenshot,
    watch_errors,
)

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

# The pages axe checks, and the screenshot each gives (the meeting, agency and subscribe
# pictures come from the journeys, which show them in use).
PAGES = {
    "home": ("/", "home"),
    "meetings-list": ("/meetings/?q=Balikpapan", "meetings-list"),
    "meeting": ("/meetings/1", None),
    "report-error": ("/meetings/1/report", None),
    "meeting-history": ("/meetings/1/history", None),
    "agency": ("/agencies/polda-kaltim", None),
    "subscribe": ("/calendar/?agency=bawaslu-kaltim&region=64", None),
    "release": ("/press/1", None),
    "agencies": ("/agencies/", None),
    "regions": ("/regions/", None),
    "province": ("/regions/64", None),
    "rankings": ("/meetings/rankings?province=64&date_from=2024-01-01&date_to=2024-02-29", None),
    "meetings-in-regency": ("/meetings/?province=64&regency=64.71", None),
    "month": ("/meetings/month", None),
    "alert-subscribe": ("/alerts/subscribe?region=64", None),
    "elections": ("/elections/", None),
    "election": ("/elections/pemilu-2024", None),
    "releases": ("/press/", None),
    "regency": ("/regions/64.71", None),
    "api-guide": ("/api/", None),
    "calendar": ("/calendar/", None),
    "not-found": ("/meetings/999999", None),
    "people": ("/people/", None),
    "person": ("/people/1", None),
    "login": ("/login", "login"),
    "meeting-form": ("/staff/meetings/new", "meeting-form"),
}
STAFF_PAGES = {"meeting-form"}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    """Path of axe.min.js, installed by ``npm ci`` in tests/browser."""
    if not AXE_JS.is_file():
        reason = f"axe-core is not installed ({AXE_JS.name} missing): run npm ci in tests/browser"
        if os.environ.get("TRACKER_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return str(AXE_JS)


@pytest.fixture
def axe_page(context_factory: Any) -> Any:
    """A page that may inject axe: the app's CSP (script-src 'self') rightly forbids it."""
    new_page = context_factory(bypass_csp=True).new_page()
    errors = watch_errors(new_page)
    yield new_page
    assert not errors, f"script errors on the page: {errors}"


def _axe_violations(page: Any, axe_path: str) -> list[dict[str, Any]]:
    """Run axe-core on the page; its violations, each with a few of the nodes it names."""
    page.add_script_tag(path=axe_path)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document);
            return {
                passes: r.passes.length,
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                })),
            };
        }"""
    )
    assert result["passes"] > 10, "axe-core ran no checks"
    return list(result["violations"])


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violations(
    name: str, axe_page: Any, live_server: LiveServer, axe_source: str
):
    """axe-core reports nothing serious or critical on the page."""
    page = axe_page
    path, shot = PAGES[name]
    if name in STAFF_PAGES:
        log_in(page, live_server)
    # An error page would pass axe and prove nothing about the page named.
    expected = 404 if name == "not-found" else 200
    assert page.goto(live_server(path)).status == expected, path
    violations = _axe_violations(page, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    for v in violations:
        if v not in blocking:  # shown with -rA / on failure, not fatal
            print(f"{name}: {v['impact']} {v['id']}: {v['help']} {v['targets']}")
    assert not blocking, f"{name}: {blocking}"
    if shot:
        screenshot(page, shot, full_page=False, docs=name == "home")


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length)
                && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


def test_every_form_control_has_a_label(page: Any, live_server: LiveServer):
    """Each input, select and textarea on the main pages and staff forms has a label."""
    log_in(page, live_server)
    paths = [path for path, _ in PAGES.values()] + [
        "/staff/press/extract",
        "/meetings/?q=Kapolda+Kaltim",
        "/agencies/",
    ]
    found: dict[str, list[str]] = {}
    counted = 0
    for path in paths:
        page.goto(live_server(path))
        counted += page.locator("input:not([type=hidden]), select, textarea").count()
        unlabelled = page.evaluate(UNLABELLED)
        if unlabelled:
            found[path] = unlabelled
    assert counted > 40  # the check looked at real forms
    assert not found, f"controls without a label: {found}"


def _focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id, text: el.innerText || '',
                    href: el.getAttribute('href') || '', type: el.type || '',
                    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0,
                    outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'};
        }"""
    )


def _tab_until(page: Any, predicate: Any, limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"Tab never reached the element; last focus: {_focused(page)}")


def test_keyboard_reaches_skip_link_and_search(page: Any, live_server: LiveServer):
    """From the top, Tab shows the skip link first; the search works by keyboard alone."""
    page.goto(live_server("/"))
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["href"] == "#main" and first["text"] == "Langsung ke isi"
    assert first["visible"], "the skip link stays off-screen when focused"
    assert first["outline"], "the focused skip link has no visible focus ring"

    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server("/#main"))
    # After skipping, the next Tab lands in the main content, not the navigation.
    inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    page.keyboard.press("Tab")
    after = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside_main or after

    search = _tab_until(page, lambda f: f["id"] == "home-q")
    assert search["outline"], "the focused search box has no visible focus ring"
    page.keyboard.type("Balikpapan")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server("/meetings/?q=Balikpapan"))
    expect(page.locator("article.meeting-row").first).to_contain_text("Balikpapan")

    # A result opens from the keyboard too. The whole filter form and the export links
    # come first (about 40 stops): the limit only bounds the walk, it is not the target.
    link = _tab_until(page, lambda f: f["href"][len("/meetings/") :].isdigit(), limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server(link["href"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(link["text"])


def test_login_form_by_keyboard_alone(page: Any, live_server: LiveServer):
    """Tab to the e-mail box, type, Tab to the password, type, Enter: logged in."""
    page.goto(live_server("/login"))
    _tab_until(page, lambda f: f["id"] == "email")
    page.keyboard.type(EDITOR_EMAIL)
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type(EDITOR_PASSWORD)
    page.keyboard.press("Tab")
    button = _focused(page)
    assert button["tag"] == "button" and button["text"].strip() == "Masuk"
    assert button["outline"], "the focused button has no visible focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("Selamat datang")


def test_subscribe_builder_by_keyboard_alone(page: Any, live_server: LiveServer):
    """The feed builder's selects and button answer to the keyboard."""
    page.goto(live_server("/calendar/"))
    _tab_until(page, lambda f: f["id"] == "agency_q", limit=80)
    page.keyboard.type("Bawaslu Kaltim")
    page.keyboard.press("Enter")  # the box's own button, "Cari instansi", searches
    expect(page.locator("#agency-1")).to_have_value("bawaslu-kaltim")
    expect(page.locator("#agency-1")).to_be_checked()  # the single match
    _tab_until(page, lambda f: f["id"] == "province", limit=80)
    page.keyboard.type("Kalimantan Timur")
    expect(page.locator("#province")).to_have_value("64")
    # "Pilih" lists the province's regions (no JavaScript needed); the choice stays.
    _tab_until(page, lambda f: f["tag"] == "button" and f["text"].strip() == "Pilih")
    page.keyboard.press("Enter")
    expect(page.locator("#agency-current")).to_contain_text("Bawaslu Kaltim")
    _tab_until(page, lambda f: f["id"] == "region", limit=80)
    expect(page.locator("#region")).to_have_value("64")
    _tab_until(page, lambda f: f["tag"] == "button" and "Tampilkan" in f["text"])
    page.keyboard.press("Enter")
    expect(page.locator(".built-feed")).to_contain_text("Bawaslu Kaltim")
