"""Secret links of an alert: confirm and unsubscribe tokens, stored only as digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app


def digest(token: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_confirm_token() -> str:
    """A fresh random confirm token (256 bits)."""
    return secrets.token_urlsafe(32)


def unsubscribe_token(confirm_hash: str) -> str:
    """The subscription's unsubscribe token, derived from its confirm digest and SECRET_KEY.

    Every digest must carry the link, yet the database keeps no token itself: the
    token is an HMAC the app can rebuild, and the row keeps only its digest.
    """
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    mac = hmac.new(key, b"alerts-unsubscribe:" + confirm_hash.encode("ascii"), hashlib.sha256)
    return mac.hexdigest()
