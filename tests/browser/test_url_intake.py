"""An editor gives only a release's URL: the app fetches it, staff review and save, and the
meeting page links the archived page, which opens. The release is served by a local
http.server on 127.0.0.1, which the app may fetch only because the test allows it."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .browser_support import LiveServer, log_in, screenshot

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

HEADLINE = "Bawaslu Maluku Gelar Rakor Pengawasan Masa Tenang"
# Written for this test: a Maluku release on a news page with menus and other headlines.
PAGE = (
    "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
    f"<title>{HEADLINE} | Contoh Maluku</title>"
    f'<meta property="og:title" content="{HEADLINE}">'
    '<meta property="og:site_name" content="Contoh Maluku">'
    '<meta property="article:published_time" content="2024-02-12T15:00:00+09:00">'
    "</head><body><nav><a href='/'>Beranda</a> | <a href='/politik'>Politik</a></nav>"
    f"<article><h1>{HEADLINE}</h1>"
    "<p>AMBON - Bawaslu Maluku menggelar rapat koordinasi pengawasan masa tenang di Hotel "
    "Santika Ambon, Senin (12/2/2024) pukul 09.00 WIT. Rapat dipimpin Ketua Bawaslu Maluku "
    "dan dihadiri Ketua KPU Maluku serta Kapolda Maluku.</p>"
    "<p>Pemateri dari Kejati Maluku memaparkan penanganan tindak pidana pemilu menjelang "
    "pemungutan suara Pemilu 2024.</p></article>"
    "<aside><a href='/lain'>Judul berita lain</a></aside></body></html>"
).encode()


class _Release(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        found = self.path == "/berita/rakor-masa-tenang"
        body = PAGE if found else b"<p>tidak ada</p>"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def outlet() -> Iterator[str]:
    """The base URL of the local outlet's site."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Release)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_editor_takes_a_release_in_by_url_and_opens_its_archive(
    page: Any, fresh_server: LiveServer, outlet: str
):
    """Paste the URL, review the proposal, save, open "Arsip halaman" from the meeting page."""
    fresh_server.app.config["PRESS_FETCH_ALLOW_PRIVATE"] = True  # the outlet is on loopback
    url = f"{outlet}/berita/rakor-masa-tenang"
    log_in(page, fresh_server)
    page.get_by_role("link", name="Tempel siaran pers").click()
    page.get_by_label("Alamat web").fill(url)
    page.get_by_role("button", name="Usulkan rapat").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa usulan rapat")
    expect(page.get_by_label("Judul siaran pers")).to_have_value(HEADLINE)
    expect(page.get_by_label("Media atau penerbit")).to_have_value("Contoh Maluku")
    expect(page.get_by_label("Tanggal terbit")).to_have_value("2024-02-12")
    line = page.locator("details.review-row summary").filter(has_text="KPU Maluku")
    expect(line.first).to_be_visible()
    screenshot(page, "url-intake-review")

    page.get_by_role("button", name="Simpan rapat").click()
    expect(page.locator(".flash")).to_contain_text("disimpan")
    meeting_id = int(re.search(r"/staff/meetings/(\d+)", page.url).group(1))

    page.goto(fresh_server(f"/meetings/{meeting_id}"))
    sources = page.locator("ul.sources")
    expect(sources).to_contain_text("Senin, 12 Februari 2024 pukul 15.00 WIT")
    sources.get_by_role("link", name="Arsip halaman").click()
    digest = hashlib.sha256(PAGE).hexdigest()
    expect(page.locator("body")).to_contain_text(f"SHA-256: {digest}")
    expect(page.locator("body")).to_contain_text(url)
    # A news outlet's article: the public record names it but leaves its text at the
    # source (issue 16); staff read the text on the release's staff page.
    expect(page.locator("body")).to_contain_text("Teks artikel tidak ditampilkan di sini")
    expect(page.locator("body")).not_to_contain_text("Hotel Santika Ambon")
