"""Static assets served from the installed packages: the platform's CSS and JS, and plotly.js from the
``plotly`` package (no CDN: the pages work on an intranet without outside network).

Delivery: gzip-compressed once per asset (level 9, kept in memory) for a browser that accepts it (plotly.js
4.8 MB → about 1.4 MB); pages link an asset with its content hash (``?v=``, :func:`asset_url`), which is cached
for a year as immutable; without the hash it is revalidated by its ETag after an hour."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter()

_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
_OWN = Path(__file__).parent / "static"


@lru_cache(maxsize=32)  # bounded: the name comes from the request, and misses must not grow the cache
def _asset(name: str) -> tuple[bytes, str, str] | None:
    if len(name) > 200 or not name.isprintable():  # NUL and other control characters name no file
        return None
    if name == "plotly.min.js":
        data = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    else:
        path = (_OWN / name).resolve()
        if _OWN.resolve() not in path.parents or not path.is_file():
            return None
        data = path.read_bytes()
    kind = _TYPES.get(Path(name).suffix, "application/octet-stream")
    return data, kind, hashlib.sha256(data).hexdigest()[:16]


@lru_cache(maxsize=32)
def _gzipped(name: str) -> bytes | None:
    found = _asset(name)
    return None if found is None else gzip.compress(found[0], compresslevel=9, mtime=0)


def asset_version(name: str) -> str:
    """The content hash of an asset (empty when there is none), for its URL."""
    found = _asset(name)
    return found[2] if found else ""


_YEAR = "public, max-age=31536000, immutable"
_HOUR = "public, max-age=3600"


@router.get("/static/web/{name:path}", name="web.static")
def static_file(name: str, request: Request, v: str | None = None) -> Response:
    found = _asset(name)
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    data, kind, digest = found
    zipped = "gzip" in request.headers.get("accept-encoding", "").lower() and len(data) > 1024
    etag = f'"{digest}-gz"' if zipped else f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": _YEAR if v == digest else _HOUR, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") in (etag, digest):
        return Response(status_code=304, headers=headers)
    if zipped:
        body = _gzipped(name)
        assert body is not None
        return Response(body, media_type=kind, headers={**headers, "Content-Encoding": "gzip"})
    return Response(data, media_type=kind, headers=headers)
