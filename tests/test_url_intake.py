"""Release intake by URL: safe fetching, the archived snapshot, the page's metadata.

Pages are served by a local http.server on 127.0.0.1 (and 127.0.0.2 where a test
needs a second, "public" host); no test reaches any other address: addresses that
must be refused are refused before a connection is tried.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from staff_helpers import login, make_user
from test_extract_review import _form_fields, _roles
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.models import Meeting, PressRelease
from tracker.models.press_release import ReleaseSnapshot
from tracker.press import article, fetch
from tracker.press import operations as press_ops

# Written for these tests: a release from Maluku, as an outlet's page would carry it.
RELEASE = (
    "AMBON - Bawaslu Maluku menggelar rapat koordinasi pengawasan masa tenang di Hotel "
    "Santika Ambon, Senin (12/2/2024) pukul 09.00 WIT. Rapat dipimpin Ketua Bawaslu Maluku "
    "dan dihadiri Ketua KPU Maluku serta Kapolda Maluku.",
    "Pemateri dari Kejati Maluku memaparkan penanganan tindak pidana pemilu menjelang "
    "pemungutan suara Pemilu 2024.",
)


def page(published: str | None = "2024-02-12T15:00:00+09:00") -> bytes:
    """A news page: menus, the article, other headlines, share buttons."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in RELEASE)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Rakor | Contoh Maluku</title>"
        '<meta property="og:title" content="Bawaslu Maluku Gelar Rakor Pengawasan Masa Tenang">'
        '<meta property="og:site_name" content="Contoh Maluku">'
        f"{meta}</head><body><header><nav><a href='/'>Beranda</a> | <a href='/p'>Politik</a>"
        "</nav></header><main><article><h1>Bawaslu Maluku Gelar Rakor Pengawasan Masa Tenang"
        f"</h1>{paragraphs}<p><strong>BACA JUGA:</strong> <a href='/x'>Berita lain</a></p>"
        "</article><aside><ul><li><a href='/a'>Judul berita lain satu</a></li>"
        "<li><a href='/b'>Judul berita lain dua</a></li></ul></aside></main>"
        "<footer>Bagikan: Facebook Twitter WhatsApp</footer></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """Routes of the local test site; ``server.redirect_to`` is the other server's base."""

    protocol_version = "HTTP/1.0"

    def log_message(self, *args: Any) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        routes = {
            "/rilis": lambda: self._send(200, page()),
            "/tanggal": lambda: self._send(200, page("2024-02-12")),
            "/teks": lambda: self._send(200, "\n".join(RELEASE).encode(), "text/plain"),
            "/pindah": lambda: self._redirect("/rilis"),
            "/ke-lokal": lambda: self._redirect(f"{self.server.redirect_to}/rilis"),  # type: ignore[attr-defined]
            "/putar": lambda: self._redirect("/putar"),
            "/pdf": lambda: self._send(200, b"%PDF-1.4", "application/pdf"),
            "/besar": lambda: self._send(200, b"<p>" + b"a" * 1_000_001),
            "/besar-tanpa-panjang": self._big_undeclared,
            "/lambat": self._slow,
        }
        routes.get(self.path, lambda: self._send(404, b"<p>tidak ada</p>"))()

    def _big_undeclared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        for _ in range(20):
            self.wfile.write(b"a" * 60_000)

    def _slow(self) -> None:
        time.sleep(1.5)
        self._send(200, page())


def _serve(host: str) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.redirect_to = ""  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site() -> Iterator[str]:
    """The base URL of a local test site on 127.0.0.1."""
    for base, _server in _serve("127.0.0.1"):
        yield base


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The local test site lives on loopback: allow it (only in these tests)."""
    return {"PRESS_FETCH_ALLOW_PRIVATE": True, "PRESS_FETCH_TIMEOUT": 0.5}


LOCAL = fetch.Policy(timeout=0.5, allow_private=True)
PUBLIC_ONLY = fetch.Policy()


def _refusal(url: str, policy: fetch.Policy = PUBLIC_ONLY) -> str:
    with pytest.raises(fetch.FetchRefused) as info:
        fetch.fetch(url, policy)
    return info.value.code


# --- the fetcher alone -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.8/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_and_special_addresses_are_refused_before_connecting(url):
    assert _refusal(url) == "address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://contoh.test/rilis", "gopher://x/"])
def test_only_http_and_https(url):
    assert _refusal(url) == "scheme"


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    answers = {
        "intranet.contoh.test": ["10.1.2.3"],
        # One public answer is not enough: every address the name has is checked.
        "campur.contoh.test": ["93.184.216.34", "192.168.0.10"],
    }

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fake)
    assert _refusal("http://intranet.contoh.test/rilis") == "address"
    assert _refusal("https://campur.contoh.test/rilis") == "address"


def test_unknown_names_are_refused_with_their_own_reason(monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror("not found")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fail)
    assert _refusal("https://tidak-ada.contoh.test/") == "dns"


def test_loopback_is_refused_when_the_flag_is_off(site):
    assert _refusal(f"{site}/rilis", fetch.Policy(allow_private=False)) == "address"


def test_a_redirect_to_loopback_is_refused(monkeypatch, site):
    # 127.0.0.2 stands in for a public host; the page there redirects to 127.0.0.1.
    real = fetch.is_refused
    monkeypatch.setattr(
        fetch, "is_refused", lambda ip, allow: str(ip) != "127.0.0.2" and real(ip, allow)
    )
    for public, server in _serve("127.0.0.2"):
        server.redirect_to = site  # type: ignore[attr-defined]
        assert fetch.fetch(f"{public}/rilis").final_url == f"{public}/rilis"
        assert _refusal(f"{public}/ke-lokal") == "address"


def test_redirects_are_followed_and_limited(site):
    fetched = fetch.fetch(f"{site}/pindah", LOCAL)
    assert fetched.final_url == f"{site}/rilis"
    assert fetched.requested_url == f"{site}/pindah"
    assert _refusal(f"{site}/putar", LOCAL) == "redirects"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/besar", "too_big"),
        ("/besar-tanpa-panjang", "too_big"),
        ("/lambat", "timeout"),
        ("/pdf", "type"),
        ("/hilang", "not_found"),
    ],
)
def test_limits_against_the_local_server(site, path, code):
    started = time.monotonic()
    assert _refusal(f"{site}{path}", LOCAL) == code
    assert time.monotonic() - started < 1.4  # the slow page is given up on, not awaited


def test_fetched_page_carries_its_bytes_hash_and_type(site):
    fetched = fetch.fetch(f"{site}/rilis", LOCAL)
    assert fetched.content == page()
    assert fetched.sha256 == hashlib.sha256(page()).hexdigest()
    assert fetched.content_type.startswith("text/html")
    assert fetched.retrieved_at.tzinfo is not None


# --- the article -----------------------------------------------------------------


def test_article_body_title_and_publication_from_the_page():
    found = article.read_article(page().decode())
    assert found.text.splitlines()[-2:] != []
    assert RELEASE[0] in found.text and RELEASE[1] in found.text
    for noise in ("Beranda", "Judul berita lain", "Bagikan"):
        assert noise not in found.text
    assert found.title == "Bawaslu Maluku Gelar Rakor Pengawasan Masa Tenang"
    assert found.published_date == date(2024, 2, 12)
    assert found.published_at == datetime(2024, 2, 12, 6, 0, tzinfo=UTC)


def test_a_date_without_an_hour_stays_a_date():
    found = article.read_article(page("2024-02-12").decode())
    assert found.published_date == date(2024, 2, 12)
    assert found.published_at is None
    # The meeting's date in the text is not the publication date.
    assert article.read_article(page(None).decode()).published_date is None


# --- the intake pages --------------------------------------------------------------


def _editor(client: Any) -> None:
    make_user()
    login(client, "editor@kaltim.example")


def _paste_url(client: Any, url: str, **extra: Any) -> Any:
    return client.post("/staff/press/extract", data={"url": url, **extra})


def _save(client: Any, html: str) -> Any:
    return client.post(
        "/staff/press/extract/save", data=MultiDict(list(_form_fields(html).items()) + _roles(html))
    )


def test_url_alone_is_fetched_reviewed_and_saved_with_its_snapshot(client, site):
    _editor(client)
    response = _paste_url(client, f"{site}/pindah")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert "Periksa usulan rapat" in html
    assert 'value="Bawaslu Maluku Gelar Rakor Pengawasan Masa Tenang"' in html
    assert 'value="Contoh Maluku"' in html  # the outlet, from the page
    assert 'value="2024-02-12"' in html and "Hotel Santika Ambon" in html
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 0
    saved = _save(client, html)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    snapshot = release.snapshot
    assert snapshot is not None
    assert snapshot.content == page()
    assert snapshot.content_hash == hashlib.sha256(page()).hexdigest()
    assert snapshot.requested_url == f"{site}/pindah" and snapshot.final_url == f"{site}/rilis"
    assert snapshot.content_type.startswith("text/html")
    assert release.retrieved_at == snapshot.retrieved_at
    assert release.url == f"{site}/pindah"
    assert "Judul berita lain" not in release.body
    # 15.00 WIT as the page said: the hour and its zone are kept.
    assert release.published_at == datetime(2024, 2, 12, 6, 0, tzinfo=UTC)
    assert release.published_zone == "Asia/Jayapura"
    assert release.published_date == date(2024, 2, 12)


def test_the_meeting_page_links_the_archive_which_is_plain_text(client, site):
    _editor(client)
    _save(client, _paste_url(client, f"{site}/rilis").get_data(as_text=True))
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/press/{release.id}/archive"' in public and "Arsip halaman" in public
    assert "Senin, 12 Februari 2024 pukul 15.00 WIT" in public
    record = client.get(f"/press/{release.id}/archive")
    assert record.status_code == 200 and record.mimetype == "text/plain"
    assert "sandbox" in record.headers["Content-Security-Policy"]
    assert record.headers["X-Content-Type-Options"] == "nosniff"
    text = record.get_data(as_text=True)
    assert release.snapshot.content_hash in text and f"{site}/rilis" in text
    assert "Judul berita lain" not in text  # the public sees the release text, not the page
    staff = client.get(f"/staff/press/{release.id}/archive")
    assert staff.mimetype == "text/plain" and "sandbox" in staff.headers["Content-Security-Policy"]
    assert "<article>" in staff.get_data(as_text=True)  # the page as fetched, never as HTML
    detail = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert f'href="/staff/press/{release.id}/archive"' in detail


def test_plain_text_pages_are_taken_as_text(client, site):
    _editor(client)
    html = _paste_url(client, f"{site}/teks", outlet="Contoh").get_data(as_text=True)
    assert "Hotel Santika Ambon" in html
    assert 'value="Contoh"' in html


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/hilang", "Halaman tidak ditemukan"),
        ("/lambat", "tidak menjawab dalam 0.5 detik"),
        ("/besar", "Halaman terlalu besar"),
        ("/pdf", "bukan halaman berita"),
    ],
)
def test_fetch_errors_sit_on_the_url_field_and_keep_the_typed_values(client, site, path, message):
    _editor(client)
    response = _paste_url(client, f"{site}{path}", outlet="Contoh Maluku", release_title="Judul")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="url-error"' in html and message in html
    assert 'value="Contoh Maluku"' in html and 'value="Judul"' in html
    assert f'value="{site}{path}"' in html
    assert db.session.execute(db.select(db.func.count(ReleaseSnapshot.id))).scalar_one() == 0


def test_loopback_is_refused_on_the_form_when_the_flag_is_off(app, client, site):
    app.config["PRESS_FETCH_ALLOW_PRIVATE"] = False
    _editor(client)
    html = _paste_url(client, f"{site}/rilis").get_data(as_text=True)
    assert 'id="url-error"' in html and "jaringan lokal" in html


def test_no_text_and_no_url_says_what_to_give(client):
    _editor(client)
    response = client.post("/staff/press/extract", data={"outlet": "Contoh"})
    assert response.status_code == 422
    assert "isi alamat webnya" in response.get_data(as_text=True)


def test_pasting_a_recorded_url_or_text_says_so_and_links_its_meeting(client, site):
    _editor(client)
    _save(client, _paste_url(client, f"{site}/rilis").get_data(as_text=True))
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    again = _paste_url(client, f"{site}/rilis").get_data(as_text=True)
    same_text = client.post(
        "/staff/press/extract", data={"body": release.body, "outlet": "Lain"}
    ).get_data(as_text=True)
    for html in (again, same_text):
        assert "Siaran pers ini sudah tercatat" in html
        assert f'href="/staff/meetings/{meeting.id}"' in html
        assert f'name="release_id" type="hidden" value="{release.id}"' in html
    # Saving again reuses the record: no second release.
    _save(client, again)
    assert db.session.execute(db.select(db.func.count(PressRelease.id))).scalar_one() == 1


def test_unclaimed_snapshots_are_pruned_after_a_day(client, site):
    _editor(client)
    _paste_url(client, f"{site}/rilis")
    old = db.session.execute(db.select(ReleaseSnapshot)).scalar_one()
    old.retrieved_at = datetime(2024, 1, 1, tzinfo=UTC)
    db.session.commit()
    _paste_url(client, f"{site}/tanggal")
    db.session.expire_all()
    left = db.session.execute(db.select(ReleaseSnapshot)).scalars().all()
    assert [s.final_url for s in left] == [f"{site}/tanggal"]


# --- the publication date ----------------------------------------------------------


def test_a_date_only_publication_is_shown_as_a_date(client, make_meeting):
    meeting = make_meeting(visibility="public")
    release = press_ops.create_press_release(
        {"outlet": "Contoh", "title": "Rakor", "body": "Isi.", "published_date": date(2024, 2, 7)}
    )
    press_ops.attach_press_release(meeting, release)
    db.session.commit()
    assert release.published_at is None
    for url in (f"/press/{release.id}", "/press/", f"/meetings/{meeting.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Rabu, 7 Februari 2024" in html, url
        assert "Rabu, 7 Februari 2024 pukul" not in html, url
    assert 'datetime="2024-02-07"' in client.get(f"/press/{release.id}").get_data(as_text=True)


def test_the_review_save_keeps_a_date_only_publication_a_date(client, site):
    _editor(client)
    html = _paste_url(client, f"{site}/tanggal").get_data(as_text=True)
    assert 'value="2024-02-12"' in html
    _save(client, html)
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    assert release.published_date == date(2024, 2, 12) and release.published_at is None


def test_the_release_form_keeps_a_day_without_an_hour(client):
    _editor(client)
    response = client.post(
        "/staff/press/new",
        data={
            "outlet": "Contoh",
            "title": "Rakor",
            "body": "Isi siaran pers.",
            "published_date": "2024-02-06",
            "published_zone": "Asia/Jayapura",
        },
    )
    assert response.status_code == 302
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    assert release.published_date == date(2024, 2, 6) and release.published_at is None
    html = client.get(f"/staff/press/{release.id}").get_data(as_text=True)
    assert "Selasa, 6 Februari 2024" in html and "pukul" not in html.split("Terbit")[1][:200]
