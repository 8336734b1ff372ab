"""Fetch a press release page by URL, refusing what a public page cannot be.

Only http and https; every address a host resolves to must be public (no private,
loopback, link-local, multicast or reserved ones), and the connection goes to the
address that was checked, so a second DNS answer cannot point it elsewhere. Each
redirect is checked the same way. Time, size and content type are limited.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3

from tracker.i18n import gettext as _
from tracker.models.types import utcnow

MAX_REDIRECTS = 5
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "RakorTracker/0.1 (press release archive)"
CHUNK = 64 * 1024


class FetchRefused(Exception):
    """The page could not or may not be fetched; ``code`` says why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        """The reason in the reader's language, for the URL field."""
        return _message(self.code, self.params)


def _message(code: str, params: dict[str, Any]) -> str:
    messages = {
        "scheme": _("Alamat harus dimulai dengan http:// atau https://."),
        "host": _("Alamat ini tidak menyebut nama situs."),
        "dns": _("Nama situs %(host)s tidak ditemukan.", host=params.get("host", "")),
        "address": _(
            "Alamat %(host)s menunjuk ke jaringan lokal atau khusus (%(ip)s); "
            "hanya halaman publik yang diambil.",
            host=params.get("host", ""),
            ip=params.get("ip", ""),
        ),
        "redirects": _(
            "Halaman dialihkan terlalu sering (lebih dari %(n)d kali).", n=MAX_REDIRECTS
        ),
        "timeout": _("Situs tidak menjawab dalam %(s)s detik.", s=params.get("seconds", "")),
        "connect": _("Situs tidak dapat dihubungi."),
        "not_found": _("Halaman tidak ditemukan di situs itu (kode 404)."),
        "status": _("Situs menjawab dengan kode %(status)s.", status=params.get("status", "")),
        "too_big": _("Halaman terlalu besar (paling besar %(mb)s MB).", mb=params.get("mb", "")),
        "type": _(
            "Alamat ini bukan halaman berita (jenisnya %(type)s); hanya HTML atau teks.",
            type=params.get("type") or "?",
        ),
    }
    return messages.get(code, code)


@dataclass(frozen=True)
class Policy:
    """The limits of one fetch, from the app's config."""

    timeout: float = 10.0
    max_bytes: int = 1_000_000
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """A page as served: its bytes, where it ended and when it was read."""

    requested_url: str
    final_url: str
    content_type: str
    content: bytes
    retrieved_at: datetime = field(default_factory=utcnow)

    @property
    def sha256(self) -> str:
        """The hash of the bytes as served."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def is_html(self) -> bool:
        """Whether the page is HTML (else plain text)."""
        return not self.content_type.startswith("text/plain")

    def text(self) -> str:
        """The page decoded with its declared charset, else UTF-8, else a best guess."""
        return decode(self.content, charset_of(self.content_type))


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for part in content_type.split(";")[1:]:
        key, _sep, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def decode(raw: bytes, charset: str | None = None) -> str:
    """Bytes as text: the declared charset, UTF-8, or what charset_normalizer finds."""
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return raw.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", "replace")


def is_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool) -> bool:
    """Whether an address is one a public page cannot live at."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private and (ip.is_loopback or ip.is_private):
        return False  # tests serve pages from 127.0.0.1 (PRESS_FETCH_ALLOW_PRIVATE)
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The first address of a host, after checking every address it resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused("dns", host=host) from exc
    addresses = [str(info[4][0]).split("%")[0] for info in infos]
    if not addresses:
        raise FetchRefused("dns", host=host)
    for address in addresses:
        if is_refused(ipaddress.ip_address(address), allow_private):
            raise FetchRefused("address", host=host, ip=address)
    return addresses[0]


def _target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused("scheme")
    if not parts.hostname:
        raise FetchRefused("host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchRefused("host") from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def _pool(scheme: str, host: str, address: str, port: int, timeout: float) -> Any:
    """A one-connection pool to the checked address, naming the host for TLS and HTTP."""
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=limits,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=limits, retries=False, maxsize=1)


def _open(url: str, policy: Policy) -> tuple[Any, Any]:
    """Send one GET to the checked address: (pool, response not yet read)."""
    scheme, host, port, path = _target(url)
    address = resolve(host, port, policy.allow_private)
    default = 443 if scheme == "https" else 80
    headers = {
        "Host": host if port == default else f"{host}:{port}",
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    }
    pool = _pool(scheme, host, address, port, policy.timeout)
    try:
        response = pool.urlopen(
            "GET", path, headers=headers, redirect=False, preload_content=False, retries=False
        )
    except urllib3.exceptions.TimeoutError as exc:
        pool.close()
        raise FetchRefused("timeout", seconds=_seconds(policy)) from exc
    except urllib3.exceptions.HTTPError as exc:
        pool.close()
        raise FetchRefused("connect") from exc
    return pool, response


def _seconds(policy: Policy) -> str:
    return f"{policy.timeout:g}"


def _check_type(response: Any) -> str:
    content_type = response.headers.get("Content-Type", "").strip()
    if content_type.split(";")[0].strip().lower() not in ACCEPTED_TYPES:
        raise FetchRefused("type", type=content_type.split(";")[0].strip())
    return content_type


def _read(response: Any, policy: Policy, deadline: float) -> bytes:
    """The body, at most ``max_bytes``, read before the deadline."""
    mb = f"{policy.max_bytes / 1_000_000:g}"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchRefused("too_big", mb=mb)
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchRefused("too_big", mb=mb)
            if time.monotonic() > deadline:
                raise FetchRefused("timeout", seconds=_seconds(policy))
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError as exc:
        raise FetchRefused("timeout", seconds=_seconds(policy)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FetchRefused("connect") from exc
    return b"".join(chunks)


def fetch(url: str, policy: Policy | None = None) -> Fetched:
    """Fetch a page, following at most MAX_REDIRECTS checked redirects.

    :raises FetchRefused: for a refused address, time-out, size, type or status.
    """
    policy = policy or Policy()
    deadline = time.monotonic() + policy.timeout
    current = url.strip()
    for _hop in range(MAX_REDIRECTS + 1):
        pool, response = _open(current, policy)
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            content_type, content = _accept(response, policy, deadline)
        finally:
            response.close()  # the connection is not reused: close it, read or not
            pool.close()
        return Fetched(url.strip(), current, content_type, content)
    raise FetchRefused("redirects")


def _accept(response: Any, policy: Policy, deadline: float) -> tuple[str, bytes]:
    """(content type, body) of a final answer, or the reason it is refused."""
    if response.status in (404, 410):
        raise FetchRefused("not_found")
    if response.status != 200:
        raise FetchRefused("status", status=response.status)
    return _check_type(response), _read(response, policy, deadline)
