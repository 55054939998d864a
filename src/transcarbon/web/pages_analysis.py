"""Analysis pages: cockpit (驾驶舱), indicator, emissions (+ LMDI waterfall), lineage, warnings,
department scorecards, and the stage-evaluation report downloads. Each page: parse, read, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.city.config import Indicator
from transcarbon.i18n import fuel_name, sector_name
from transcarbon.i18n.numbers import format_number
from transcarbon.i18n.palette import LIGHT_COLOURS
from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
from transcarbon.services import audit, figures
from transcarbon.services.database import transaction
from transcarbon.services.evaluation import (
    LIGHTS,
    SEVERITY_ORDER,
    DecompositionError,
    decomposition_between,
    department_scorecards,
    target_key,
    year_evaluation,
)
from transcarbon.services.lineage import LineageNotFound, lineage
from transcarbon.web.common import Page, Table, figure, plot, sparkline

router = APIRouter()
ACTOR = "web"
"""Who the runs a page makes (an evaluation, a decomposition on first view) are recorded as."""


def _year(page: Page, asked: int | None) -> int | None:
    ys = figures.years(page.session)
    if not ys:
        return None
    return asked if asked in ys else ys[-1]


def _not_found(page: Page, message: str) -> Response:
    return page.render("error.html", {"title": page.t("web.not_found"), "message": message}, status=404)


def _forbidden(page: Page) -> Response:
    return page.render(
        "error.html",
        {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
        status=403,
    )


def _internal(page: Page) -> bool:
    """Warnings and lineage are internal: reporters (and the public) see the published aggregates only."""
    return page.principal.may("evaluation.read")


def _light_label(page: Page, light: str | None) -> str:
    return page.t(f"web.light.{light or 'grey'}")


def _status_label(page: Page, status: str | None) -> str:
    key = f"web.status.{status}"
    return page.t(key) if status and page.has(key) else (status or "—")


def _evaluation(page: Page, year: int) -> dict[str, Any]:
    """The year's evaluation (evaluated on first view, in a transaction of its own), rows with their history."""
    return year_evaluation(page.session, page.city, year, actor=ACTOR, factory=page.state.factory)


# --------------------------------------------------------------------------- cockpit


@router.get("/cockpit", name="web.cockpit")
def cockpit(page: Page, year: int | None = None) -> Response:
    if (denied := page.guard("cockpit")) is not None:
        return denied
    y = _year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.cockpit")})
    series = figures.city_series(page.session)
    ev = _evaluation(page, y)
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
def indicator_page(page: Page, indicator_id: str, year: int | None = None) -> Response:
    if (denied := page.guard("indicator")) is not None:
        return denied
    try:
        ind = page.city.indicator(indicator_id)
    except KeyError:
        return _not_found(page, page.t("web.indicator.unknown", id=indicator_id))
    y = _year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.name(ind.name_zh, ind.name_en)})
    ev = _evaluation(page, y)
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


# --------------------------------------------------------------------------- emissions


@router.get("/emissions", name="web.emissions")
def emissions_page(
    page: Page, year: int | None = None, year_from: int | None = None, year_to: int | None = None
) -> Response:
    if (denied := page.guard("emissions")) is not None:
        return denied
    y = _year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.emissions")})
    ys = figures.years(page.session)
    em = figures.emissions(page.session, y)
    lang = page.lang
    sec_rows = [
        {
            "sector": sector_name(r["sector"], lang),
            "co2_t": r["co2_t"],
            "co2e_t": r["co2e_t"],
            "energy_tce": r["energy_tce"],
            "converted_tkm": r["converted_tkm"],
            "intensity": r["intensity_kgco2_per_converted_tkm"],
            "lines": r["line_count"],
            "lineage": page.path("lineage", result_id=r["result_id"]),
        }
        for r in em["by_sector"]
    ]
    t_sector = Table(
        "by_sector",
        [
            ("sector", page.t("web.col.sector")),
            ("co2_t", "CO2 (t)"),
            ("co2e_t", "CO2e (t)"),
            ("energy_tce", page.t("web.col.energy_tce")),
            ("converted_tkm", page.t("web.col.converted_tkm")),
            ("intensity", "kgCO2/t·km"),
            ("lines", page.t("web.col.lines")),
        ],
        sec_rows,
        numeric=frozenset({"co2_t", "co2e_t", "energy_tce", "converted_tkm", "intensity", "lines"}),
        links={"co2_t": "lineage"},
    )
    fuel_rows = [
        {"fuel": fuel_name(r["fuel"], lang), "co2_t": r["co2_t"], "energy_tce": r["energy_tce"], "lines": r["lines"]}
        for r in em["by_fuel"]
    ]
    t_fuel = Table(
        "by_fuel",
        [
            ("fuel", page.t("web.col.fuel")),
            ("co2_t", "CO2 (t)"),
            ("energy_tce", page.t("web.col.energy_tce")),
            ("lines", page.t("web.col.lines")),
        ],
        fuel_rows,
        numeric=frozenset({"co2_t", "energy_tce", "lines"}),
    )
    org_rows = [
        {
            "org": page.name(r["name_zh"], r["name_en"]),
            "org_id": r["org_id"],
            "sector": sector_name(r["sector"], lang),
            "co2_t": r["co2_t"],
            "energy_tce": r["energy_tce"],
            "lineage": page.path("lineage", result_id=r["result_id"]),
        }
        for r in em["by_org"]
        if page.principal.may_read_records(page.state.ctx.catalog, r["org_id"])
    ]
    t_org = Table(
        "by_org",
        [
            ("org", page.t("web.col.org")),
            ("org_id", "ID"),
            ("sector", page.t("web.col.sector")),
            ("co2_t", "CO2 (t)"),
            ("energy_tce", page.t("web.col.energy_tce")),
        ],
        org_rows,
        numeric=frozenset({"co2_t", "energy_tce"}),
        links={"co2_t": "lineage"},
    )
    month_rows = [
        {
            "month": r["month"],
            "sector": sector_name(r["sector"], lang),
            "co2_t": r["co2_t"],
            "lineage": page.path("lineage", result_id=r["result_id"]),
        }
        for r in em["by_sector_month"]
    ]
    t_month = Table(
        "by_month",
        [("month", page.t("web.col.month")), ("sector", page.t("web.col.sector")), ("co2_t", "CO2 (t)")],
        month_rows,
        numeric=frozenset({"co2_t"}),
        links={"co2_t": "lineage"},
    )
    sectors = sorted({r["sector"] for r in em["by_sector_month"]})
    month_fig = figure(
        [
            {
                "type": "bar",
                "name": sector_name(s, lang),
                "x": [r["month"] for r in em["by_sector_month"] if r["sector"] == s],
                "y": [r["co2_t"] / 1000 for r in em["by_sector_month"] if r["sector"] == s],
                "customdata": [
                    page.path("lineage", result_id=r["result_id"]) for r in em["by_sector_month"] if r["sector"] == s
                ],
                "hovertemplate": "%{x}: %{y:,.1f} kt<extra>" + sector_name(s, lang) + "</extra>",
            }
            for s in sectors
        ],
        {
            "barmode": "stack",
            "xaxis": {"dtick": 1, "title": {"text": page.t("web.col.month")}},
            "yaxis": {"title": {"text": "kt CO2"}},
        },
    )
    sector_fig = figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["co2_t"] / 1000 for r in em["by_sector"]][::-1],
                "y": [sector_name(r["sector"], lang) for r in em["by_sector"]][::-1],
                "customdata": [page.path("lineage", result_id=r["result_id"]) for r in em["by_sector"]][::-1],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{y}: %{x:,.1f} kt<extra></extra>",
            }
        ],
        {"margin": {"l": 110, "r": 20, "t": 20, "b": 40}, "xaxis": {"title": {"text": "kt CO2"}}},
    )
    fuel_fig = figure(
        [
            {
                "type": "pie",
                "hole": 0.45,
                "labels": [r["fuel"] for r in fuel_rows],
                "values": [r["co2_t"] for r in fuel_rows],
                "sort": False,
                "textinfo": "label+percent",
            }
        ],
        {"showlegend": False, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}},
    )
    y0 = year_from if year_from in ys else ys[0]
    y1 = year_to if year_to in ys else ys[-1]
    try:
        dec: dict[str, Any] | None = decomposition_between(
            page.session, y0, y1, actor=ACTOR, factory=page.state.factory
        )
        lmdi_problem = None
    except DecompositionError as exc:  # the same year twice, or a year without inventory
        dec, lmdi_problem = None, page.t(exc.key, **exc.values)
    waterfall = _waterfall(page, y0, y1, dec["effects"], dec["total"]) if dec else None
    effects: list[str] = dec["effects"] if dec else []
    columns = ("co2_from_t", "co2_to_t", "delta_co2_t", *effects)
    lmdi_rows = [
        {"sector": sector_name(r["sector"], lang), **{k: r[k] for k in columns}}
        for r in (dec["by_sector"] if dec else [])
    ]
    t_lmdi = Table(
        "lmdi",
        [
            ("sector", page.t("web.col.sector")),
            ("co2_from_t", f"CO2 {y0} (t)"),
            ("co2_to_t", f"CO2 {y1} (t)"),
            ("delta_co2_t", "ΔCO2 (t)"),
            *[(e, page.t(f"web.lmdi.{e}")) for e in effects],
        ],
        lmdi_rows,
        numeric=frozenset(columns),
    )
    ctx = {
        "year": y,
        "years": ys,
        "em": em,
        "year_from": y0,
        "year_to": y1,
        "lmdi_problem": lmdi_problem,
        "excluded": [sector_name(o["sector"], lang) for o in (dec["outside"]["sectors"] if dec else [])],
        "total_lineage": page.path("lineage", result_id=em["total"]["result_id"]) if em["total"] else None,
        "sector_chart": plot(sector_fig, page.t("web.chart.by_sector", year=y), 320),
        "fuel_chart": plot(fuel_fig, page.t("web.chart.by_fuel", year=y), 320),
        "month_chart": plot(month_fig, page.t("web.chart.by_month", year=y), 340),
        "waterfall": plot(waterfall, page.t("web.chart.waterfall", y0=y0, y1=y1), 360) if waterfall else None,
    }
    return page.render("emissions.html", ctx, tables=[t_sector, t_fuel, t_month, t_org, t_lmdi])


def _waterfall(page: Page, y0: int, y1: int, effects: list[str], total: dict[str, float]) -> dict[str, Any]:
    """CO2 of ``y0``, the LMDI ``effects`` and CO2 of ``y1`` [kt] as a waterfall."""
    return figure(
        [
            {
                "type": "waterfall",
                "orientation": "v",
                "x": [str(y0), *[page.t(f"web.lmdi.{e}") for e in effects], str(y1)],
                "measure": ["absolute", *["relative"] * len(effects), "total"],
                "y": [total["co2_from_t"] / 1000, *[total[e] / 1000 for e in effects], 0],
                "text": [
                    f"{total['co2_from_t'] / 1000:,.0f}",
                    *[f"{total[e] / 1000:+,.0f}" for e in effects],
                    f"{total['co2_to_t'] / 1000:,.0f}",
                ],
                "textposition": "outside",
                "increasing": {"marker": {"color": "#c0392b"}},
                "decreasing": {"marker": {"color": "#1b7f3b"}},
                "totals": {"marker": {"color": "#1f6f8b"}},
                "connector": {"line": {"color": "#888"}},
            }
        ],
        {"yaxis": {"title": {"text": "kt CO2"}}, "showlegend": False},
    )


# --------------------------------------------------------------------------- lineage


@router.get("/lineage/{result_id}", name="web.lineage")
def lineage_page(page: Page, result_id: int, limit: int = 200) -> Response:
    if (denied := page.guard("lineage")) is not None:
        return denied
    try:
        tree = lineage(page.session, result_id)
    except LineageNotFound:
        return _not_found(page, page.t("web.lineage.unknown", id=result_id))
    org = tree["result"]["org_id"] if isinstance(tree["result"], dict) else None
    if not page.principal.may_read_records(page.state.ctx.catalog, org):  # inputs: other organisations' rows
        return _forbidden(page)
    res = tree["result"]
    assert isinstance(res, dict)
    inputs: list[dict[str, Any]] = tree["inputs"]  # type: ignore[assignment]
    lang = page.lang
    in_rows = []
    for i in inputs:
        rec, batch, comp = i["record"], i["batch"], i["computed"]
        in_rows.append(
            {
                "record_id": i["record_id"],
                "source": batch.get("file_name") or batch.get("label"),
                "batch_id": batch.get("id"),
                "file_sha256": (batch.get("file_sha256") or "")[:12],
                "row": i["row_number"],
                "org_id": rec["org_id"],
                "period": rec["period"],
                "sector": sector_name(rec["sector"], lang),
                "fuel": fuel_name(rec["fuel"], lang) if rec["fuel"] else "",
                "amount": rec["amount"],
                "unit": rec["unit"],
                "freight_tkm": rec["freight_tkm"],
                "passenger_pkm": rec["passenger_pkm"],
                "co2_t": comp["co2_t"],
                "notes": i.get("notes") or "",
            }
        )
    t_inputs = Table(
        "inputs",
        [
            ("record_id", page.t("web.col.record")),
            ("source", page.t("web.col.file")),
            ("row", page.t("web.col.row")),
            ("org_id", page.t("web.col.org")),
            ("period", page.t("web.col.period")),
            ("sector", page.t("web.col.sector")),
            ("fuel", page.t("web.col.fuel")),
            ("amount", page.t("web.col.amount")),
            ("unit", page.t("web.col.unit")),
            ("freight_tkm", "t·km"),
            ("passenger_pkm", "p·km"),
            ("co2_t", "CO2 (t)"),
            ("notes", page.t("web.col.notes")),
        ],
        in_rows,
        numeric=frozenset({"amount", "freight_tkm", "passenger_pkm", "co2_t"}),
    )
    factors: list[dict[str, Any]] = tree["factors"]  # type: ignore[assignment]
    f_rows = [
        {
            "kind": f["kind"],
            "set": f.get("set"),
            "version": f.get("version", ""),
            "key": ", ".join(f"{k}={v}" for k, v in (f.get("key") or {}).items()),
            "values": ", ".join(f"{k}={v}" for k, v in (f.get("values") or {}).items()),
            "source": f.get("source"),
            "status": f.get("status") or "",
            "sha": str(f.get("sha256") or "")[:12],
        }
        for f in factors
    ]
    t_factors = Table(
        "factors",
        [
            ("kind", page.t("web.col.kind")),
            ("set", page.t("web.col.set")),
            ("version", page.t("web.col.version")),
            ("key", page.t("web.col.key")),
            ("values", page.t("web.col.values")),
            ("source", page.t("web.col.source")),
            ("status", page.t("web.col.status")),
            ("sha", "SHA-256"),
        ],
        f_rows,
    )
    dims = [
        (page.t("web.col.year"), res["year"]),
        (page.t("web.col.month"), res["month"]),
        (page.t("web.col.sector"), sector_name(res["sector"], lang) if res["sector"] else None),
        (page.t("web.col.org"), res["org_id"]),
    ]
    shown = max(1, min(limit, 5000))
    ctx = {
        "tree": tree,
        "res": res,
        "run": tree["run"],
        "dims": [(k, v) for k, v in dims if v is not None],
        "check": tree["check"],
        "formula": tree["formula"],
        "shown": shown,
        "input_total": len(in_rows),
    }
    full = page.request.query_params.get("csv") == "inputs"
    view = t_inputs if full else Table(t_inputs.name, t_inputs.columns, in_rows[:shown], t_inputs.numeric)
    return page.render("lineage.html", ctx, tables=[view, t_factors])


# --------------------------------------------------------------------------- warnings, scorecards


@router.get("/warnings", name="web.warnings_inbox")
def warnings_page(
    page: Page, year: int | None = None, severity: str | None = None, department: str | None = None
) -> Response:
    if (denied := page.guard("warnings_inbox")) is not None:
        return denied
    y = _year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.warnings")})
    warns = _evaluation(page, y)["warnings"]  # most severe first
    severity = severity or None
    department = department or None
    if page.principal.role == "department" and page.principal.department_id and department is None:
        department = page.principal.department_id
    shown = [
        w
        for w in warns
        if (severity is None or w.get("severity") == severity)
        and (department is None or department in (w.get("departments") or []))
    ]
    known = {i.id for i in page.city.indicators}
    rows = []
    for w in shown:
        sev_key = f"web.severity.{w.get('severity')}"
        rows.append(
            {
                "severity": page.t(sev_key) if page.has(sev_key) else w.get("severity"),
                "severity_id": w.get("severity"),
                "kind": w.get("kind"),
                "indicator": w.get("indicator"),
                "url": page.path("indicator", indicator_id=w["indicator"], query={"year": y})
                if w.get("indicator") in known
                else None,
                "message": w.get("message_zh") if page.lang == "zh" else w.get("message_en"),
                "departments": "、".join(page.dept(d) for d in (w.get("departments") or [])),
                "first_seen": (w["first_seen_at"] or "")[:10],
            }
        )
    table = Table(
        "warnings",
        [
            ("severity", page.t("web.col.severity")),
            ("kind", page.t("web.col.kind")),
            ("indicator", page.t("web.col.indicator")),
            ("message", page.t("web.col.message")),
            ("departments", page.t("web.col.departments")),
            ("first_seen", page.t("web.col.first_seen")),
        ],
        rows,
    )
    counts: dict[str, int] = {}
    for w in warns:
        counts[str(w.get("severity"))] = counts.get(str(w.get("severity")), 0) + 1
    ctx = {
        "year": y,
        "years": figures.years(page.session),
        "counts": counts,
        "severity": severity,
        "severities": list(SEVERITY_ORDER),
        "department": department,
        "departments": page.city.departments,
    }
    return page.render("warnings.html", ctx, tables=[table])


@router.get("/scorecards", name="web.scorecards")
def scorecards_page(page: Page, year: int | None = None) -> Response:
    if (denied := page.guard("scorecards")) is not None:
        return denied
    y = _year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.scorecards")})
    cards = department_scorecards(page.session, page.city, y, actor=ACTOR, factory=page.state.factory)
    rows = [
        {
            "department": page.name(c["name_zh"], c["name_en"]),
            "indicators": c["indicators"],
            **{light: c[light] for light in LIGHTS},
            "score": c["score"],
            "grade": page.name(c["grade_zh"] or "—", c["grade_en"] or "—") + (" ⚑" if c["vetoed"] else ""),
        }
        for c in cards
    ]
    table = Table(
        "scorecards",
        [
            ("department", page.t("web.col.department")),
            ("indicators", page.t("web.col.indicators")),
            ("green", page.t("web.light.green")),
            ("yellow", page.t("web.light.yellow")),
            ("red", page.t("web.light.red")),
            ("grey", page.t("web.light.grey")),
            ("score", page.t("web.col.score")),
            ("grade", page.t("web.col.grade")),
        ],
        rows,
        numeric=frozenset({"indicators", "green", "yellow", "red", "grey", "score"}),
    )
    scored = [r for r in rows if r["score"] is not None]
    fig = figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["score"] for r in scored][::-1],
                "y": [r["department"] for r in scored][::-1],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{y}: %{x:.0f}<extra></extra>",
            }
        ],
        {"margin": {"l": 200, "r": 20, "t": 20, "b": 40}, "xaxis": {"range": [0, 100]}},
    )
    chart = plot(fig, page.t("web.chart.scores", year=y), 40 + 28 * len(scored))
    return page.render(
        "scorecards.html", {"year": y, "years": figures.years(page.session), "chart": chart}, tables=[table]
    )


# --------------------------------------------------------------------------- reports


@router.get("/reports", name="web.reports")
def reports_page(page: Page, year: int | None = None) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    y = _year(page, year)
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
def report_pdf(page: Page, year: int) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    if year not in figures.years(page.session):
        return _not_found(page, page.t("web.reports.no_year", year=year))
    return _report_file(page, year, "pdf")


@router.get("/reports/stage-{year}.xlsx", name="web.report_xlsx")
def report_xlsx(page: Page, year: int) -> Response:
    if (denied := page.guard("reports")) is not None:
        return denied
    if year not in figures.years(page.session):
        return _not_found(page, page.t("web.reports.no_year", year=year))
    return _report_file(page, year, "xlsx")
