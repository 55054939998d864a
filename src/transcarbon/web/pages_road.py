"""The road page (道路交通): the registered fleet by China stage and powertrain, the bottom-up inventory against the
fuel enterprises report (gap explained, the official figure chosen per sector), pollutants by class, and the maps
of the latest trajectory run (H3 cells) and bus-schedule run (GTFS route segments), with each run's lineage."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from transcarbon.i18n import sector_name
from transcarbon.i18n.numbers import format_number
from transcarbon.i18n.road import gap_explanation, road_name
from transcarbon.services.database import transaction
from transcarbon.services.road.reconciliation import ChoiceRefused, choose_official, reconciliation
from transcarbon.services.road.views import road_summary, road_years, tracks_overview
from transcarbon.web.common import PALETTE, Page, Table, figure, plot

router = APIRouter()

STAGES = ("CN0", "CN1", "CN2", "CN3", "CN4", "CN5", "CN6A", "CN6B", "none")
POWERTRAINS = ("gasoline", "diesel", "cng", "lng", "hybrid", "phev", "bev", "fcev")
POWER_COLOURS = dict(zip(POWERTRAINS, [PALETTE[i] for i in (8, 0, 5, 7, 1, 4, 2, 9)], strict=True))
DECIDERS = frozenset({"admin", "analyst"})
LEGEND_ON_TOP = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}
"""A legend above the plot, clear of long category labels under it."""
MAP_CLASSES = 5
"""Colour classes of the route-segment map (quantiles of emissions per km)."""


@router.get("/road", name="web.road")
def road_page(page: Page, year: int | None = None, done: str | None = None, error: str | None = None) -> Response:
    if (denied := page.guard("road")) is not None:
        return denied
    ys = road_years(page.session)
    if not ys:
        return page.render("empty.html", {"title": page.t("web.nav.road")})
    y = year if year in ys else ys[-1]
    summary = road_summary(page.session, y)
    assert summary is not None  # y is a year with a run
    rec = reconciliation(page.session, y, page.city, page.state.ctx.catalog)
    tracks = tracks_overview(page.session)
    lang = page.lang
    total = summary["total"]
    tables = [
        _class_table(page, summary),
        _reconciliation_table(page, rec),
        _sales_table(page, rec),
        _inputs_table(page, summary),
    ]
    ctx: dict[str, Any] = {
        "year": y,
        "years": ys,
        "summary": summary,
        "total": total,
        "co2_direct_kt": (total.get("co2_t") or 0.0) / 1000,
        "co2_grid_kt": (total.get("co2_electricity_t") or 0.0) / 1000,
        "rec": rec,
        "explanations": [
            {"sector": sector_name(s["sector"], lang), "text": gap_explanation(s, lang), "row": s}
            for s in rec["sectors"]
        ]
        if rec
        else [],
        "may_decide": page.principal.role in DECIDERS,
        "figures": [(f, road_name("figure", f, lang)) for f in ("reported", "bottom_up")],
        "done": done,
        "error": error,
        "stage_chart": plot(_stage_figure(page, summary), page.t("web.road.chart.stages", year=y), 360),
        "class_chart": plot(_class_figure(page, summary), page.t("web.road.chart.classes", year=y), 420),
        "rec_chart": plot(_rec_figure(page, rec), page.t("web.road.chart.reconciliation", year=y), 320)
        if rec
        else None,
        "pollutant_chart": plot(_pollutant_figure(page, summary), page.t("web.road.chart.pollutants", year=y), 340),
        "tracks": tracks,
        "traj_map": plot(_cell_map(page, tracks["trajectories"]), page.t("web.road.chart.cells"), 420)
        if tracks["trajectories"]
        else None,
        "gtfs_map": plot(_segment_map(page, tracks["gtfs"]), page.t("web.road.chart.segments"), 420)
        if tracks["gtfs"]
        else None,
        "hours_chart": plot(_hours_figure(page, tracks), page.t("web.road.chart.hours"), 300)
        if tracks["trajectories"] or tracks["gtfs"]
        else None,
        "grid": summary["run"]["parameters"].get("grid_factor", {}),
        "missing": summary["run"]["parameters"].get("missing", []),
        "factor_sets": summary["run"]["factor_sets"],
    }
    return page.render("road.html", ctx, tables=tables)


@router.post("/road/official", name="web.road_official")
def road_official(
    page: Page,
    year: Annotated[int, Form(ge=1990, le=2100)],
    sector: Annotated[str, Form(max_length=40)],
    figure: Annotated[str, Form(max_length=20)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if (denied := page.guard("road")) is not None:
        return denied
    if page.principal.role not in DECIDERS:
        return page.render(
            "error.html",
            {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
            status=403,
        )
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {"year": year}
    try:
        with transaction(page.state.factory) as session:
            choose_official(session, page.city, sector, year, figure, actor=page.principal.username, note=note)
        query["done"] = sector
    except ChoiceRefused as exc:
        query["error"] = page.t(exc.key, **exc.values)
    return RedirectResponse(page.path("road", query=query) + "#reconciliation", status_code=303)


# --------------------------------------------------------------------------- tables


def _class_table(page: Page, s: dict[str, Any]) -> Table:
    rows = [
        {
            "class": road_name("class", r["vehicle_class"], page.lang),
            "use": road_name("use", r["use"], page.lang),
            "vehicles": round(r["vehicles"]),
            "without": 100 * r["vehicles_without_factor"] / r["vehicles"] if r["vehicles"] else None,
            "vkt": (r["vkt_km"] or 0.0) / 1e8,
            "energy": (r["energy_gj"] or 0.0) / 1e4,
            "co2": (r["co2_t"] or 0.0) / 1e4,
            "co2_grid": (r["co2_electricity_t"] or 0.0) / 1e4,
            "nox": r["nox_kg"] / 1000,
            "pm25": r["pm25_kg"] / 1000,
            "co": r["co_kg"] / 1000,
            "hc": r["hc_kg"] / 1000,
        }
        for r in s["by_class_use"]
    ]
    return Table(
        "by_class",
        [
            ("class", page.t("web.road.col.class")),
            ("use", page.t("web.road.col.use")),
            ("vehicles", page.t("web.road.col.vehicles")),
            ("vkt", page.t("web.road.col.vkt")),
            ("energy", page.t("web.road.col.energy")),
            ("co2", page.t("web.road.col.co2")),
            ("co2_grid", page.t("web.road.col.co2_grid")),
            ("nox", "NOx (t)"),
            ("pm25", "PM2.5 (t)"),
            ("co", "CO (t)"),
            ("hc", "HC (t)"),
            ("without", page.t("web.road.col.without_factor")),
        ],
        rows,
        numeric=frozenset({"vehicles", "vkt", "energy", "co2", "co2_grid", "nox", "pm25", "co", "hc", "without"}),
    )


def _reconciliation_table(page: Page, rec: dict[str, Any] | None) -> Table:
    rows = [
        {
            "sector": sector_name(s["sector"], page.lang),
            "registered": round(s["registered"]),
            "reporting": s["reporting"],
            "bottom_up": s["bottom_up_co2_t"],
            "reported": s["reported_co2_t"],
            "gap": s["gap_gj"] / s["bottom_up_gj"] * 100 if s["bottom_up_gj"] else None,
            "official": road_name("figure", s["official"]["figure"], page.lang),
            "official_co2": s["official_co2_t"],
        }
        for s in (rec["sectors"] if rec else [])
    ]
    return Table(
        "reconciliation",
        [
            ("sector", page.t("web.col.sector")),
            ("registered", page.t("web.road.col.registered")),
            ("reporting", page.t("web.road.col.reporting")),
            ("bottom_up", page.t("web.road.col.bottom_up_co2")),
            ("reported", page.t("web.road.col.reported_co2")),
            ("gap", page.t("web.road.col.gap_pct")),
            ("official", page.t("web.road.col.official")),
            ("official_co2", page.t("web.road.col.official_co2")),
        ],
        rows,
        numeric=frozenset({"registered", "reporting", "bottom_up", "reported", "gap", "official_co2"}),
    )


def _sales_table(page: Page, rec: dict[str, Any] | None) -> Table:
    rows = [
        {
            "fuel": road_name("carrier", f["fuel"], page.lang),
            "sold": f["sold_t"],
            "bottom_up": f["bottom_up_t"],
            "ratio": None if f["ratio"] is None else f["ratio"] * 100,
            "source": f["source"],
        }
        for f in (rec["fuel_sales"] if rec else [])
    ]
    return Table(
        "fuel_sales",
        [
            ("fuel", page.t("web.col.fuel")),
            ("sold", page.t("web.road.col.sold_t")),
            ("bottom_up", page.t("web.road.col.bottom_up_t")),
            ("ratio", page.t("web.road.col.ratio_pct")),
            ("source", page.t("web.road.col.source")),
        ],
        rows,
        numeric=frozenset({"sold", "bottom_up", "ratio"}),
    )


def _inputs_table(page: Page, s: dict[str, Any]) -> Table:
    names = {rt.id: page.name(rt.name.zh, rt.name.en) for rt in page.state.ctx.catalog.report_types}
    rows = [
        {
            "id": i["submission_id"],
            "type": names.get(i["report_type"], i["report_type"]),
            "org": i["org_id"],
            "period": i["period"],
            "version": i["version"],
            "rows": i["rows"],
            "hash": i["content_hash"][:12],
        }
        for i in s["inputs"]
    ]
    return Table(
        "inputs",
        [
            ("id", page.t("web.road.col.submission")),
            ("type", page.t("web.road.col.report_type")),
            ("org", page.t("web.col.org")),
            ("period", page.t("web.road.col.period")),
            ("version", page.t("web.road.col.version")),
            ("rows", page.t("web.col.lines")),
            ("hash", "SHA-256"),
        ],
        rows,
        numeric=frozenset({"rows"}),
    )


# --------------------------------------------------------------------------- charts


def _stage_figure(page: Page, s: dict[str, Any]) -> dict[str, Any]:
    data = []
    for p in POWERTRAINS:
        rows = {r["stage"]: r["vehicles"] for r in s["stage_powertrain"] if r["powertrain"] == p}
        if not rows:
            continue
        data.append(
            {
                "type": "bar",
                "name": road_name("powertrain", p, page.lang),
                "x": [
                    road_name("stage", st, page.lang) if st != "none" else page.t("web.road.no_stage") for st in STAGES
                ],
                "y": [rows.get(st, 0.0) / 1e4 for st in STAGES],
                "marker": {"color": POWER_COLOURS[p]},
                "hovertemplate": "%{x}: %{y:,.2f} "
                + page.t("web.road.unit.10k_vehicles")
                + "<extra>%{fullData.name}</extra>",
            }
        )
    return figure(
        data,
        {
            "barmode": "stack",
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": page.t("web.road.unit.10k_vehicles")}},
            "legend": LEGEND_ON_TOP,
        },
    )


def _class_figure(page: Page, s: dict[str, Any]) -> dict[str, Any]:
    classes = [r["vehicle_class"] for r in sorted(s["by_class"], key=lambda r: r["vehicles"])]
    totals = {r["vehicle_class"]: r["vehicles"] for r in s["by_class"]}
    labels = [f"{road_name('class', c, page.lang)} ({format_number(totals[c], 0)})" for c in classes]
    data = []
    for p in POWERTRAINS:
        rows = {r["vehicle_class"]: r["vehicles"] for r in s["class_powertrain"] if r["powertrain"] == p}
        if not rows:
            continue
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": road_name("powertrain", p, page.lang),
                "y": labels,
                "x": [100 * rows.get(c, 0.0) / totals[c] if totals[c] else 0.0 for c in classes],
                "marker": {"color": POWER_COLOURS[p]},
                "hovertemplate": "%{y}: %{x:.1f}%<extra>%{fullData.name}</extra>",
            }
        )
    return figure(
        data,
        {
            "barmode": "stack",
            "xaxis": {"range": [0, 100], "ticksuffix": "%"},
            "yaxis": {"dtick": 1, "automargin": True},
            "margin": {"l": 10, "r": 20, "t": 20, "b": 40},
            "legend": LEGEND_ON_TOP,
        },
    )


def _rec_figure(page: Page, rec: dict[str, Any]) -> dict[str, Any]:
    names = [sector_name(s["sector"], page.lang) for s in rec["sectors"]]
    return figure(
        [
            {
                "type": "bar",
                "name": page.t("web.road.col.bottom_up_co2"),
                "x": names,
                "y": [s["bottom_up_co2_t"] / 1e4 for s in rec["sectors"]],
                "marker": {"color": PALETTE[0]},
            },
            {
                "type": "bar",
                "name": page.t("web.road.col.reported_co2"),
                "x": names,
                "y": [s["reported_co2_t"] / 1e4 for s in rec["sectors"]],
                "marker": {"color": PALETTE[1]},
            },
        ],
        {"barmode": "group", "yaxis": {"title": {"text": page.t("web.road.unit.10k_t_co2")}, "type": "log"}},
    )


def _pollutant_figure(page: Page, s: dict[str, Any]) -> dict[str, Any]:
    rows = [r for r in s["by_class"] if (r["nox_kg"] or 0) > 0 or r["nox_kg"] is None]
    names = [road_name("class", r["vehicle_class"], page.lang) for r in rows]
    data = [
        {
            "type": "bar",
            "name": label,
            "x": names,
            "y": [None if r[key] is None else r[key] / 1000 for r in rows],
            "marker": {"color": PALETTE[i]},
        }
        for i, (key, label) in enumerate((("nox_kg", "NOx"), ("co_kg", "CO"), ("hc_kg", "HC"), ("pm25_kg", "PM2.5")))
    ]
    return figure(data, {"barmode": "group", "yaxis": {"title": {"text": "t"}, "type": "log"}})


def _aspect(lat: float) -> dict[str, Any]:
    """Axes for lon/lat drawn at true proportions near ``lat`` (no tiles: plain axes, equal km per unit)."""
    return {
        "xaxis": {"title": {"text": "lon"}, "showgrid": True, "zeroline": False},
        "yaxis": {
            "title": {"text": "lat"},
            "scaleanchor": "x",
            "scaleratio": 1.0 / math.cos(math.radians(lat)),
            "zeroline": False,
        },
        "margin": {"l": 60, "r": 20, "t": 20, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
    }


def _cell_map(page: Page, traj: dict[str, Any]) -> dict[str, Any]:
    cells = traj["cells"]
    lats = [c["extra"]["lat"] for c in cells]
    co2 = [(c["co2_t"] or 0.0) * 1000 for c in cells]
    fig = figure(
        [
            {
                "type": "scatter",
                "mode": "markers",
                "x": [c["extra"]["lon"] for c in cells],
                "y": lats,
                "marker": {
                    "symbol": "hexagon",
                    "size": 9,
                    "color": co2,
                    "colorscale": "YlOrRd",
                    "reversescale": True,
                    "showscale": True,
                    "colorbar": {"title": {"text": "kg CO2"}},
                    "line": {"width": 0},
                },
                "text": [c["key"] for c in cells],
                "hovertemplate": "H3 %{text}<br>%{marker.color:,.1f} kg CO2<extra></extra>",
                "showlegend": False,
            }
        ],
        _aspect(sum(lats) / len(lats) if lats else 34.6),
    )
    return fig


def _segment_map(page: Page, gtfs: dict[str, Any]) -> dict[str, Any]:
    segs = [s for s in gtfs["segments"] if (s["distance_km"] or 0) > 0]
    per_km = [(s["co2_t"] or 0.0) * 1e6 / s["distance_km"] for s in segs]  # g CO2 per vehicle-km
    order = sorted(per_km)
    edges = (
        [order[min(len(order) - 1, int(len(order) * k / MAP_CLASSES))] for k in range(1, MAP_CLASSES)] if order else []
    )
    colours = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]
    data = []
    for k in range(MAP_CLASSES):
        lo = edges[k - 1] if k else -math.inf
        hi = edges[k] if k < len(edges) else math.inf
        xs: list[float | None] = []
        ys: list[float | None] = []
        for s, v in zip(segs, per_km, strict=True):
            if lo <= v < hi or (k == MAP_CLASSES - 1 and v >= lo):
                e = s["extra"]
                xs += [e["lon0"], e["lon1"], None]
                ys += [e["lat0"], e["lat1"], None]
        if xs:
            label = f"{format_number(lo if k else 0, 0)}–{format_number(hi, 0) if k < len(edges) else '…'} g/km"
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "name": label,
                    "line": {"width": 4, "color": colours[k]},
                    "hoverinfo": "name",
                }
            )
    lats = [s["extra"]["lat0"] for s in segs]
    return figure(data, _aspect(sum(lats) / len(lats) if lats else 34.6))


def _hours_figure(page: Page, tracks: dict[str, Any]) -> dict[str, Any]:
    data = []
    if tracks["trajectories"]:
        rows = tracks["trajectories"]["hours"]
        data.append(
            {
                "type": "bar",
                "name": page.t("web.road.trajectories"),
                "x": [r["key"][-2:] for r in rows],
                "y": [(r["co2_t"] or 0.0) for r in rows],
                "marker": {"color": PALETTE[0]},
            }
        )
    if tracks["gtfs"]:
        rows = tracks["gtfs"]["hours"]
        data.append(
            {
                "type": "bar",
                "name": page.t("web.road.gtfs"),
                "x": [r["key"] for r in rows],
                "y": [(r["co2_t"] or 0.0) for r in rows],
                "marker": {"color": PALETTE[1]},
            }
        )
    return figure(
        data,
        {
            "barmode": "group",
            "xaxis": {"title": {"text": page.t("web.road.col.hour")}, "type": "category"},
            "yaxis": {"title": {"text": "t CO2"}},
        },
    )
