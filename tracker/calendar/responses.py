"""HTTP answers carrying calendar text: ETag, Last-Modified, 304s, gzip, caching, cached files."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from flask import request
from werkzeug.http import http_date, quote_etag
from werkzeug.wrappers import Response

MAX_AGE = 900  # seconds; clients re-ask at most every 15 minutes
GZIP_BLOCK = 64 * 1024
FILE_BLOCK = 256 * 1024
READ_WHOLE = 16 * 1024 * 1024  # cached bodies up to this size are sent from memory


def accepts_gzip() -> bool:
    """Whether the client takes a gzip-compressed body."""
    return request.accept_encodings["gzip"] > 0


def gzip_stream(data: Iterable[bytes]) -> Iterator[bytes]:
    """Compress as it streams; mtime 0 in the header keeps the bytes reproducible."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    block: list[bytes] = []
    size = 0
    for chunk in data:
        block.append(chunk)
        size += len(chunk)
        if size >= GZIP_BLOCK:
            out = packer.compress(b"".join(block))
            block, size = [], 0
            if out:
                yield out
    yield packer.compress(b"".join(block)) + packer.flush()


def ics_response(
    chunks: Sequence[str],
    modified: datetime,
    filename: str,
    attachment: bool = False,
    private: bool = False,
    etag: str | None = None,
) -> Response:
    """Serve calendar text with a strong ETag, Last-Modified, 304s, gzip and caching.

    Without ``etag`` it is the digest of the bytes; a caller that can name the bytes
    from their inputs passes its own (with "-gz" for the compressed form).
    """
    data = [c.encode("utf-8") for c in chunks]
    gzip = accepts_gzip()
    if etag is None:
        digest = hashlib.sha256()
        for chunk in data:
            digest.update(chunk)
        # One strong ETag per representation: the compressed bytes differ from the plain.
        etag = digest.hexdigest()[:40] + ("-gz" if gzip else "")
    response = Response(gzip_stream(data) if gzip else data, mimetype="text/calendar")
    if gzip:
        response.content_encoding = "gzip"
    else:
        response.content_length = sum(len(c) for c in data)
    feed_headers(response, etag, modified, filename, private, attachment)
    return response.make_conditional(request)


def feed_headers(
    response: Response,
    etag: str,
    modified: datetime,
    filename: str,
    private: bool,
    attachment: bool = False,
) -> Response:
    """Put a feed's ETag, Last-Modified, caching and file name on its answer."""
    response.set_etag(etag)
    response.last_modified = modified
    response.vary.add("Accept-Encoding")
    response.cache_control.max_age = MAX_AGE
    if private:
        response.cache_control.private = True
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.cache_control.public = True
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def not_modified(etag: str, modified: datetime, private: bool) -> Response:
    """The 304 answer, with the validators and caching headers of the full one."""
    # Built directly: the cheapest answer is the one most often given.
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": http_date(modified),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "Vary": "Accept-Encoding",
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
        headers["Referrer-Policy"] = "no-referrer"
    return Response(status=304, headers=headers)


def file_response(handle: Any, size: int) -> Response:
    """A cached body from its open file: read whole when small, else streamed."""
    if size <= READ_WHOLE:
        with handle:
            response = Response(handle.read(), mimetype="text/calendar")
    else:
        # The generator closes the file when done, or when the client leaves.
        response = Response(file_chunks(handle), mimetype="text/calendar", direct_passthrough=True)
    response.content_length = size
    return response


def file_chunks(handle: Any) -> Iterator[bytes]:
    """The file's bytes in blocks; the file is closed at the end (or when abandoned)."""
    with handle:
        while block := handle.read(FILE_BLOCK):
            yield block
