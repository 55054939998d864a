"""The emissions page: the year's CO2 by sector, fuel, month and organisation (each figure linked to its
lineage), and the LMDI decomposition of the change between two years as a table and a waterfall.

Units, one per table and chart and stated in its heading: CO2 in 万吨 (10⁴ t, as on the cockpit) except the
organisations' table in whole tonnes (one enterprise's CO2), energy in tce, converted turnover in 亿吨公里
(10⁸ t·km), intensity in g CO2 per converted t·km. Values are rounded once here (:func:`_wan`, :func:`_yi`) so
the CSV export carries no binary float noise; the page shows the decimals :data:`UNIT_DIGITS` gives each unit.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.i18n import fuel_name, sector_name
from transcarbon.i18n.numbers import UNIT_DIGITS
from transcarbon.services import figures
from transcarbon.services.evaluation import DecompositionError, decomposition_between
from transcarbon.web.analysis import ACTOR, shown_year
from transcarbon.web.common import Page, Table, YearQuery, figure, plot

router = APIRouter()

T_PER_WAN_T = 1e4
"""Tonnes in one 万吨 (10⁴ t)."""
TKM_PER_YI_TKM = 1e8
"""Tonne-kilometres in one 亿吨公里 (10⁸ t·km)."""
WAN = UNIT_DIGITS["万吨CO2"]
"""Decimals of a CO2 figure in 万吨 (one: 0.1 万吨 = 1,000 t)."""


def _wan(tonnes: float | None) -> float | None:
    """Tonnes of CO2 in 万吨 [10⁴ t], rounded to 0.01 t (no binary noise in the CSV)."""
    return None if tonnes is None else round(tonnes / T_PER_WAN_T, 6)


def _yi(tkm: float | None) -> float | None:
    """Tonne-kilometres in 亿吨公里 [10⁸ t·km], rounded to 1 t·km."""
    return None if tkm is None else round(tkm / TKM_PER_YI_TKM, 8)


def _g(kg_per_tkm: float | None) -> float | None:
    """An intensity in kg CO2 per t·km as g CO2 per t·km [g = 1,000 × kg], rounded to 10⁻⁶ g."""
    return None if kg_per_tkm is None else round(kg_per_tkm * 1000, 6)


@router.get("/emissions", name="web.emissions")
def emissions_page(
    page: Page,
    year: YearQuery = None,
    year_from: YearQuery = None,
    year_to: YearQuery = None,
    electricity: Literal["calorific", "primary"] = "calorific",
) -> Response:
    if (denied := page.guard("emissions")) is not None:
        return denied
    y = shown_year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.emissions")})
    ys = figures.years(page.session)
    em = figures.emissions(page.session, y)
    lang = page.lang
    sec_rows = [
        {
            "sector": sector_name(r["sector"], lang),
            "co2": _wan(r["co2_t"]),
            "co2e": _wan(r["co2e_t"]),
            "energy_tce": r["energy_tce"],
            "converted_tkm": _yi(r["converted_tkm"]),
            "intensity": _g(r["intensity_kgco2_per_converted_tkm"]),
            "lines": r["line_count"],
            "lineage": page.path("lineage", result_id=r["result_id"]),
        }
        for r in em["by_sector"]
    ]
    t_sector = Table(
        "by_sector",
        [
            ("sector", page.t("web.col.sector")),
            ("co2", page.t("web.emissions.col.co2")),
            ("co2e", page.t("web.emissions.col.co2e")),
            ("energy_tce", page.t("web.col.energy_tce")),
            ("converted_tkm", page.t("web.emissions.col.tkm")),
            ("intensity", page.t("web.emissions.col.intensity")),
            ("lines", page.t("web.col.lines")),
        ],
        sec_rows,
        numeric=frozenset({"co2", "co2e", "energy_tce", "converted_tkm", "intensity", "lines"}),
        links={"co2": "lineage"},
        digits={"co2": WAN, "co2e": WAN, "energy_tce": 0, "converted_tkm": 2, "intensity": 1, "lines": 0},
    )
    fuel_rows = [
        {
            "fuel": fuel_name(r["fuel"], lang),
            "co2": _wan(r["co2_t"]),
            "energy_tce": r["energy_tce"],
            "lines": r["lines"],
        }
        for r in em["by_fuel"]
    ]
    t_fuel = Table(
        "by_fuel",
        [
            ("fuel", page.t("web.col.fuel")),
            ("co2", page.t("web.emissions.col.co2")),
            ("energy_tce", page.t("web.col.energy_tce")),
            ("lines", page.t("web.col.lines")),
        ],
        fuel_rows,
        numeric=frozenset({"co2", "energy_tce", "lines"}),
        digits={"co2": WAN, "energy_tce": 0, "lines": 0},
    )
    org_rows = [
        {
            "org": page.name(r["name_zh"], r["name_en"]),
            "org_id": r["org_id"],
            "sector": sector_name(r["sector"], lang),
            "co2_t": round(r["co2_t"], 3),
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
            ("co2_t", page.t("web.emissions.col.co2_t")),
            ("energy_tce", page.t("web.col.energy_tce")),
        ],
        org_rows,
        numeric=frozenset({"co2_t", "energy_tce"}),
        links={"co2_t": "lineage"},
        digits={"co2_t": UNIT_DIGITS["tCO2"], "energy_tce": 0},
    )
    month_rows = [
        {
            "month": r["month"],
            "sector": sector_name(r["sector"], lang),
            "co2": _wan(r["co2_t"]),
            "lineage": page.path("lineage", result_id=r["result_id"]),
        }
        for r in em["by_sector_month"]
    ]
    t_month = Table(
        "by_month",
        [
            ("month", page.t("web.col.month")),
            ("sector", page.t("web.col.sector")),
            ("co2", page.t("web.emissions.col.co2")),
        ],
        month_rows,
        numeric=frozenset({"co2"}),
        links={"co2": "lineage"},
        digits={"co2": 2},  # a sector's month: 0.01 万吨 = 100 t
    )
    unit = page.t("web.kpi.co2_unit")
    sectors = sorted({r["sector"] for r in em["by_sector_month"]})
    month_fig = figure(
        [
            {
                "type": "bar",
                "name": sector_name(s, lang),
                "x": [r["month"] for r in em["by_sector_month"] if r["sector"] == s],
                "y": [_wan(r["co2_t"]) for r in em["by_sector_month"] if r["sector"] == s],
                "customdata": [
                    page.path("lineage", result_id=r["result_id"]) for r in em["by_sector_month"] if r["sector"] == s
                ],
                "hovertemplate": "%{x}: %{y:,.2f} " + unit + "<extra>" + sector_name(s, lang) + "</extra>",
            }
            for s in sectors
        ],
        {
            "barmode": "stack",
            "xaxis": {"dtick": 1, "automargin": True, "title": {"text": page.t("web.col.month")}},
            "yaxis": {"automargin": True, "title": {"text": unit}},
        },
    )
    sector_fig = figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "x": [_wan(r["co2_t"]) for r in em["by_sector"]][::-1],
                "y": [sector_name(r["sector"], lang) for r in em["by_sector"]][::-1],
                "customdata": [page.path("lineage", result_id=r["result_id"]) for r in em["by_sector"]][::-1],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{y}: %{x:,.1f} " + unit + "<extra></extra>",
            }
        ],
        {
            "margin": {"l": 10, "r": 20, "t": 20, "b": 10},
            "xaxis": {"automargin": True, "title": {"text": unit}},
            "yaxis": {"automargin": True},
        },
    )
    fuel_fig = figure(
        [
            {
                "type": "pie",
                "hole": 0.45,
                "labels": [r["fuel"] for r in fuel_rows],
                "values": [r["co2"] for r in fuel_rows],
                "sort": False,
                "texttemplate": "%{percent:.1%}",
                "hovertemplate": "%{label}: %{percent:.1%}<extra></extra>",
                "textposition": "inside",
                "insidetextorientation": "horizontal",
            }
        ],
        {
            # names in the legend, shares inside the slices (too small a slice shows none): nothing is cut off
            "legend": {"orientation": "v", "x": 1.02, "y": 0.5},
            "uniformtext": {"minsize": 10, "mode": "hide"},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    )
    y0 = year_from if year_from in ys else ys[0]
    y1 = year_to if year_to in ys else ys[-1]
    try:
        dec: dict[str, Any] | None = decomposition_between(
            page.session, y0, y1, actor=ACTOR, factory=page.state.factory, electricity=electricity
        )
        lmdi_problem = None
    except DecompositionError as exc:  # the same year twice, or a year without inventory
        dec, lmdi_problem = None, page.t(exc.key, **exc.values)
    waterfall = _waterfall(page, y0, y1, dec["effects"], dec["total"]) if dec else None
    effects: list[str] = dec["effects"] if dec else []
    columns = ("co2_from_t", "co2_to_t", "delta_co2_t", *effects)
    lmdi_rows = [
        {
            "sector": sector_name(r["sector"], lang)
            + (f" ({page.t('web.lmdi.per_tonne')})" if r.get("activity_basis") == "throughput_t" else ""),
            **{k: _wan(r[k]) for k in columns},
        }
        for r in (dec["by_sector"] if dec else [])
    ]
    t_lmdi = Table(
        "lmdi",
        [
            ("sector", page.t("web.col.sector")),
            ("co2_from_t", page.t("web.emissions.col.co2_year", year=y0)),
            ("co2_to_t", page.t("web.emissions.col.co2_year", year=y1)),
            ("delta_co2_t", page.t("web.emissions.col.delta")),
            *[(e, page.t(f"web.lmdi.{e}")) for e in effects],
        ],
        lmdi_rows,
        numeric=frozenset(columns),
        digits=dict.fromkeys(columns, WAN),
    )
    ctx = {
        "year": y,
        "years": ys,
        "em": em,
        "year_from": y0,
        "year_to": y1,
        "lmdi_problem": lmdi_problem,
        "excluded": [_left_out_name(page, o) for o in (dec["outside"]["sectors"] if dec else [])],
        "left_out_share": (dec or {}).get("outside", {}).get("share_of_co2_to"),
        "electricity": electricity,
        "total_wan": _wan(em["total"]["co2_t"]) if em["total"] else None,
        "total_lineage": page.path("lineage", result_id=em["total"]["result_id"]) if em["total"] else None,
        "sector_chart": plot(sector_fig, page.t("web.chart.by_sector", year=y), 320),
        "fuel_chart": plot(fuel_fig, page.t("web.chart.by_fuel", year=y), 320),
        "month_chart": plot(month_fig, page.t("web.chart.by_month", year=y), 340),
        "waterfall": plot(waterfall, page.t("web.chart.waterfall", y0=y0, y1=y1), 360) if waterfall else None,
    }
    return page.render("emissions.html", ctx, tables=[t_sector, t_fuel, t_month, t_org, t_lmdi])


def _left_out_name(page: Page, outside: dict[str, Any]) -> str:
    name = sector_name(outside["sector"], page.lang)
    return page.t("eval.decomp.process", sector=name) if outside.get("reason") == "process" else name


def _waterfall(page: Page, y0: int, y1: int, effects: list[str], total: dict[str, float]) -> dict[str, Any]:
    """CO2 of ``y0``, the LMDI ``effects`` and CO2 of ``y1`` [万吨 CO2] as a waterfall."""
    return figure(
        [
            {
                "type": "waterfall",
                "orientation": "v",
                "x": [str(y0), *[page.t(f"web.lmdi.{e}") for e in effects], str(y1)],
                "measure": ["absolute", *["relative"] * len(effects), "total"],
                "y": [_wan(total["co2_from_t"]), *[_wan(total[e]) for e in effects], 0],
                "text": [
                    f"{total['co2_from_t'] / T_PER_WAN_T:,.{WAN}f}",
                    *[f"{total[e] / T_PER_WAN_T:+,.{WAN}f}" for e in effects],
                    f"{total['co2_to_t'] / T_PER_WAN_T:,.{WAN}f}",
                ],
                "textposition": "outside",
                "increasing": {"marker": {"color": "#c0392b"}},
                "decreasing": {"marker": {"color": "#1b7f3b"}},
                "totals": {"marker": {"color": "#1f6f8b"}},
                "connector": {"line": {"color": "#888"}},
            }
        ],
        {
            "xaxis": {"automargin": True},
            "yaxis": {"automargin": True, "title": {"text": page.t("web.kpi.co2_unit")}},
            "showlegend": False,
        },
    )
