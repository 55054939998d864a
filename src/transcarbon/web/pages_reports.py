"""The stage-evaluation report page and its downloads (PDF, XLSX), rendered by :mod:`transcarbon.reports`;
every download is audited."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response

from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
from transcarbon.services import audit, figures
from transcarbon.services.database import transaction
from transcarbon.web.analysis import ACTOR, not_found, shown_year
from transcarbon.web.common import Page, YearQuery

YearPath = Annotated[int, Path(ge=1900, le=2100)]

router = APIRouter()


@router.get("/reports", name="web.reports")
def reports_page(page: Page, year: YearQuery = None) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    y = shown_year(page, year)
    return page.render("reports.html", {"year": y, "years": figures.years(page.session)})


def _report_file(page: Page, year: int, kind: str) -> Response:
    data = build_report(page.session, page.city, year, actor=ACTOR, factory=page.state.factory)
    body = render_pdf(data) if kind == "pdf" else render_xlsx(data)
    page.session.rollback()
    with transaction(page.state.factory) as session:
        audit.append(
            session,
            actor=page.principal.username,
            action="export.report",
            object_type="report",
            object_id=f"stage_evaluation/{year}",
            details={"format": kind},
        )
    name = f"阶段评估-{year}.{kind}"
    media = "application/pdf" if kind == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


@router.get("/reports/stage-{year}.pdf", name="web.report_pdf")
def report_pdf(page: Page, year: YearPath) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    if year not in figures.years(page.session):
        return not_found(page, page.t("web.reports.no_year", year=year))
    return _report_file(page, year, "pdf")


@router.get("/reports/stage-{year}.xlsx", name="web.report_xlsx")
def report_xlsx(page: Page, year: YearPath) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    if year not in figures.years(page.session):
        return not_found(page, page.t("web.reports.no_year", year=year))
    return _report_file(page, year, "xlsx")
