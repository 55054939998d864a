"""The composition root: the one FastAPI application that serves the REST API and the web pages.

``create_app(settings)`` opens the configured database (migrating it to the newest schema unless
``TRANSCARBON_AUTO_MIGRATE=false``, in which case a database that is not ready is refused), sets the
password-hashing cost, loads the city's report types and the known regions into the app state
(:class:`transcarbon.api.deps.AppState`, which both faces read), requeues the background jobs a dead process
left running (:func:`transcarbon.services.job_worker.recover`), and mounts the API router under
``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``) and the pages' router. Every API error answers as
RFC 9457 problem details (:mod:`transcarbon.api.problems`), every error of a page as an HTML page
(:mod:`transcarbon.web.errors`); :class:`BodyLimit` refuses oversized bodies for both faces before they are read,
and :class:`NulGuard` NUL characters.

Only this module (and the demo site built on it) imports both faces: ``web`` uses the API's request
dependencies, the API knows nothing of the pages.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import transcarbon
from transcarbon.api import problems
from transcarbon.api.deps import AppState, job_options
from transcarbon.api.router import API_PREFIX
from transcarbon.api.router import router as api_router
from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.i18n import t
from transcarbon.services import job_worker, keys, users
from transcarbon.services.database import Database
from transcarbon.services.factor_sets import region_codes
from transcarbon.services.submissions import Context
from transcarbon.services.upload_limits import UploadLimits
from transcarbon.settings import Settings, get_settings
from transcarbon.web.errors import error_page
from transcarbon.web.routes import router as web_router


class BodyLimit:
    """Refuse request bodies over the upload limit (plus 1 MiB for the form's other parts) before they are
    read: a declared ``Content-Length`` over it answers 413 at once; a longer streamed body stops there.
    Without it the multipart parser would spool any size to disk before a route could check it."""

    def __init__(self, app: ASGIApp, limit_bytes: int):
        self.app, self.limit = app, limit_bytes

    def _too_large(self, request: Request, mb: str) -> Response:
        values = {"file": "-", "size_mb": f"> {mb}", "limit_mb": mb}
        zh, en = t("upload.too_large", "zh", **values), t("upload.too_large", "en", **values)
        return problems.problem(request, 413, zh, en, type_="urn:transcarbon:problem:upload.too_large")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        mb = f"{(self.limit - 2**20) / 2**20:g}"
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(Request(scope), mb)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, limited, send)


class NulGuard:
    """Refuse a NUL character anywhere a request can carry text to the database (PostgreSQL cannot store it):
    in the path, the query, a JSON or form body (raw or escaped). Such a request gets a 400 problem (an error
    page for the pages) before any route sees it. Multipart bodies carry files, which may hold NUL bytes; their
    text fields are checked by the services that use them (names, cells)."""

    _BODY_TYPES = (b"application/json", b"application/x-www-form-urlencoded")
    _MARKS = (b"\x00", b"%00", b"\\u0000")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if any(m in raw or m in scope.get("query_string", b"") for m in self._MARKS) or "\x00" in scope["path"]:
            await self._refuse(scope, receive, send)
            return
        kind = dict(scope.get("headers") or []).get(b"content-type", b"").split(b";")[0].strip().lower()
        if kind not in self._BODY_TYPES:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        try:
            while more:  # bounded: BodyLimit, outside this guard, stops an oversized body
                message = await receive()
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False) and message["type"] == "http.request"
        except HTTPException as exc:
            zh, en = t("http.error", "zh", status=exc.status_code), t("http.error", "en", status=exc.status_code)
            await problems.problem(Request(scope), exc.status_code, zh, en)(scope, receive, send)
            return
        body = b"".join(chunks)
        if any(m in body.lower() for m in self._MARKS):
            await self._refuse(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        zh, en = t("http.nul", "zh"), t("http.nul", "en")
        await problems.problem(Request(scope), 400, zh, en, type_="urn:transcarbon:problem:http.nul")(
            scope, receive, send
        )


class SecurityHeaders:
    """Headers every response of a page gets (``text/html``): a Content-Security-Policy that lets the page load
    and connect to nothing but the platform itself and run no inline script, ``X-Frame-Options: DENY`` (and
    ``frame-ancestors 'none'``) against clickjacking, ``nosniff`` and a same-origin referrer policy. Styles may be
    inline (the chart library and the API's documentation pages set style attributes); images may be data URLs;
    ReDoc searches in a worker it builds from a blob."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    HEADERS = (
        (b"content-security-policy", CSP.encode("ascii")),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = dict(headers).get(b"content-type", b"")
                if kind.startswith(b"text/html"):
                    names = {k.lower() for k, _ in headers}
                    headers += [(k, v) for k, v in self.HEADERS if k not in names]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _page_errors(request: Request, status: int, zh: str, en: str, headers: dict[str, str] | None) -> Response | None:
    """Errors of the pages (every path outside the API) as an HTML page; the API's stay problem details."""
    if request.url.path.startswith(API_PREFIX):
        return None
    return error_page(request, status, zh, en, headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The platform's app on ``settings`` (default: the environment's)."""
    settings = settings or get_settings()
    database = Database.open(settings.effective_database_url, create=settings.auto_migrate)
    users.configure_hasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)
    keys.configure(settings)
    city = load_city(settings.city)
    ctx = Context(
        catalog=load_report_types(city.reports_path),
        data_dir=settings.data_dir,
        regions=tuple(region_codes()),
        first_year=city.reporting_calendar.first_year,
        limits=UploadLimits.from_settings(settings),
        four_eyes=settings.four_eyes,
    )
    app = FastAPI(
        title="transcarbon API",
        version=transcarbon.__version__,
        description="绿色交通碳排放平台 数据填报与审核 / green-transport carbon platform: data collection, "
        "approval workflow, users, audit, indicators, warnings and scorecards. "
        "Errors are RFC 9457 problem details.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by api.docs from local files, not from a CDN
        redoc_url=None,
    )
    app.state.tc = AppState(settings=settings, city=city, factory=database.factory, ctx=ctx)
    job_worker.recover(database.factory, job_options(app.state.tc))  # jobs a dead process left running
    problems.install(app, pages=_page_errors)
    app.include_router(api_router)
    app.include_router(web_router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(NulGuard)
    app.add_middleware(BodyLimit, limit_bytes=int(settings.max_upload_mb * 2**20) + 2**20)
    return app
