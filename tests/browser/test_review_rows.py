"""The review's participant lines: adding and removing one with JavaScript keeps lines whole."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from .browser_support import LiveServer, log_in

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def _review(page: Any, server: LiveServer) -> Any:
    log_in(page, server)
    page.goto(server("/staff/press/extract"))
    seed = resources.files("tracker.data").joinpath("seed_release.txt").read_text("utf-8")
    page.get_by_label("Teks siaran pers").fill(seed)
    page.get_by_label("Media atau penerbit").fill("kaltimfaktual.co")
    page.get_by_role("button", name="Usulkan rapat").click()
    form = page.locator("form.review-form")
    # The click only starts the POST; counting rows before the review page arrives would count none.
    expect(form.locator("details.review-row").first).to_be_attached()
    return form


def test_a_line_added_then_removed_leaves_no_empty_line(page: Any, live_server: LiveServer):
    form = _review(page, live_server)
    lines = form.locator("details.review-row")
    before = lines.count()
    assert before >= 6
    form.get_by_role("button", name="Tambah baris").click()
    expect(lines).to_have_count(before + 1)
    added = lines.last
    expect(added).to_have_attribute("open", "")
    expect(added.locator("summary")).to_have_text(f"Peserta {before + 1}")
    expect(added.locator("input.agency-input")).to_have_value("")
    expect(added.locator(".uncertain-mark")).to_have_count(0)
    # Its fields post under a new index, after every proposed row's.
    name = added.locator("input.agency-input").get_attribute("name")
    assert name == f"participations-{before}-agency_name"

    added.get_by_role("button", name="Hapus").click()
    expect(lines).to_have_count(before)
    lines.first.evaluate("line => { line.open = true; }")  # proposed lines start folded
    lines.first.get_by_role("button", name="Hapus").click()
    expect(lines).to_have_count(before - 1)
    expect(form.locator("details.review-row:not(:has([data-row]))")).to_have_count(0)
