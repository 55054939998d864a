"""Register pages (台账): the registers with their counts, one register as it stood on a date (names of codes,
not codes), an asset's history (each state, who approved it, the periods that carried it), and the bus-stop
coverage map (covered and uncovered built-up land drawn from GeoJSON, no tile server). Rows come in through the
data-collection pages like every report; these pages read ``services.registers`` and ``services.stop_coverage``."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.city.reports import ReportType
from transcarbon.services import registers as reg
from transcarbon.services.organisations import organisation_names
from transcarbon.services.stop_coverage import coverage_geojson, register_coverage
from transcarbon.web.common import Page, Table, figure, plot

router = APIRouter()
SHOWN_MAX = 2000
"""Rows shown on a register page at most (the CSV export has them all)."""


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else datetime.now(UTC).date()
    except ValueError:
        return datetime.now(UTC).date()


def _cell(page: Page, rt: ReportType, field: str, value: Any) -> Any:
    f = rt.field(field)
    if value is None:
        return ""
    if f.labels:
        return f.value_label(str(value), page.lang)
    return reg.plain_value(rt, field, value)


def _columns(page: Page, rt: ReportType) -> list[tuple[str, str]]:
    return [(f.id, page.name(f.label.zh, f.label.en)) for f in rt.fields]


@router.get("/registers", name="web.registers")
def registers_page(page: Page, as_of: str | None = None) -> Response:
    if (denied := page.guard("registers")) is not None:
        return denied
    day = _day(as_of)
    catalog = page.state.ctx.catalog
    rows = []
    for rt in reg.register_types(catalog):
        frame = reg.visible_rows(reg.register_rows(page.session, rt, catalog), rt, catalog, page.principal)
        rows.append(
            {
                "name": page.name(rt.name.zh, rt.name.en),
                "count": reg.as_of(frame, rt, day).height,
                "rows": frame.height,
                "url": page.path("register", register_id=rt.id, query={"as_of": day.isoformat()}),
            }
        )
    table = Table(
        "registers",
        [
            ("name", page.t("web.reg.col.register")),
            ("count", page.t("web.reg.col.assets")),
            ("rows", page.t("web.reg.col.rows")),
        ],
        rows,
        numeric=frozenset({"count", "rows"}),
        links={"name": "url"},
    )
    return page.render("registers.html", {"as_of": day.isoformat()}, tables=[table])


@router.get("/registers/{register_id}", name="web.register")
def register_page(page: Page, register_id: str, as_of: str | None = None) -> Response:
    if (denied := page.guard("registers")) is not None:
        return denied
    catalog = page.state.ctx.catalog
    try:
        rt = reg.register_type(catalog, register_id)
    except reg.UnknownRegister:
        return page.render(
            "error.html",
            {"title": page.t("web.reg.title"), "message": page.t("reg.unknown", id=register_id, allowed="")},
            status=404,
        )
    day = _day(as_of)
    assert rt.asset_register is not None
    key = rt.asset_register.key[0]
    frame = reg.as_of(
        reg.visible_rows(reg.register_rows(page.session, rt, catalog), rt, catalog, page.principal), rt, day
    )
    names = {o: page.name(zh, en) for o, (zh, en) in organisation_names(page.session).items()}
    rows = [
        {
            **{f: _cell(page, rt, f, r[f]) for f in rt.columns},
            "org": names.get(r["org_id"], r["org_id"]),
            "history_url": page.path(
                "register_asset", register_id=rt.id, asset_id=str(r[key]), query={"as_of": day.isoformat()}
            ),
        }
        for r in frame.head(SHOWN_MAX).iter_rows(named=True)
    ]
    table = Table(
        "register",
        [*_columns(page, rt), ("org", page.t("web.reg.col.keeper"))],
        rows,
        numeric=frozenset(f.id for f in rt.fields if f.numeric),
        links={key: "history_url"},
    )
    context = {
        "rt_name": page.name(rt.name.zh, rt.name.en),
        "register_id": rt.id,
        "as_of": day.isoformat(),
        "count": frame.height,
        "coverage": rt.id == "bus_stops",
    }
    return page.render("register.html", context, tables=[table])


@router.get("/registers/{register_id}/assets/{asset_id}", name="web.register_asset")
def register_asset_page(page: Page, register_id: str, asset_id: str, as_of: str | None = None) -> Response:
    if (denied := page.guard("registers")) is not None:
        return denied
    catalog = page.state.ctx.catalog
    try:
        rt = reg.register_type(catalog, register_id)
    except reg.UnknownRegister:
        return page.render(
            "error.html",
            {"title": page.t("web.reg.title"), "message": page.t("reg.unknown", id=register_id, allowed="")},
            status=404,
        )
    assert rt.asset_register is not None
    day = _day(as_of)
    rows = reg.visible_rows(reg.register_rows(page.session, rt, catalog), rt, catalog, page.principal)
    history = reg.asset_history(page.session, rows, rt, {rt.asset_register.key[0]: asset_id}, day)
    if not history:
        return page.render(
            "error.html",
            {
                "title": page.t("web.reg.title"),
                "message": page.t("reg.asset_not_found", id=asset_id, register=register_id),
            },
            status=404,
        )
    table = Table(
        "history",
        [
            ("in_force", page.t("web.reg.col.in_force")),
            *_columns(page, rt),
            ("periods", page.t("web.reg.col.periods")),
            ("decided_by", page.t("web.reg.col.approved_by")),
            ("decided_at", page.t("web.reg.col.approved_at")),
            ("submission", page.t("web.reg.col.submission")),
        ],
        [
            {
                "in_force": "●" if h.in_force_on else "",
                **{f: _cell(page, rt, f, h.fields[f]) for f in rt.columns},
                "periods": page.join(h.periods),
                "decided_by": h.decided_by or "",
                "decided_at": (h.decided_at or "")[:10],
                "submission": f"#{h.submission_id} v{h.version}",
                "submission_url": page.path("submission_detail", submission_id=h.submission_id),
            }
            for h in history
        ],
        links={"submission": "submission_url"},
    )
    context = {
        "rt_name": page.name(rt.name.zh, rt.name.en),
        "register_id": rt.id,
        "asset_id": asset_id,
        "as_of": day.isoformat(),
    }
    return page.render("register_asset.html", context, tables=[table])


def _rings(geom: dict[str, Any], holes: bool) -> tuple[list[float | None], list[float | None]]:
    """Lon and lat of a GeoJSON (multi)polygon's outer rings (or holes), separated by gaps for one Plotly trace."""
    polys = (
        geom["coordinates"]
        if geom["type"] == "MultiPolygon"
        else [geom["coordinates"]]
        if geom["type"] == "Polygon"
        else []
    )
    xs: list[float | None] = []
    ys: list[float | None] = []
    for poly in polys:
        for ring in poly[1:] if holes else poly[:1]:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
    return xs, ys


@router.get("/coverage", name="web.coverage")
def coverage_page(page: Page, as_of: str | None = None) -> Response:
    if (denied := page.guard("registers")) is not None:
        return denied
    day = _day(as_of)
    found = register_coverage(page.session, page.city, page.state.ctx.catalog, day)
    if found is None:
        return page.render("empty.html", {"title": page.t("web.cov.title")})
    cov, area, stops = found
    shapes = {f["properties"]["kind"]: f["geometry"] for f in coverage_geojson(cov)["features"]}
    built_x: list[float | None] = []
    built_y: list[float | None] = []
    for _, geom in area.parts:
        x, y = _rings(geom.__geo_interface__, holes=False)
        built_x += x
        built_y += y
    cx, cy = _rings(shapes["covered"], holes=False)
    hx, hy = _rings(shapes["covered"], holes=True)
    uncovered, covered = "#d9822b", "#3c8d2f"

    def fill(x: list[float | None], y: list[float | None], colour: str, name: str) -> dict[str, Any]:
        return {"type": "scatter", "mode": "lines", "x": x, "y": y, "fill": "toself", "fillcolor": colour,
                "line": {"color": colour, "width": 0.5}, "name": name, "hoverinfo": "skip"}  # fmt: skip

    traces = [
        fill(built_x, built_y, uncovered, page.t("web.cov.uncovered")),
        fill(cx, cy, covered, page.t("web.cov.covered")),
        {**fill(hx, hy, uncovered, page.t("web.cov.uncovered")), "showlegend": False},
        {
            "type": "scatter",
            "mode": "markers",
            "x": stops["stop_lon"].to_list(),
            "y": stops["stop_lat"].to_list(),
            "text": stops["stop_name"].to_list(),
            "marker": {"size": 3, "color": "#1d1d1d"},
            "name": page.t("web.cov.stops"),
            "hovertemplate": "%{text}<extra></extra>",
        },
    ]
    mean_lat = statistics.fmean(y for y in built_y if y is not None)
    fig = figure(
        traces,
        {
            "xaxis": {"title": {"text": page.t("web.cov.lon")}, "showgrid": False},
            "yaxis": {
                "title": {"text": page.t("web.cov.lat")},
                "scaleanchor": "x",
                "scaleratio": 1 / math.cos(math.radians(mean_lat)),
                "showgrid": False,
            },
            "margin": {"l": 60, "r": 10, "t": 10, "b": 40},
        },
    )
    chart = plot(fig, page.t("web.cov.chart", radius=f"{cov.radius_m:g}", day=day.isoformat()), 560)
    table = Table(
        "coverage",
        [
            ("area", page.t("web.cov.col.area")),
            ("area_km2", page.t("web.cov.col.area_km2")),
            ("covered_km2", page.t("web.cov.col.covered_km2")),
            ("coverage_pct", page.t("web.cov.col.coverage")),
        ],
        [
            *[
                {
                    "area": page.name(*area.names[a.area_id]),
                    "area_km2": round(a.area_km2, 2),
                    "covered_km2": round(a.covered_km2, 2),
                    "coverage_pct": round(100 * a.coverage, 2),
                }
                for a in cov.areas
            ],
            {
                "area": page.t("web.cov.total"),
                "area_km2": round(cov.area_km2, 2),
                "covered_km2": round(cov.covered_km2, 2),
                "coverage_pct": round(100 * cov.coverage, 2),
            },
        ],
        numeric=frozenset({"area_km2", "covered_km2", "coverage_pct"}),
    )
    context = {
        "as_of": day.isoformat(),
        "chart": chart,
        "stops": cov.stops,
        "radius": f"{cov.radius_m:g}",
        "coverage_pct": round(100 * cov.coverage, 2),
        "approximate": area.approximate,
    }
    return page.render("coverage.html", context, tables=[table])
