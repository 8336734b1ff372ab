"""Why a page was not fetched: a code, its details, and the message staff read."""

from __future__ import annotations

from typing import Any

from tracker.i18n import gettext as _

# How many redirects a fetch follows (see fetch._follow); the "redirects" message names it.
MAX_REDIRECTS = 5


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
        "port": _(
            "Hanya port 80 (http) dan 443 (https) yang diambil, bukan port %(port)s.",
            port=params.get("port", ""),
        ),
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
