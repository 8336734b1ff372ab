"""The wall-clock deadline of a fetch, and urllib3 pools whose connections it can cut."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import urllib3

from tracker.press.fetch_refusal import FetchRefused


class Deadline:
    """The one wall-clock limit of a fetch, enforced by shutting its sockets down.

    A socket time-out only bounds each read, so a server sending a byte at a time
    (headers, body or TLS handshake) could hold a fetch for ever; a timer shuts every
    connection of the fetch down when the time is up, whatever is being read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left; :raises FetchRefused: when none are."""
        left = self.at - time.monotonic()
        if self.fired or left <= 0:
            raise self.refusal()
        return left

    def refusal(self) -> FetchRefused:
        """The time-out refusal."""
        return FetchRefused("timeout", seconds=f"{self.seconds:g}")

    def watch(self, sock: socket.socket) -> None:
        """Shut this connection down at the deadline (a duplicate survives TLS wrapping)."""
        with self._lock:
            self._sockets.append(sock.dup())
            if self.fired:
                _shut(self._sockets[-1])

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)

    def stop(self) -> None:
        """Cancel the timer and close the duplicates."""
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the other side


class _Watched:
    """A urllib3 connection whose socket the fetch's Deadline can shut down."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self.deadline.watch(sock)
        return sock


class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class WatchedHTTPPool(urllib3.HTTPConnectionPool):
    """A pool of connections the deadline watches."""

    ConnectionCls = _HTTPConnection


class WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    """A TLS pool of connections the deadline watches."""

    ConnectionCls = _HTTPSConnection
