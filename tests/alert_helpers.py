"""A real SMTP server for the alert tests: aiosmtpd on 127.0.0.1 and a free port."""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """Collects every message the server accepts; refuses the addresses in ``refused``."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or envelope.content
        parsed = message_from_bytes(content, policy=policy.default)  # type: ignore[arg-type]
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to one address."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        """Forget every message."""
        with self.lock:
            self.messages.clear()


def start_server() -> tuple[Controller, Inbox]:
    """Start an SMTP server on 127.0.0.1 and a free port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox


def text_body(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def html_body(message: EmailMessage) -> str:
    """The HTML part of a message."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link(message: EmailMessage, kind: str) -> str:
    """The confirm or unsubscribe link in a message's text, as a local path."""
    match = re.search(rf"https?://[^\s/]+(/alerts/{kind}/[A-Za-z0-9_\-]+)", text_body(message))
    assert match, f"no {kind} link in: {text_body(message)}"
    return match.group(1)
