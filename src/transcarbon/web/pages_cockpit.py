"""The cockpit (驾驶舱: the year's indicators with lights, CO2 and intensity, the headline path, warnings)
and an indicator's page (history, targets, why its status, its path and forecast band, lineage links)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.city.config import Indicator
from transcarbon.i18n import sector_name
from transcarbon.i18n.numbers import format_number
from transcarbon.i18n.palette import LIGHT_COLOURS
from transcarbon.services import figures
from transcarbon.services.evaluation import LIGHTS, target_key
from transcarbon.web.analysis import evaluation_of, not_found, shown_year
from transcarbon.web.common import Page, Table, YearQuery, figure, plot, sparkline

router = APIRouter()


def _internal(page: Page) -> bool:
    """Warnings and lineage are internal: reporters (and the public) see the published aggregates only."""
    return page.principal.may("evaluation.read")


def _light_label(page: Page, light: str | None) -> str:
    return page.t(f"web.light.{light or 'grey'}")


def _status_label(page: Page, status: str | None) -> str:
    key = f"web.status.{status}"
    return page.t(key) if status and page.has(key) else (status or "—")


# --------------------------------------------------------------------------- cockpit


@router.get("/cockpit", name="web.cockpit")
def cockpit(page: Page, year: YearQuery = None) -> Response:
    if (denied := page.guard("cockpit")) is not None:
        return denied
    y = shown_year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.cockpit")})
    series = figures.city_series(page.session)
    ev = evaluation_of(page, y)
    inds = ev["indicators"]
    counts = {lt: sum(1 for r in inds if r["light"] == lt) for lt in LIGHTS}
    warns = ev["warnings"] if _internal(page) else []  # most severe first
    target_years = page.city.target_years
    sev_counts: dict[str, int] = {}
    for w in warns:
        sev_counts[str(w.get("severity"))] = sev_counts.get(str(w.get("severity")), 0) + 1
    total = next((s for s in series if s["year"] == y), None)
    base = series[0] if series else None
    rows = []
    for r in inds:
        milestone = r.get("unit") == "milestone"
        rows.append(
            {
                "light": r.get("light") or "grey",
                "light_label": _light_label(page, r.get("light")),
                "name": page.name(r["name_zh"], r["name_en"]),
                "id": r["id"],
                "value": None if milestone else r.get("value"),
                "milestone": _status_label(page, r.get("status")) if milestone else None,
                "unit": r.get("unit"),
                **{target_key(ty): r[target_key(ty)] for ty in target_years},
                "completion": r.get("completion_to_date"),
                "status": _status_label(page, r.get("status")),
                "url": page.path("indicator", indicator_id=r["id"], query={"year": y}),
                "spark": sparkline([h["value"] for h in r["history"]], LIGHT_COLOURS.get(r["light"], "#555")),
            }
        )
    targets = [(target_key(ty), page.t("web.col.target", year=ty)) for ty in target_years]
    table = Table(
        "indicators",
        [
            ("light_label", page.t("web.col.light")),
            ("name", page.t("web.col.indicator")),
            ("value", page.t("web.col.value")),
            ("unit", page.t("web.col.unit")),
            *targets,
            ("status", page.t("web.col.status")),
        ],
        rows,
        numeric=frozenset({"value", *[key for key, _ in targets]}),
    )
    co2_fig = figure(
        [
            {
                "type": "bar",
                "name": page.t("web.chart.co2_kt"),
                "x": [s["year"] for s in series],
                "y": [s["co2_t"] / 1000 for s in series],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{x}: %{y:,.0f} kt<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": page.t("web.chart.intensity"),
                "yaxis": "y2",
                "x": [s["year"] for s in series],
                "y": [1000 * (s["intensity_kgco2_per_converted_tkm"] or 0) for s in series],
                "line": {"color": "#e07b39", "width": 3},
            },
        ],
        {
            "yaxis": {"title": {"text": "kt CO2"}, "rangemode": "tozero"},
            "yaxis2": {"title": {"text": "gCO2/t·km"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
            "xaxis": {"dtick": 1},
        },
    )
    main_id = "converted_turnover_co2_intensity"
    main_row = next(r for r in inds if r["id"] == main_id)
    path_fig = _path_figure(page, page.city.indicator(main_id), main_row, main_row["history"])
    ctx = {
        "year": y,
        "years": figures.years(page.session),
        "total": total,
        "base": base,
        "counts": counts,
        "warnings": warns[:6],
        "warning_count": len(warns),
        "severity_counts": sev_counts,
        "targets": targets,
        "co2_chart": plot(co2_fig, page.t("web.chart.co2_title"), 300),
        "path_chart": plot(path_fig, page.t("web.chart.path_title"), 300),
        "total_lineage": page.path("lineage", result_id=total["result_id"]) if total else None,
    }
    return page.render("cockpit.html", ctx, tables=[table])


def _path_figure(page: Page, ind: Indicator, row: dict[str, Any] | None, hist: list[dict[str, Any]]) -> dict[str, Any]:
    """History, the target path from the base year through each target, and the forecast band."""
    data: list[dict[str, Any]] = []
    xs = [h["year"] for h in hist if h.get("value") is not None]
    ys = [h["value"] for h in hist if h.get("value") is not None]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": page.t("web.chart.actual"),
            "x": xs,
            "y": ys,
            "line": {"color": "#1f6f8b", "width": 3},
        }
    )
    base_year = page.city.base_year_of(ind)
    targets = [(yr, v) for yr in page.city.target_years if (v := ind.target_value(yr)) is not None]
    if targets:
        base_value = (
            0.0 if ind.kind in ("reduction", "growth") else (1.0 if ind.kind == "multiple" else (ys[0] if ys else None))
        )
        if base_value is not None:
            px = [base_year, *[yr for yr, _ in targets]]
            py = [base_value, *[v for _, v in targets]]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": page.t("web.chart.target_path"),
                    "x": px,
                    "y": py,
                    "line": {"color": "#3c8d2f", "dash": "dash", "width": 2},
                    "marker": {"symbol": "diamond", "size": 9},
                }
            )
    fc = (row or {}).get("forecast") or {}
    if fc and fc.get("value") is not None and xs:
        fy = fc.get("year")
        low, high = fc.get("low"), fc.get("high")
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": page.t("web.chart.forecast"),
                "x": [xs[-1], fy],
                "y": [ys[-1], fc["value"]],
                "line": {"color": "#e07b39", "dash": "dot"},
            }
        )
        if low is not None and high is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "fill": "toself",
                    "name": page.t("web.chart.band"),
                    "x": [xs[-1], fy, fy, xs[-1]],
                    "y": [ys[-1], high, low, ys[-1]],
                    "hoverinfo": "skip",
                    "fillcolor": "rgba(224,123,57,0.18)",
                    "line": {"width": 0},
                }
            )
    return figure(
        data,
        {
            "xaxis": {"dtick": 1 if len(xs) < 8 else 5, "title": {"text": page.t("web.col.year")}},
            "yaxis": {"title": {"text": ind.unit}},
        },
    )


# --------------------------------------------------------------------------- indicator


def _reasons(page: Page, ind: Indicator, row: dict[str, Any]) -> list[str]:
    """Why the status is what it is, in plain words."""
    out: list[str] = []
    zh = page.lang == "zh"
    if row.get("value") is None:
        stored = (row.get("details") or {}).get("no_data_reason") or {}
        reason = stored.get("zh" if zh else "en")
        if not reason and ind.computation.no_data_reason:
            reason = ind.computation.no_data_reason.zh if zh else ind.computation.no_data_reason.en
        out.append(page.t("web.why.no_data", reason=reason or "—"))
        return out
    out.append(page.t("web.why.value", value=format_number(row.get("value")), unit=ind.unit))
    comp = row.get("completion_to_date")
    if comp is not None:
        out.append(page.t("web.why.completion", pct=f"{100 * float(comp):.0f}"))
    shortfall = page.city.progress.red_yellow.red_shortfall
    light = row.get("light")
    if light in ("green", "yellow", "red"):
        out.append(page.t(f"web.why.light_{light}", shortfall=f"{100 * shortfall:.0f}"))
    if row.get("sdg_status"):
        out.append(page.t("web.why.sdg", status=_status_label(page, row.get("sdg_status"))))
    fc = row.get("forecast") or {}
    if fc.get("p_meet") is not None:
        out.append(
            page.t(
                "web.why.forecast",
                year=fc.get("year"),
                value=format_number(fc.get("value")),
                low=format_number(fc.get("low")),
                high=format_number(fc.get("high")),
                p=f"{100 * float(fc['p_meet']):.0f}",
            )
        )
    return out


@router.get("/indicators/{indicator_id}", name="web.indicator")
def indicator_page(page: Page, indicator_id: str, year: YearQuery = None) -> Response:
    if (denied := page.guard("indicator")) is not None:
        return denied
    try:
        ind = page.city.indicator(indicator_id)
    except KeyError:
        return not_found(page, page.t("web.indicator.unknown", id=indicator_id))
    y = shown_year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.name(ind.name_zh, ind.name_en)})
    ev = evaluation_of(page, y)
    row = next(r for r in ev["indicators"] if r["id"] == ind.id)
    hist = row["history"]
    hist_rows = [
        {
            "year": h["year"],
            "value": h.get("value"),
            "light": _light_label(page, h.get("light")),
            "status": _status_label(page, h.get("status")),
        }
        for h in hist
    ]
    table = Table(
        "history",
        [
            ("year", page.t("web.col.year")),
            ("value", page.t("web.col.value")),
            ("light", page.t("web.col.light")),
            ("status", page.t("web.col.status")),
        ],
        hist_rows,
        numeric=frozenset({"value"}),
    )
    targets = [{"year": yr, "target": ind.target(yr)} for yr in page.city.target_years]
    lineage_links: list[tuple[str, str]] = []
    if ind.computation.source == "inventory" and page.may("lineage"):
        em = figures.emissions(page.session, y)
        wanted = {str(s) for s in ind.computation.sectors}
        lineage_links = [
            (sector_name(r["sector"], page.lang), page.path("lineage", result_id=r["result_id"]))
            for r in em["by_sector"]
            if r["sector"] in wanted
        ]
    warns = [w for w in ev["warnings"] if w["indicator"] == ind.id] if _internal(page) else []
    ctx = {
        "ind": ind,
        "row": row,
        "year": y,
        "years": figures.years(page.session),
        "targets": targets,
        "reasons": _reasons(page, ind, row),
        "warnings": warns,
        "lineage_links": lineage_links,
        "departments": [page.dept(d) for d in ind.departments],
        "light_label": _light_label(page, row.get("light")),
        "status_label": _status_label(page, row.get("status")),
        "chart": plot(
            _path_figure(page, ind, row, hist),
            page.t("web.chart.path_of", name=page.name(ind.name_zh, ind.name_en)),
            360,
        ),
    }
    return page.render("indicator.html", ctx, tables=[table])
