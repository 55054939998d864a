"""The FastAPI application: REST API under ``/api/v1`` with OpenAPI at ``/api/v1/openapi.json``.

``create_app(settings)`` opens the configured database (migrating it to the latest schema unless
``TRANSCARBON_AUTO_MIGRATE=false``), loads the city's report types and the known regions, and mounts
the routers. Every error answers as RFC 9457 problem details (:mod:`transcarbon.api.problems`).
"""

from __future__ import annotations

from fastapi import FastAPI

import transcarbon
from transcarbon.api import problems
from transcarbon.api.config import PlatformSettings
from transcarbon.api.deps import AppState
from transcarbon.api.routes import auth, evaluation, inventory, oversight, report_types, submissions, users
from transcarbon.city.reports import load_report_types
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import users as user_service
from transcarbon.services.submissions import Context
from transcarbon.settings import Settings, get_settings
from transcarbon.store import db
from transcarbon.web.routes import router as web_router

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    platform = platform or PlatformSettings()
    url = settings.effective_database_url
    engine = db.make_engine(url)
    if platform.auto_migrate:
        db.upgrade(url)
    user_service.configure_hasher(time_cost=platform.argon2_time_cost, memory_cost=platform.argon2_memory_kib)
    regions = tuple(FactorLibrary.load().default("regions").table["code"].to_list())
    ctx = Context(catalog=load_report_types(settings.city), data_dir=settings.data_dir, regions=regions)
    app = FastAPI(title="transcarbon API", version=transcarbon.__version__,
                  description="绿色交通碳排放平台 数据填报与审核 / green-transport carbon platform: data collection, "
                              "approval workflow, users, audit, indicators, warnings and scorecards. "
                              "Errors are RFC 9457 problem details.",
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.tc = AppState(settings=settings, platform=platform, factory=db.session_factory(engine), ctx=ctx)
    app.state.engine = engine
    problems.install(app)
    for module in (auth, report_types, submissions, oversight, users, evaluation, inventory):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(web_router)
    return app
