"""Sending alert e-mails over SMTP (standard library), configured by MAIL_* settings.

MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS (STARTTLS),
MAIL_USE_SSL (TLS from the first byte, usually port 465), MAIL_FROM, MAIL_TIMEOUT.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from types import TracebackType
from typing import Any

from flask import current_app
from flask.sansio.app import App

from tracker.models import utcnow

DEFAULTS: dict[str, Any] = {
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_FROM": None,  # default: "<SITE_NAME> <noreply@PUBLIC_HOST>"
    # Seconds: a confirmation is sent while the visitor waits.
    "MAIL_TIMEOUT": 10,
}
# What a failed send raises: SMTP refusals, and the network's own errors.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def init_app(app: App) -> None:
    """Default the MAIL_* settings (secrets come from config or the environment)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)


def _flag(value: Any) -> bool:
    # From the environment (TRACKER_MAIL_USE_TLS=true) a flag may arrive as a string.
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def sender() -> str:
    """The From address: MAIL_FROM, else noreply at the public host."""
    config = current_app.config
    fallback = f"{config['SITE_NAME']} <noreply@{config['PUBLIC_HOST']}>"
    return str(config.get("MAIL_FROM") or fallback)


@dataclass(frozen=True)
class Content:
    """One message's subject, bodies, recipient and extra headers."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def build_message(content: Content) -> EmailMessage:
    """A UTF-8 text message with an HTML alternative, Message-ID and Date."""
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = content.to
    message["Subject"] = content.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=current_app.config["PUBLIC_HOST"])
    message["Auto-Submitted"] = "auto-generated"
    for name, value in content.headers.items():
        message[name] = value
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message


class Mailer:
    """One SMTP connection, opened on the first message and reopened after a failure."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
        timeout = float(config["MAIL_TIMEOUT"])
        context = ssl.create_default_context()
        if _flag(config["MAIL_USE_SSL"]):
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=context
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if _flag(config["MAIL_USE_TLS"]):
                connection.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return connection

    def send(self, message: EmailMessage) -> None:
        """Send one message; on failure drop the connection and raise."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(message)
        except SEND_ERRORS:
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye to the server (quietly if it is gone)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except SEND_ERRORS:
                connection.close()

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
