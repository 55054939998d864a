"""The API's documentation pages, served from the platform itself: Swagger UI at ``/api/v1/docs`` and ReDoc at
``/api/v1/redoc``, their scripts and styles from the installed ``fastapi-offline`` package (Swagger UI: Apache
2.0, ReDoc: MIT; the package's licence is MIT) and a small start script of our own. Nothing is loaded from a CDN,
so the pages work on an intranet without outside network, and under the pages' Content-Security-Policy."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)

_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".png": "image/png"}
_VENDOR = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
_OWN = ("swagger-init.js",)


_OUTSIDE = {"redoc.standalone.js": (b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"data:,")}
"""What a vendored file would fetch from outside, and what it gets instead: ReDoc's sidebar shows Redocly's logo
from a CDN; an empty data URL makes the image fail, and ReDoc then leaves it out."""


@cache
def _asset(name: str) -> tuple[bytes, str, str]:
    folder = resources.files("fastapi_offline" if name in _VENDOR else "transcarbon.api") / "static"
    data = (folder / name).read_bytes()
    if name in _OUTSIDE:
        data = data.replace(*_OUTSIDE[name])
    return data, _TYPES[Path(name).suffix], hashlib.sha256(data).hexdigest()[:16]


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="docs/assets/favicon.png">{head}</head><body>{body}</body></html>'
    )


@router.get("/docs", name="api.docs")
def swagger_ui() -> HTMLResponse:
    return _page(
        "transcarbon API",
        '<link rel="stylesheet" href="docs/assets/swagger-ui.css">',
        '<div id="swagger-ui" data-spec="openapi.json"></div>'
        '<script src="docs/assets/swagger-ui-bundle.js"></script><script src="docs/assets/swagger-init.js"></script>',
    )


@router.get("/redoc", name="api.redoc")
def redoc() -> HTMLResponse:
    return _page(
        "transcarbon API (ReDoc)",
        "",
        '<redoc spec-url="openapi.json" hide-download-button></redoc>'
        '<script src="docs/assets/redoc.standalone.js"></script>',
    )


@router.get("/docs/assets/{name}", name="api.docs_asset")
def docs_asset(name: str, request: Request) -> Response:
    if name not in _VENDOR + _OWN:
        return Response("not found", status_code=404, media_type="text/plain")
    data, kind, etag = _asset(name)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304)
    return Response(data, media_type=kind, headers={"ETag": etag, "Cache-Control": "public, max-age=86400"})
