"""The REST API as one router to include in the platform's app: every route module under ``/api/v1``.

The OpenAPI document is served at ``/api/v1/openapi.json`` (the app sets it from :data:`API_PREFIX`), its
pages at ``/api/v1/docs`` (Swagger UI) and ``/api/v1/redoc`` from local files (:mod:`transcarbon.api.docs`).
"""

from __future__ import annotations

from fastapi import APIRouter

from transcarbon.api import docs
from transcarbon.api.routes import (
    auth,
    credits,
    evaluation,
    inventory,
    oversight,
    registers,
    report_types,
    road,
    submissions,
    users,
)

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)
for _module in (auth, report_types, submissions, registers, oversight, users, evaluation, inventory, road, credits):
    router.include_router(_module.router)
router.include_router(docs.router)

__all__ = ["API_PREFIX", "router"]
