"""Phones at 375 px (issue 16): the header's menu opens without JavaScript, pages never
scroll sideways, and each participant's evidence is on screen."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_support import LiveServer, screenshot
from .test_accessibility import axe_source  # noqa: F401 - the fixture, shared

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

WIDTH = 375
PAGES = {
    "home": "/",
    "meetings-list": "/meetings/",
    "meeting": "/meetings/1",
    "release": "/press/1",
    "subscribe-built": "/calendar/?agency=bawaslu-kaltim&region=64",
    "month": "/meetings/month",
}


@pytest.fixture
def phone(context_factory: Any) -> Any:
    """A 375 px phone with JavaScript off: nothing here may depend on a script."""
    context = context_factory(width=WIDTH, height=812, is_mobile=True, java_script_enabled=False)
    return context.new_page()


def test_menu_opens_without_javascript(phone: Any, live_server: LiveServer):
    """Closed, the header is one short row; the Menu button shows the navigation."""
    phone.goto(live_server("/"))
    header = phone.locator("header.site-header")
    assert header.bounding_box()["height"] < 80
    nav = phone.get_by_role("navigation", name="Navigasi utama")
    expect(nav).to_be_hidden()
    screenshot(phone, "phone-menu-closed", full_page=False)
    phone.locator("label.menu-button").click()
    expect(nav).to_be_visible()
    expect(phone.get_by_role("group", name="Bahasa")).to_be_visible()
    screenshot(phone, "phone-menu-open", full_page=False, docs=True)
    nav.get_by_role("link", name="Rapat", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Rapat koordinasi")


def test_menu_opens_from_the_keyboard(phone: Any, live_server: LiveServer):
    """Tab reaches the Menu checkbox after the brand; Space opens the menu."""
    phone.goto(live_server("/"))
    menu = phone.get_by_role("checkbox", name="Menu")
    expect(menu).to_have_count(1)
    phone.keyboard.press("Tab")  # skip link
    phone.keyboard.press("Tab")  # brand
    phone.keyboard.press("Tab")
    expect(menu).to_be_focused()
    phone.keyboard.press("Space")
    expect(phone.get_by_role("navigation", name="Navigasi utama")).to_be_visible()


def test_desktop_shows_the_navigation_without_a_menu_button(page: Any, live_server: LiveServer):
    """At 1280 px the navigation is in the header and no Menu button shows."""
    page.goto(live_server("/"))
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_visible()
    expect(page.locator("label.menu-button")).to_be_hidden()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scrolling(name: str, phone: Any, live_server: LiveServer):
    """At 375 px the document is never wider than the screen."""
    assert phone.goto(live_server(PAGES[name])).ok
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, f"phone16-{name}")
    assert width <= WIDTH, f"{name} is {width} px wide"


def test_participant_evidence_is_on_screen(phone: Any, live_server: LiveServer):
    """Every participant card's evidence lies inside the 375 px viewport, nothing scrolls."""
    phone.goto(live_server("/meetings/1"))
    quotes = phone.locator("table.participants blockquote.evidence:visible")
    assert quotes.count() > 0
    for index in range(quotes.count()):
        box = quotes.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (index, box)
    boxes = phone.evaluate(
        """() => [...document.querySelectorAll('table.participants')]
             .map(t => t.scrollWidth - t.clientWidth)"""
    )
    assert max(boxes) <= 0, boxes
    # Each card line names what it is, the column headings being hidden.
    label = phone.locator("table.participants td[data-label]").first
    before = label.evaluate("el => getComputedStyle(el, '::before').content")
    assert before.startswith('"Jabatan'), before
    quotes.first.scroll_into_view_if_needed()
    screenshot(phone, "phone-meeting", full_page=False, docs=True)


@pytest.mark.parametrize("path", ["/", "/meetings/1", "/press/1"])
def test_axe_at_phone_width_with_the_menu_open(
    path: str,
    context_factory: Any,
    live_server: LiveServer,
    axe_source: str,  # noqa: F811
):
    """axe-core finds nothing serious at 375 px, the menu open and the cards stacked."""
    from .test_accessibility import BLOCKING, _axe_violations

    page = context_factory(width=WIDTH, height=812, is_mobile=True, bypass_csp=True).new_page()
    page.goto(live_server(path))
    page.locator("label.menu-button").click()
    blocking = [v for v in _axe_violations(page, axe_source) if v["impact"] in BLOCKING]
    assert not blocking, blocking


def test_month_view_is_an_agenda_on_a_phone(phone: Any, live_server: LiveServer):
    """At 375 px the month shows only its days with meetings, each with its full date."""
    phone.goto(live_server("/meetings/month"))
    cells = phone.locator("table.month td")
    visible = phone.locator("table.month td:visible")
    assert 0 < visible.count() < cells.count()
    for index in range(visible.count()):
        cell = visible.nth(index)
        expect(cell.locator(".day-long")).to_be_visible()
        assert cell.locator("ul.day-meetings li").count() > 0
    screenshot(phone, "phone-month", full_page=False)
