"""The web application's pages, as one FastAPI router to include in the platform's app.

    from transcarbon.web.routes import router as web_router
    app.include_router(web_router)          # pages at /, /cockpit, /emissions …; assets at /static/web/…

Pages are server-rendered (Jinja2), Simplified Chinese first (``?lang=en`` switches and remembers the
choice in a cookie), and need the app state of :func:`transcarbon.app.create_app` (database,
report types). Sign-in uses the platform's browser session (the same cookie as the REST API).
"""

from __future__ import annotations

from fastapi import APIRouter

from transcarbon.web import (
    pages_admin,
    pages_auth,
    pages_cockpit,
    pages_credits,
    pages_data,
    pages_emissions,
    pages_lineage,
    pages_milestones,
    pages_public,
    pages_registers,
    pages_reports,
    pages_road,
    pages_scenarios,
    pages_ships,
    pages_warnings,
    static,
)

router = APIRouter(include_in_schema=False)
for _module in (
    static,
    pages_auth,
    pages_cockpit,
    pages_emissions,
    pages_road,
    pages_ships,
    pages_public,
    pages_lineage,
    pages_warnings,
    pages_reports,
    pages_scenarios,
    pages_data,
    pages_registers,
    pages_milestones,
    pages_admin,
    pages_credits,
):
    router.include_router(_module.router)

__all__ = ["router"]
