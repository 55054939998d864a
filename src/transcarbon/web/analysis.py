"""What the analysis pages share: who the runs they make are recorded as, the year a page shows, the
year's evaluation, and the not-found answer."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from transcarbon.services import figures
from transcarbon.services.evaluation import readable, year_evaluation
from transcarbon.web.common import Page

ACTOR = "web"
"""Who the runs a page makes (an evaluation, a decomposition on first view) are recorded as."""


def shown_year(page: Page, asked: int | None) -> int | None:
    """``asked`` if it has an inventory, else the newest year that has one; None before any inventory."""
    ys = figures.years(page.session)
    if not ys:
        return None
    return asked if asked in ys else ys[-1]


def not_found(page: Page, message: str) -> Response:
    return page.render("error.html", {"title": page.t("web.not_found"), "message": message}, status=404)


def evaluation_of(page: Page, year: int) -> dict[str, Any]:
    """The year's evaluation (evaluated on first view, in a transaction of its own), rows with their history; its
    warnings only those the signed-in user may read (per-organisation ones within a department's area)."""
    ev = year_evaluation(page.session, page.city, year, actor=ACTOR, factory=page.state.factory)
    return {**ev, "warnings": readable(page.principal, page.state.ctx.catalog, ev.get("warnings") or [])}
