"""A journalist asks which bodies met most in Kalimantan Timur in January and February 2024."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from .browser_support import LiveServer, screenshot, watch_errors

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def test_which_bodies_met_most_in_a_province_in_two_months(page: Any, live_server: LiveServer):
    errors = watch_errors(page)
    clicks = 0
    page.goto(live_server("/"))
    page.get_by_role("link", name=re.compile("^Peringkat lembaga")).click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Peringkat instansi")
    page.get_by_label("Provinsi").select_option(label="Kalimantan Timur")
    page.get_by_label("Dari tanggal").fill("2024-01-01")
    page.get_by_label("Sampai tanggal").fill("2024-02-29")
    page.get_by_role("button", name="Tampilkan").click()
    clicks += 1
    # The answer, two clicks from the home page (four allowed).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Peringkat instansi: Kalimantan Timur"
    )
    assert clicks <= 4
    table = page.locator("table.ranking")
    expect(table).to_be_visible()
    expect(page.locator("svg.ranking-chart")).to_be_visible()
    first = table.locator("tbody tr").first
    name = first.locator("th a").inner_text()
    total = first.locator("td.total a")
    n = int(re.match(r"\d+", total.inner_text()).group())
    assert n >= 1
    screenshot(page, "rankings-kaltim")

    # The meetings behind the number: the list says exactly that many.
    total.click()
    expect(page.locator("p.count").first).to_contain_text(f"{n} rapat")
    assert page.locator(".meeting-row").count() == n
    assert "attendance=attended" in page.url and "region=64" in page.url
    page.go_back()

    # The spreadsheet: the same first body with the same number.
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh XLSX").click()
    path = info.value.path()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(path).read_bytes())).active
    header, top = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[:4] == ("Peringkat", "Instansi", "Kode instansi", "Rapat diikuti")
    assert top[:2] == (1, name) and top[3] == n
    assert not errors, errors
