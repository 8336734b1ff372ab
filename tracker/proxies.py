"""Forwarded headers, believed only when the direct peer is a proxy the deployment names.

PROXY_FIX is the number of proxies in front of the app (TRACKER_PROXY_FIX=1: one hop), each
adding its value to X-Forwarded-For and X-Forwarded-Proto. TRUSTED_PROXIES lists the addresses
or networks of the proxy that talks to the app (default: loopback). A request from anywhere else
keeps its own address and scheme, whatever headers it sends. X-Forwarded-Host is never read:
absolute URLs come from the configuration, not from the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LOOPBACK = ("127.0.0.0/8", "::1/128")


def hop_count(value: Any) -> int:
    """Read PROXY_FIX: 0 or empty for none, True for one, else a number of hops."""
    if value in (None, "", False):
        return 0
    try:
        hops = 1 if value is True else int(value)
    except (TypeError, ValueError):
        hops = -1
    if hops < 0:
        raise ValueError(f"PROXY_FIX must be a number of proxy hops (0, 1, 2 ...), not {value!r}")
    return hops


def networks(value: str | Iterable[str] | None) -> tuple[IPv4Network | IPv6Network, ...]:
    """Read TRUSTED_PROXIES: a list, or a string separated by commas or spaces."""
    if value is None:
        value = LOOPBACK
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(ip_network(item, strict=False) for item in value)


class TrustedProxyFix:
    """ProxyFix for requests whose direct peer is a trusted proxy; everyone else as they are."""

    def __init__(
        self, app: WSGIApplication, hops: int, trusted: Iterable[IPv4Network | IPv6Network]
    ) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
        self.trusted = tuple(trusted)

    def is_trusted(self, peer: str) -> bool:
        """Whether the direct peer's address is in a trusted network."""
        try:
            address = ip_address(peer)
        except ValueError:
            return False
        if isinstance(address, IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        """Hand the request on, with forwarded headers applied only from a trusted peer."""
        if self.is_trusted(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
