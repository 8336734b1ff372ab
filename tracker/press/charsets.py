"""Decode a fetched page: its declared web charset, else UTF-8, else a guess."""

from __future__ import annotations

import codecs

# Declared charsets we decode with: the common ones of the WHATWG Encoding Standard.
# Any other codec Python knows (punycode, idna, rot13, ...) is not a web charset, and
# some are slow on hostile input, so such a page is read as UTF-8.
WEB_CHARSETS = frozenset(
    codecs.lookup(name).name
    for name in (
        "utf-8",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "ascii",
        *(f"iso-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16)),
        *(f"windows-{n}" for n in range(1250, 1259)),
        "koi8-r",
        "koi8-u",
        "gbk",
        "gb18030",
        "big5",
        "shift_jis",
        "euc-jp",
        "euc-kr",
    )
)


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for part in content_type.split(";")[1:]:
        key, _sep, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def decode(raw: bytes, charset: str | None = None) -> str:
    """Bytes as text: a declared web charset, UTF-8, or what charset_normalizer finds.

    A declared charset that is no web charset (see WEB_CHARSETS) gives UTF-8 with
    replacement characters, never a guess.
    """
    known = _web_charset(charset)
    if charset and known is None:
        return raw.decode("utf-8", "replace")
    for candidate in (known, "utf-8"):
        if candidate:
            try:
                return raw.decode(candidate)
            except UnicodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", "replace")


def _web_charset(charset: str | None) -> str | None:
    """The codec name of a declared charset, if it is one of WEB_CHARSETS."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except (LookupError, ValueError):
        return None
    return name if name in WEB_CHARSETS else None
