"""The composition root: the one FastAPI application that serves the REST API and the web pages.

``create_app(settings)`` opens the configured database (migrating it to the newest schema unless
``TRANSCARBON_AUTO_MIGRATE=false``, in which case a database that is not ready is refused), sets the
password-hashing cost, loads the city's report types and the known regions into the app state
(:class:`transcarbon.api.deps.AppState`, which both faces read), and mounts the API router under
``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``) and the pages' router. Every API error answers as
RFC 9457 problem details (:mod:`transcarbon.api.problems`); :class:`BodyLimit` refuses oversized bodies
for both faces before they are read.

Only this module (and the demo site built on it) imports both faces: ``web`` uses the API's request
dependencies, the API knows nothing of the pages.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import transcarbon
from transcarbon.api import problems
from transcarbon.api.deps import AppState
from transcarbon.api.router import API_PREFIX
from transcarbon.api.router import router as api_router
from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.i18n import t
from transcarbon.services import keys, users
from transcarbon.services.database import Database
from transcarbon.services.factor_sets import region_codes
from transcarbon.services.submissions import Context
from transcarbon.services.upload_limits import UploadLimits
from transcarbon.settings import Settings, get_settings
from transcarbon.web.routes import router as web_router


class BodyLimit:
    """Refuse request bodies over the upload limit (plus 1 MiB for the form's other parts) before they are
    read: a declared ``Content-Length`` over it answers 413 at once; a longer streamed body stops there.
    Without it the multipart parser would spool any size to disk before a route could check it."""

    def __init__(self, app: ASGIApp, limit_bytes: int):
        self.app, self.limit = app, limit_bytes

    def _too_large(self, mb: str) -> dict[str, Any]:
        values = {"file": "-", "size_mb": f"> {mb}", "limit_mb": mb}
        zh, en = t("upload.too_large", "zh", **values), t("upload.too_large", "en", **values)
        return {
            "type": "urn:transcarbon:problem:upload.too_large",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"{zh} / {en}",
            "detail_zh": zh,
            "detail_en": en,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        mb = f"{(self.limit - 2**20) / 2**20:g}"
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            body = {**self._too_large(mb), "instance": scope.get("path")}
            await JSONResponse(body, status_code=413, media_type=problems.MEDIA_TYPE)(scope, receive, send)
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
    )
    app = FastAPI(
        title="transcarbon API",
        version=transcarbon.__version__,
        description="绿色交通碳排放平台 数据填报与审核 / green-transport carbon platform: data collection, "
        "approval workflow, users, audit, indicators, warnings and scorecards. "
        "Errors are RFC 9457 problem details.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.tc = AppState(settings=settings, city=city, factory=database.factory, ctx=ctx)
    problems.install(app)
    app.include_router(api_router)
    app.include_router(web_router)
    app.add_middleware(BodyLimit, limit_bytes=int(settings.max_upload_mb * 2**20) + 2**20)
    return app
