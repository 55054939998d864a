"""Static assets served from the installed packages: the platform's CSS and JS, and plotly.js from the
``plotly`` package (no CDN: the pages work on an intranet without outside network)."""

from __future__ import annotations

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


@router.get("/static/web/{name:path}", name="web.static")
def static_file(name: str, request: Request) -> Response:
    found = _asset(name)
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    data, kind, etag = found
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304)
    return Response(data, media_type=kind, headers={"ETag": etag, "Cache-Control": "public, max-age=3600"})
