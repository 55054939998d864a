"""Errors as RFC 9457 problem details (``application/problem+json``), in Chinese and English, never a trace.

``detail`` is ``"中文 / English"``; ``detail_zh`` and ``detail_en`` carry each language; validation
problems add ``errors`` (sheet, row, column, value, messages). Unexpected errors answer 500 with a
reference that is logged with the trace on the server.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from transcarbon.i18n import t
from transcarbon.services.credits.common import CreditsError
from transcarbon.services.submissions import WorkflowError
from transcarbon.services.upload_limits import UploadTooLarge
from transcarbon.services.users import UserError
from transcarbon.services.validation import ValidationError

log = logging.getLogger("transcarbon.api")
MEDIA_TYPE = "application/problem+json"


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    detail_zh: str | None = None
    detail_en: str | None = None
    errors: list[dict[str, Any]] | None = None
    errors_total: int | None = None
    errors_omitted: int | None = None
    error_counts: list[dict[str, Any]] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemOut, "content": {MEDIA_TYPE: {}}} for code in (400, 401, 403, 404, 409, 422, 429)
}


class Problem(Exception):
    """Raise from a route: HTTP ``status`` and a catalog message."""

    def __init__(self, status: int, key: str, headers: dict[str, str] | None = None, **values: object):
        self.status, self.key, self.values, self.headers = status, key, values, headers
        super().__init__(key)


PageRenderer = Callable[[Request, int, str, str, dict[str, str] | None], Response | None]
"""Renders an error for a request as a page (HTML), or returns ``None`` when the request is not for a page."""


def problem(
    request: Request,
    status: int,
    zh: str,
    en: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    pages: PageRenderer | None = getattr(request.app.state, "error_pages", None)
    page = pages(request, status, zh, en, headers) if pages is not None else None
    if page is not None:
        return page
    body: dict[str, Any] = {
        "type": type_,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": f"{zh} / {en}",
        "detail_zh": zh,
        "detail_en": en,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _keyed(request: Request, status: int, key: str, values: dict[str, object], **kw: Any) -> Response:
    return problem(
        request, status, t(key, "zh", **values), t(key, "en", **values), type_=f"urn:transcarbon:problem:{key}", **kw
    )


def install(app: FastAPI, pages: PageRenderer | None = None) -> None:
    """Register the handlers that turn every error into problem details, or, where ``pages`` renders one, into an
    error page (the web pages' requests)."""
    app.state.error_pages = pages

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return _keyed(request, exc.status, exc.key, exc.values, headers=exc.headers)

    @app.exception_handler(WorkflowError)
    async def _workflow(request: Request, exc: WorkflowError) -> Response:
        return _keyed(request, exc.status, exc.key, exc.values)

    @app.exception_handler(CreditsError)
    async def _credits(request: Request, exc: CreditsError) -> Response:
        return _keyed(request, exc.status, exc.key, exc.values)

    @app.exception_handler(UserError)
    async def _user(request: Request, exc: UserError) -> Response:
        status = {"user.exists": 409, "user.not_found": 404, "token.not_found": 404}.get(exc.key, 422)
        return _keyed(request, status, exc.key, exc.values)

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: ValidationError) -> Response:
        file = exc.errors[0].file if exc.errors else "-"
        if isinstance(exc, UploadTooLarge):  # the file as a whole (too large to open): its own message
            first = exc.errors[0]
            return problem(
                request, exc.status, first.message_zh, first.message_en, type_="urn:transcarbon:problem:upload.limit"
            )
        return _keyed(
            request,
            422,
            "wf.invalid",
            {"file": file, "count": exc.total},
            errors=[e.as_dict() for e in exc.errors],
            errors_total=exc.total,
            errors_omitted=exc.omitted,
            error_counts=exc.tally.as_list(),
        )

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)[:500]
        return _keyed(request, 422, "http.invalid_request", {"detail": detail}, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        key = "http.not_found" if exc.status_code == 404 else "http.error"
        return _keyed(request, exc.status_code, key, {"status": exc.status_code}, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        ref = secrets.token_hex(6)
        log.exception("unhandled error %s on %s %s", ref, request.method, request.url.path)
        return _keyed(request, 500, "http.internal", {"ref": ref})
