"""Report types and their templates (XLSX with notes, drop-downs and an example row; CSV)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from transcarbon.api.deps import ContextDep, TemplateReader
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.city.reports import ReportType
from transcarbon.services.templates import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, build_csv, build_xlsx

router = APIRouter(prefix="/report-types", tags=["report types"], responses=PROBLEM_RESPONSES)


def _get(ctx: ContextDep, report_type: str) -> ReportType:
    try:
        return ctx.catalog.get(report_type)
    except KeyError:
        raise Problem(404, "wf.unknown_report_type", id=report_type, allowed=", ".join(ctx.catalog.ids)) from None


@router.get("", summary="All report types with their fields, rules and deadlines")
def list_report_types(_: TemplateReader, ctx: ContextDep) -> list[dict[str, Any]]:
    return [rt.model_dump() for rt in ctx.catalog.report_types]


@router.get("/{report_type}", summary="One report type")
def get_report_type(report_type: str, _: TemplateReader, ctx: ContextDep) -> dict[str, Any]:
    return _get(ctx, report_type).model_dump()


@router.get(
    "/{report_type}/template.xlsx",
    summary="XLSX template",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
def template_xlsx(report_type: str, _: TemplateReader, ctx: ContextDep) -> Response:
    rt = _get(ctx, report_type)
    return Response(
        build_xlsx(rt),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{rt.id}.xlsx"'},
    )


@router.get(
    "/{report_type}/template.csv",
    summary="CSV template (header of field ids)",
    response_class=Response,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}}},
)
def template_csv(report_type: str, _: TemplateReader, ctx: ContextDep) -> Response:
    rt = _get(ctx, report_type)
    return Response(
        build_csv(rt),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{rt.id}.csv"'},
    )
