"""The error page: what a person sees when a request for a page fails (an address that does not exist, a value
that is not allowed, an error on the server): HTML with the status and the message in the page's language, the
other language below, never a trace or JSON. It needs nothing but the request (no database, no session), so it
can answer whatever went wrong; the composition root hands it to the problem handlers for every path outside the
API."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import HTMLResponse

from transcarbon.i18n import Lang, t
from transcarbon.web.common import LANG_COOKIE, environment


def _lang(request: Request) -> Lang:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if asked == "en" else "zh"


def error_page(request: Request, status: int, zh: str, en: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The HTML error page for ``status`` with the message in both languages (the page's first)."""
    lang = _lang(request)
    html = (
        environment()
        .get_template("problem.html")
        .render(
            lang=lang,
            status=status,
            title=HTTPStatus(status).phrase,
            app_name=t("web.app_name", lang),
            message=zh if lang == "zh" else en,
            other=en if lang == "zh" else zh,
            back=t("web.back_home", lang),
        )
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response
