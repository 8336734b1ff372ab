"""Release intake by URL: safe fetching, the archived snapshot, the page's metadata.

Pages are served by a local http.server on 127.0.0.1 (and 127.0.0.2 where a test
needs a second, "public" host); no test reaches any other address: addresses that
must be refused are refused before a connection is tried.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from packaging.requirements import Requirement
from staff_helpers import login, make_user
from test_extract_review import _form_fields, _roles
from werkzeug.datastructures import MultiDict

from tracker import create_app
from tracker.extensions import db
from tracker.models import Meeting, PressRelease
from tracker.models.press_release import ReleaseSnapshot
from tracker.press import article, fetch
from tracker.press import operations as press_ops
from tracker.production import ConfigurationError

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
            "/tetes": self._trickle_body,
            "/kepala-tetes": self._trickle_headers,
            "/potongan-tetes": self._trickle_chunks,
            "/punycode": lambda: self._send(200, b"a" * 200_000, "text/html; charset=punycode"),
            "/bom": lambda: self._compressed(gzip.compress(bytes(30_000_000)), "gzip"),
            "/bom-ganda": lambda: self._compressed(
                gzip.compress(gzip.compress(bytes(30_000_000))), "gzip, gzip"
            ),
            "/host": lambda: self._send(200, self.headers["Host"].encode(), "text/plain"),
        }
        path = urlsplit(self.path).path
        if path.startswith("/lompat"):  # /lompat0 .. /lompat5: each hop takes 0.8 s
            return self._slow_hop(int(path[7:] or 0))
        try:
            routes.get(path, lambda: self._send(404, b"<p>tidak ada</p>"))()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher gave up on a trickling page, as it should

    def _big_undeclared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        for _ in range(20):
            self.wfile.write(b"a" * 60_000)

    def _slow(self) -> None:
        time.sleep(6)
        self._send(200, page())

    def _trickle_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(40):  # one byte each 0.3 s: every read is quick, the page is not
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(0.3)

    def _trickle_headers(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        for _ in range(40):
            self.wfile.write(b"X-Tetes: a\r\n")
            self.wfile.flush()
            time.sleep(0.3)
        self.wfile.write(b"Content-Type: text/html\r\nContent-Length: 2\r\n\r\nok")

    def _trickle_chunks(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        self.wfile.write(b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        for _ in range(40):
            self.wfile.write(b"1\r\na\r\n")
            self.wfile.flush()
            time.sleep(0.3)
        self.wfile.write(b"0\r\n\r\n")

    def _slow_hop(self, hop: int) -> None:
        time.sleep(0.8)
        if hop < 5:
            self._redirect(f"/lompat{hop + 1}")
        else:
            self._send(200, page())

    def _compressed(self, body: bytes, encoding: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(host: str) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    server = (_V6Server if ":" in host else ThreadingHTTPServer)((host, 0), Handler)
    server.daemon_threads = True
    server.redirect_to = ""  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        name = f"[{host}]" if ":" in host else host
        yield f"http://{name}:{server.server_address[1]}", server
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
        monkeypatch.setattr(fetch, "PORTS", (80, 443, server.server_address[1]))
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
    # The slow page answers after 6 s: it is given up on, not awaited (a wide margin
    # over the 0.5 s limit, so a busy machine does not fail the test).
    assert time.monotonic() - started < 5


def test_fetched_page_carries_its_bytes_hash_and_type(site):
    fetched = fetch.fetch(f"{site}/rilis", LOCAL)
    assert fetched.content == page()
    assert fetched.sha256 == hashlib.sha256(page()).hexdigest()
    assert fetched.content_type.startswith("text/html")
    assert fetched.retrieved_at.tzinfo is not None


@pytest.mark.parametrize("path", ["/tetes", "/kepala-tetes", "/potongan-tetes", "/lompat0"])
def test_one_wall_clock_limit_for_headers_body_and_redirects(site, path):
    # Each read is quick (a byte each 0.3 s, a hop each 0.8 s); the whole takes 4.8 s or
    # more, and the fetch ends at its 1 s limit, well before that.
    started = time.monotonic()
    assert _refusal(f"{site}{path}", fetch.Policy(timeout=1, allow_private=True)) == "timeout"
    assert time.monotonic() - started < 4


def test_no_database_transaction_is_open_while_the_page_is_fetched(client, site, monkeypatch):
    real, seen = fetch.fetch, []

    def spy(url: str, policy: fetch.Policy) -> fetch.Fetched:
        seen.append(db.session().in_transaction())
        return real(url, policy)

    monkeypatch.setattr(fetch, "fetch", spy)
    _editor(client)
    assert _paste_url(client, f"{site}/rilis").status_code == 200
    assert seen == [False]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False), ("1", True), (0, False)],
)
def test_the_private_flag_reads_only_clear_values(value, expected):
    assert fetch.strict_bool(value) is expected


@pytest.mark.parametrize("value", ["false ish", "no", "yes", "", 2, None])
def test_an_unclear_private_flag_stops_the_start(tmp_path, value):
    config = {"TESTING": True, "DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigurationError, match="PRESS_FETCH_ALLOW_PRIVATE"):
        create_app({**config, "PRESS_FETCH_ALLOW_PRIVATE": value})


def test_production_refuses_the_private_flag(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL", "DEBUG", "TESTING"):
        monkeypatch.delenv(f"TRACKER_{name}", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    config = {
        "DATABASE_URL": "sqlite://",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "k" * 64,
        "PUBLIC_BASE_URL": "https://rakor.example.id",
    }
    assert create_app({**config, "PRESS_FETCH_ALLOW_PRIVATE": "false"})
    with pytest.raises(ConfigurationError, match="PRESS_FETCH_ALLOW_PRIVATE"):
        create_app({**config, "PRESS_FETCH_ALLOW_PRIVATE": True})


def test_an_exotic_charset_is_read_as_utf8_quickly(site):
    started = time.monotonic()
    assert fetch.fetch(f"{site}/punycode", LOCAL).text() == "a" * 200_000
    # The punycode codec itself takes minutes on this page (quadratic).
    assert time.monotonic() - started < 10
    # idna raises UnicodeError, not UnicodeDecodeError, on a long "label".
    assert fetch.decode(b"<p>" + b"a" * 100 + b"</p>", "idna").startswith("<p>aaa")
    assert fetch.decode("Kapolda café".encode("cp1252"), "windows-1252") == "Kapolda café"
    assert fetch.decode("Kapolda café".encode("latin-1"), "ISO-8859-1") == "Kapolda café"


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "fe80::1", "0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1"]
    + ["240.0.0.1", "100.64.0.1", "198.18.0.1", "2001:db8::1", "fec0::1", "2002:a9fe:a9fe::1"]
    + ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "2002:7f00:1::1", "::ffff:169.254.169.254"],
)
def test_the_private_flag_opens_loopback_and_lans_only(address):
    ip = ipaddress.ip_address(address)
    assert fetch.is_refused(ip, allow_private=True)
    assert fetch.is_refused(ip, allow_private=False)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.1", "::1", "fd12:3456::1"]
)
def test_with_the_flag_loopback_and_lans_are_fetched(address):
    assert not fetch.is_refused(ipaddress.ip_address(address), allow_private=True)
    assert fetch.is_refused(ipaddress.ip_address(address), allow_private=False)


@pytest.mark.parametrize("url", ["http://[fec0::1]/", "http://[2002:a9fe:a9fe::1]/"])
def test_site_local_and_6to4_to_link_local_are_refused(url):
    assert _refusal(url) == "address"
    assert _refusal(url, LOCAL) == "address"


def test_a_public_6to4_address_stays_public():
    assert not fetch.is_refused(ipaddress.ip_address("2002:5db8:d822::1"), allow_private=False)


@pytest.mark.parametrize("path", ["/bom", "/bom-ganda"])
def test_compressed_bombs_stop_at_the_size_limit(site, path):
    started = time.monotonic()
    assert _refusal(f"{site}{path}", LOCAL) == "too_big"
    # Stopped at the limit, not after inflating 30 MB (or 30 MB twice) first.
    assert time.monotonic() - started < 5


def test_urllib3_floor_bounds_decompression():
    # 2.6.0 bounds streamed decompression and encoding chains (CVE-2025-66471, -66418).
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    (urllib3,) = [
        Requirement(r) for r in project["project"]["dependencies"] if r.startswith("urllib3")
    ]
    assert not urllib3.specifier.contains("2.5.0")


def test_only_ports_80_and_443_without_the_flag(monkeypatch, site):
    real = fetch.is_refused
    monkeypatch.setattr(
        fetch, "is_refused", lambda ip, allow: str(ip) != "127.0.0.2" and real(ip, allow)
    )
    for public, _server in _serve("127.0.0.2"):
        assert _refusal(f"{public}/rilis") == "port"
        assert fetch.fetch(f"{public}/rilis", LOCAL).content == page()


def test_an_ipv6_literal_is_bracketed_in_the_host_header():
    for base, server in _serve("::1"):
        assert (
            fetch.fetch(f"{base}/host", LOCAL).content
            == f"[::1]:{server.server_address[1]}".encode()
        )
    assert fetch.host_header("https", "::1", 443) == "[::1]"


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


def test_the_public_record_shows_the_final_address_without_secrets(client, site):
    _editor(client)
    secret = site.replace("http://", "http://gast:rahasia@") + "/rilis?token=kunci#bagian"
    _save(client, _paste_url(client, secret).get_data(as_text=True))
    release = db.session.execute(db.select(PressRelease)).scalar_one()
    text = client.get(f"/press/{release.id}/archive").get_data(as_text=True)
    assert f"{site}/rilis\n" in text
    for hidden in ("gast", "rahasia", "token", "kunci", "bagian"):
        assert hidden not in text


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
