"""The public portal (公众门户, anonymous and read-only): the plan's indicators with their lights, the city's totals
and trends, methods and sources, open-data downloads (CSV, JSON) of published aggregates, and the place of the
green-trip credits (绿色出行碳普惠, ``/public/credits`` once that page exists).

Only published, city-level aggregates are shown: the evaluated indicators and the city's inventory totals. Nothing
per enterprise or organisation, no warnings, no lineage of enterprise rows, no link into the internal pages."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.city.config import Indicator
from transcarbon.services import figures
from transcarbon.web.analysis import evaluation_of, not_found, shown_year
from transcarbon.web.cockpit_figures import path_figure
from transcarbon.web.common import Page, figure, plot
from transcarbon.web.pages_cockpit import _light_label, _status_label

router = APIRouter()

CREDITS_PATH = "/public/credits"
"""Where the green-trip credits' citizen page will live (built apart); the portal links it once it is routed."""
DATASETS = ("indicators", "city_totals")
"""The open data sets: the evaluated indicators of the newest year, the city's totals of every year."""
_TOTALS = ("co2_t", "co2e_t", "energy_tce", "intensity_kgco2_per_converted_tkm")


def _published_indicators(page: Page, year: int) -> list[dict[str, Any]]:
    """Each indicator of ``year`` as published: id, names, value, unit, targets, light and status (city level)."""
    ev = evaluation_of(page, year)
    out = []
    for r in ev["indicators"]:
        ind = page.city.indicator(r["id"])
        milestone = r.get("unit") == "milestone"
        out.append(
            {
                "id": r["id"],
                "section": ind.section,
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "year": year,
                "value": None if milestone else r.get("value"),
                "unit": r.get("unit"),
                **{f"target_{ty}": ind.target_value(ty) for ty in page.city.target_years},
                "light": r.get("light") or "grey",
                "status": r.get("status"),
            }
        )
    return out


def _city_totals(page: Page) -> list[dict[str, Any]]:
    return [{"year": s["year"], **{k: s.get(k) for k in _TOTALS}} for s in figures.city_series(page.session)]


def _status(page: Page, status: str | None) -> str:
    """A status in words: the pages' name of it, else the portal's (milestones), never the code."""
    if status and page.has(f"web.status.{status}"):
        return _status_label(page, status)
    return page.t(f"pub.status.{status}") if status and page.has(f"pub.status.{status}") else "—"


def _credits_routed(page: Page) -> bool:
    return any(getattr(r, "path", None) == CREDITS_PATH for r in page.request.app.routes)


@router.get("/public", name="web.public")
def portal(page: Page) -> Response:
    y = shown_year(page, None)
    ctx: dict[str, Any] = {"credits_url": CREDITS_PATH if _credits_routed(page) else None, "year": y}
    if y is None:
        return page.render("public.html", {**ctx, "indicators": [], "series": []})
    inds = _published_indicators(page, y)
    series = _city_totals(page)
    rows = [
        {
            **r,
            "name": page.name(r["name_zh"], r["name_en"]),
            "light_label": _light_label(page, r["light"]),
            "status_label": _status(page, r["status"]),
            "milestone": r["unit"] == "milestone",
            "url": page.path("public_indicator", indicator_id=r["id"]),
        }
        for r in inds
    ]
    counts = {lt: sum(1 for r in rows if r["light"] == lt) for lt in ("green", "yellow", "red", "grey")}
    trend = figure(
        [
            {
                "type": "bar",
                "name": page.t("pub.chart.co2"),
                "x": [s["year"] for s in series],
                "y": [(s["co2_t"] or 0) / 10_000 for s in series],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{x}: %{y:,.1f}<extra></extra>",
            }
        ],
        {"yaxis": {"title": {"text": page.t("pub.unit.wan_t")}, "rangemode": "tozero"}, "xaxis": {"dtick": 1}},
    )
    intensity = figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": page.t("pub.chart.intensity"),
                "x": [s["year"] for s in series],
                "y": [1000 * (s["intensity_kgco2_per_converted_tkm"] or 0) for s in series],
                "line": {"color": "#e07b39", "width": 3},
            }
        ],
        {"yaxis": {"title": {"text": page.t("pub.unit.g_per_tkm")}, "rangemode": "tozero"}, "xaxis": {"dtick": 1}},
    )
    latest = series[-1] if series else None
    ctx.update(
        indicators=rows,
        counts=counts,
        latest=latest,
        series=series,
        trend_chart=plot(trend, page.t("pub.chart.co2_title"), 300),
        intensity_chart=plot(intensity, page.t("pub.chart.intensity_title"), 300),
        datasets=[(d, page.t(f"pub.data.{d}")) for d in DATASETS],
    )
    return page.render("public.html", ctx)


@router.get("/public/indicators/{indicator_id}", name="web.public_indicator")
def public_indicator(page: Page, indicator_id: str) -> Response:
    try:
        ind: Indicator = page.city.indicator(indicator_id)
    except KeyError:
        return not_found(page, page.t("web.indicator.unknown", id=indicator_id[:80]))
    y = shown_year(page, None)
    if y is None:
        return page.render("empty.html", {"title": page.name(ind.name_zh, ind.name_en)})
    row = next(r for r in evaluation_of(page, y)["indicators"] if r["id"] == ind.id)
    hist = [
        {
            "year": h["year"],
            "value": h.get("value"),
            "light": _light_label(page, h.get("light")),
            "status": _status(page, h.get("status")),
        }
        for h in row["history"]
    ]
    formula = ind.computation.formula
    ctx = {
        "ind": ind,
        "row": row,
        "year": y,
        "name": page.name(ind.name_zh, ind.name_en),
        "history": hist,
        "targets": [(yr, ind.target(yr)) for yr in page.city.target_years],
        "light": row.get("light") or "grey",
        "status_label": _status(page, row.get("status")),
        "departments": [page.dept(d) for d in ind.departments],
        "formula": (formula.zh if page.lang == "zh" else formula.en) if formula else None,
        "chart": plot(path_figure(page, ind, row, row["history"]), page.name(ind.name_zh, ind.name_en), 320),
    }
    return page.render("public_indicator.html", ctx)


@router.get("/public/data/{name}.{fmt}", name="web.public_data")
def public_data(page: Page, name: str, fmt: str) -> Response:
    """An open data set (:data:`DATASETS`) as CSV (UTF-8 with BOM) or JSON: published city aggregates only."""
    if name not in DATASETS or fmt not in ("csv", "json"):
        return not_found(page, page.t("pub.data.unknown"))
    y = shown_year(page, None)
    rows: list[dict[str, Any]] = []
    if y is not None:
        rows = _published_indicators(page, y) if name == "indicators" else _city_totals(page)
    disposition = {"Content-Disposition": f'attachment; filename="{page.city.city.id}_{name}.{fmt}"'}
    if fmt == "json":
        body = {
            "dataset": name,
            "city": page.city.city.id,
            "note_zh": page.t("pub.data.note"),
            "rows": rows,
        }
        return Response(
            json.dumps(body, ensure_ascii=False, default=str, indent=1),
            media_type="application/json",
            headers=disposition,
        )
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return Response(
        ("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=disposition
    )
