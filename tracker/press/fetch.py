"""Fetch a press release page by URL, refusing what a public page cannot be.

Only http and https on ports 80 and 443; every address a host resolves to must be
public (no private, loopback, link-local, site-local, multicast or reserved ones, nor
a 6to4 or Teredo address wrapping one), and the connection goes to the address that
was checked, so a second DNS answer cannot point it elsewhere. Each redirect is
checked the same way. Size and content type are limited, and the whole fetch
(connecting, headers, body, every redirect) ends at one wall-clock deadline.

The refusal reasons are in ``fetch_refusal``, the deadline in ``fetch_deadline`` and
the decoding of the page in ``charsets``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3

from tracker.models.types import utcnow
from tracker.press.charsets import charset_of, decode
from tracker.press.fetch_deadline import Deadline, WatchedHTTPPool, WatchedHTTPSPool
from tracker.press.fetch_refusal import MAX_REDIRECTS, FetchRefused

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "RakorTracker/0.1 (press release archive)"
CHUNK = 16 * 1024
PORTS = (80, 443)
# With PRESS_FETCH_ALLOW_PRIVATE (tests, a local outlet) only these are let through:
# loopback, RFC 1918 and IPv6 unique-local; never link-local, multicast or the like.
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
    )
)
TRUE_WORDS = {"true": True, "1": True, "false": False, "0": False}


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


def strict_bool(value: object) -> bool:
    """A config flag: a bool, 0 or 1, or the words true/false/1/0.

    :raises ValueError: for anything else (``bool("false")`` would be True).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS:
        return TRUE_WORDS[value.strip().lower()]
    raise ValueError(value)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_refused(ip: Address, allow_private: bool) -> bool:
    """Whether an address is one a public page cannot live at."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private and any(ip.version == n.version and ip in n for n in LOCAL_NETWORKS):
        return False  # tests serve pages from 127.0.0.1 (PRESS_FETCH_ALLOW_PRIVATE)
    # A 6to4 or Teredo address carries traffic to the IPv4 address inside it.
    return _special(ip) or any(is_refused(inner, False) for inner in _embedded(ip))


def _special(ip: Address) -> bool:
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def _embedded(ip: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a 6to4 or Teredo address wraps."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    inner = [ip.sixtofour] if ip.sixtofour is not None else []
    return inner + list(ip.teredo or ())


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


def host_header(scheme: str, host: str, port: int) -> str:
    """The Host header: an IPv6 literal in brackets, the port when not the default."""
    name = f"[{host}]" if ":" in host else host
    return name if port == (443 if scheme == "https" else 80) else f"{name}:{port}"


def _pool(
    scheme: str, host: str, address: str, port: int, deadline: Deadline
) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to the checked address, naming the host for TLS and HTTP."""
    left = deadline.remaining()
    limits = urllib3.Timeout(connect=left, read=left)
    if scheme == "https":
        return WatchedHTTPSPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            timeout=limits,
            retries=False,
            maxsize=1,
            deadline=deadline,
        )
    return WatchedHTTPPool(
        address, port, timeout=limits, retries=False, maxsize=1, deadline=deadline
    )


def _open(
    url: str, policy: Policy, deadline: Deadline
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """Send one GET to the checked address: (pool, response not yet read)."""
    scheme, host, port, path = _target(url)
    address = resolve(host, port, policy.allow_private)
    if port not in PORTS and not policy.allow_private:
        raise FetchRefused("port", port=port)  # other ports serve admin panels, not news
    headers = {
        "Host": host_header(scheme, host, port),
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    }
    pool = _pool(scheme, host, address, port, deadline)
    try:
        response = pool.urlopen(
            "GET", path, headers=headers, redirect=False, preload_content=False, retries=False
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        pool.close()
        raise _failure(exc, deadline) from exc
    if deadline.fired:  # the headers were cut short: what was read is no answer
        response.close()
        pool.close()
        raise deadline.refusal()
    return pool, response


def _failure(exc: Exception, deadline: Deadline) -> FetchRefused:
    """The refusal for a network error: a time-out if the deadline cut the connection."""
    if deadline.fired or isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError):
        return deadline.refusal()
    return FetchRefused("connect")


def _check_type(response: urllib3.BaseHTTPResponse) -> str:
    content_type = response.headers.get("Content-Type", "").strip()
    if content_type.split(";")[0].strip().lower() not in ACCEPTED_TYPES:
        raise FetchRefused("type", type=content_type.split(";")[0].strip())
    return content_type


def _read(response: urllib3.BaseHTTPResponse, policy: Policy, deadline: Deadline) -> bytes:
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
            deadline.remaining()
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _failure(exc, deadline) from exc
    deadline.remaining()  # a body the deadline cut short is no page
    return b"".join(chunks)


def fetch(url: str, policy: Policy | None = None) -> Fetched:
    """Fetch a page, following at most MAX_REDIRECTS checked redirects, within policy.timeout.

    :raises FetchRefused: for a refused address, time-out, size, type or status.
    """
    policy = policy or Policy()
    deadline = Deadline(policy.timeout)
    try:
        return _follow(url.strip(), policy, deadline)
    finally:
        deadline.stop()


def _follow(url: str, policy: Policy, deadline: Deadline) -> Fetched:
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        deadline.remaining()  # each hop gets only what is left of the time
        pool, response = _open(current, policy, deadline)
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            content_type, content = _accept(response, policy, deadline)
        finally:
            response.close()  # the connection is not reused: close it, read or not
            pool.close()
        return Fetched(url, current, content_type, content)
    raise FetchRefused("redirects")


def _accept(
    response: urllib3.BaseHTTPResponse, policy: Policy, deadline: Deadline
) -> tuple[str, bytes]:
    """(content type, body) of a final answer, or the reason it is refused."""
    if response.status in (404, 410):
        raise FetchRefused("not_found")
    if response.status != 200:
        raise FetchRefused("status", status=response.status)
    return _check_type(response), _read(response, policy, deadline)
