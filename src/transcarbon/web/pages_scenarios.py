"""The scenario page (情景分析): the plan's 2030 questions answered by a saved scenario run — P(meet) of each target,
the land-transport oil peak year and its distribution — fan charts of new-energy stock shares, CO2, oil and the
converted-turnover intensity against its target path, the levers at levels 1–4 (analysts run a custom scenario),
the comparison of saved runs, the calibration's fit and the sensitivity; IAMC and YAML downloads."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from transcarbon.i18n import fuel_name, sector_name
from transcarbon.i18n.numbers import plan_section
from transcarbon.services import audit
from transcarbon.services.database import transaction
from transcarbon.services.scenarios import iamc
from transcarbon.services.scenarios.prepare import city_levers
from transcarbon.services.scenarios.saved import UnknownScenario, latest, run_and_store, saved_run, saved_runs
from transcarbon.services.scenarios.spec import SpecError
from transcarbon.web.analysis import not_found
from transcarbon.web.common import PALETTE, Page, Table, figure, plot

router = APIRouter()
RUNNERS = frozenset({"admin", "analyst"})
"""Roles that may run a scenario (others read the saved runs)."""
BAND_CLASSES = ("private_car", "bus", "taxi", "truck_heavy", "truck_light")
"""Classes whose new-energy stock share is drawn as a fan (p10–p90) on the page."""


def _light(p: float | None) -> str:
    if p is None:
        return "grey"
    return "green" if p >= 0.8 else "yellow" if p >= 0.5 else "red"


def _series(d: dict[str, Any], years: list[int], k: float = 1.0) -> list[float | None]:
    return [None if d.get(str(y)) is None else float(d[str(y)]) * k for y in years]


def _fan(
    page: Page,
    years: list[int],
    central: dict[str, Any],
    bands: dict[str, Any] | None,
    name: str,
    k: float,
    colour: str,
) -> list[dict[str, Any]]:
    traces: list[dict[str, Any]] = []
    if bands:
        traces += [
            {
                "type": "scatter",
                "x": years,
                "y": _series(bands["p90"], years, k),
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": years,
                "y": _series(bands["p10"], years, k),
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": colour + "33",
                "name": f"{name} p10–p90",
                "hoverinfo": "skip",
            },
        ]
    traces.append(
        {
            "type": "scatter",
            "x": years,
            "y": _series(central, years, k),
            "mode": "lines+markers",
            "line": {"color": colour},
            "name": name,
            "hovertemplate": "%{x}: %{y:,.3g}<extra>" + name + "</extra>",
        }
    )
    return traces


def _names(page: Page, payload: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    sc = payload["scenario"]
    classes = {k: page.name(v["zh"], v["en"]) for k, v in (sc.get("classes") or {}).items()}
    modes = {k: page.name(v["zh"], v["en"]) for k, v in (sc.get("modes") or {}).items()}
    return classes, modes


def _input_name(page: Page, name: str, classes: dict[str, str], modes: dict[str, str]) -> str:
    """An uncertain input's name for people: ``fleet.classes[private_car].km_per_year`` → 私人小客车 · 年均行驶里程."""
    head, _, field = name.rpartition(".")
    if head.startswith("fleet.classes["):
        owner = classes.get(head[len("fleet.classes[") : -1], "")
    elif head.startswith("modes["):
        owner = modes.get(head[len("modes[") : -1], "")
    else:
        owner, field = "", name.replace(".", "_")
    key = f"scn.input.{field}"
    label = page.t(key) if page.has(key) else field
    return f"{owner} · {label}" if owner else label


def _series_name(page: Page, series: str, classes: dict[str, str], modes: dict[str, str]) -> str:
    kind, _, what = series.partition(":")
    if kind == "stock" and what == "total (published)":
        return page.t("scn.series.published_stock")
    if kind == "stock":
        return page.t("scn.series.stock", what=classes.get(what, what))
    if kind == "road_fuel":
        return page.t("scn.series.road_fuel", what=fuel_name(what, page.lang))
    return page.t("scn.series.co2", what="+".join(sector_name(s, page.lang) for s in what.split("+")))


@router.get("/scenarios", name="web.scenarios")
def scenarios_page(page: Page, run: int | None = None) -> Response:
    if (denied := page.guard("scenarios")) is not None:
        return denied
    chosen: dict[str, Any] | None
    try:
        chosen = saved_run(page.session, run) if run is not None else latest(page.session, "policy")
    except UnknownScenario:
        return not_found(page, page.t("scn.web.no_run", run=run))
    if chosen is None and page.principal.role in RUNNERS:
        page.session.rollback()
        with transaction(page.state.factory) as session:
            made = run_and_store(session, page.city, actor=page.principal.username, scenario="policy")
        chosen = saved_run(page.session, made.id)
    saved = saved_runs(page.session)
    levers = city_levers(page.city)
    if chosen is None:
        return page.render("empty.html", {"title": page.t("web.nav.scenarios")})
    return _render(page, chosen, saved, levers)


def _render(page: Page, chosen: dict[str, Any], saved: list[dict[str, Any]], levers: Any) -> Response:
    p = chosen["payload"]
    years = [int(y) for y in p["years"]]
    classes, modes = _names(page, p)
    unc = p.get("uncertainty") or {}
    pct = unc.get("percentiles", {})
    by = p["oil_peak"]["by"]
    peak = p["oil_peak"]["year"]
    peak_text = str(peak) if peak else page.t("scn.cli.no_peak", year=by)
    peak_dist = [
        (page.t("scn.cli.no_peak", year=by) if y == "none" else y, share)
        for y, share in sorted(unc.get("oil_peak_year", {}).items())
    ]
    cards = [
        {
            "name": page.name(t["name_zh"], t["name_en"]),
            "year": t["year"],
            "value": t["value"],
            "target": t["target"],
            "unit": t["unit"],
            "kind": t["kind"],
            "p_meet": t["p_meet"],
            "light": _light(t["p_meet"]) if t["p_meet"] is not None else ("green" if t["met"] else "red"),
            "met": t["met"],
        }
        for t in p["targets"]
    ]
    targets_2030 = [c for c in cards if c["year"] == 2030]
    t_targets = Table(
        "targets",
        [
            ("name", page.t("scn.col.indicator")),
            ("year", page.t("web.col.year")),
            ("target", page.t("scn.col.target")),
            ("value", page.t("scn.col.value")),
            ("p_meet", page.t("scn.col.p_meet")),
        ],
        [
            {
                **c,
                "target": page.t("scn.web.done") if c["kind"] == "milestone" else c["target"],
                "value": (page.t("scn.web.met") if c["met"] else page.t("scn.web.not_met"))
                if c["kind"] == "milestone"
                else c["value"],
                "p_meet": "—" if c["p_meet"] is None else f"{100 * c['p_meet']:.0f}%",
            }
            for c in cards
        ],
        numeric=frozenset({"target", "value"}),
    )
    charts = _charts(page, p, years, classes, pct, unc)
    lever_rows = []
    if levers is not None:
        chosen_levels = p["scenario"].get("levers") or {}
        for lv in levers.levers:
            lever_rows.append(
                {
                    "id": lv.id,
                    "name": page.name(lv.name.zh, lv.name.en),
                    "section": plan_section(lv.section, page.lang),
                    "measure": page.name(lv.measure.zh, lv.measure.en) if lv.measure else "",
                    "level": chosen_levels.get(lv.id, 1),
                }
            )
    lever_names = {r["id"]: r["name"] for r in lever_rows}
    compare_rows = []
    for s in saved:
        t30 = {t["indicator"]: t for t in s["targets"] if t.get("year") == 2030}
        oil = s["oil_peak"] or {}
        compare_rows.append(
            {
                "name": page.name(s["name_zh"], s["name_en"]) + f" #{s['id']}",
                "link": page.path("scenarios", query={"run": s["id"]}),
                "kind": page.t(f"scn.kind.{s['kind']}"),
                "levers": page.join([f"{lever_names.get(k, k)} {v}" for k, v in s["levers"].items()])
                if page.lang == "zh"
                else ", ".join(f"{lever_names.get(k, k)} {v}" for k, v in s["levers"].items()),
                "peak": str(oil.get("year") or page.t("scn.cli.no_peak", year=oil.get("by", by))),
                **{
                    key: _pct((t30.get(key) or {}).get("p_meet"))
                    for key in ("new_energy_vehicle_share_new", "converted_turnover_co2_intensity")
                },
                "draws": s["draws"],
                "created": s["created_at"].strftime("%Y-%m-%d %H:%M") if s["created_at"] else "",
            }
        )
    t_compare = Table(
        "compare",
        [
            ("name", page.t("scn.col.scenario")),
            ("kind", page.t("scn.col.kind")),
            ("peak", page.t("scn.col.peak")),
            ("new_energy_vehicle_share_new", page.t("scn.col.p_nev_2030")),
            ("converted_turnover_co2_intensity", page.t("scn.col.p_intensity_2030")),
            ("draws", page.t("scn.col.draws")),
            ("created", page.t("scn.col.created")),
            ("levers", page.t("scn.col.levers")),
        ],
        compare_rows,
        numeric=frozenset({"new_energy_vehicle_share_new", "converted_turnover_co2_intensity", "draws"}),
        links={"name": "link"},
    )
    compare_fig = plot(
        figure(
            [
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": years,
                    "y": _series(saved_run(page.session, s["id"])["payload"]["oil_land_tce"], years, 1e-4),
                    "name": page.name(s["name_zh"], s["name_en"]) + f" #{s['id']}",
                    "line": {"color": PALETTE[i % len(PALETTE)]},
                }
                for i, s in enumerate(saved[:6])
            ],
            {"yaxis": {"title": {"text": page.t("scn.unit.oil_wtce")}}, "xaxis": {"dtick": 5}},
        ),
        page.t("scn.chart.compare_oil"),
    )
    cal = chosen.get("calibration") or {}
    t_rep = Table(
        "reproduction",
        [
            ("series", page.t("scn.col.series")),
            ("year", page.t("web.col.year")),
            ("observed", page.t("scn.col.observed")),
            ("modelled", page.t("scn.col.modelled")),
            ("error", page.t("scn.col.error")),
            ("within", page.t("scn.col.within")),
        ],
        [
            {
                "series": _series_name(page, r["series"], classes, modes),
                "year": r["year"],
                "observed": r["observed"],
                "modelled": r["modelled"],
                "error": 100 * r["relative_error"],
                "within": (page.t("scn.yes") if r["within"] else page.t("scn.no"))
                if r.get("checked", True)
                else page.t("scn.web.diagnostic"),
            }
            for r in cal.get("reproduction", [])
        ],
        numeric=frozenset({"observed", "modelled", "error"}),
    )
    t_fit = Table(
        "survival",
        [
            ("cls", page.t("scn.col.class")),
            ("parameter", page.t("scn.col.parameter")),
            ("value", page.t("scn.col.value")),
            ("low", page.t("scn.col.low")),
            ("high", page.t("scn.col.high")),
            ("error", page.t("scn.col.fit_error")),
        ],
        [
            {
                "cls": classes.get(cid, cid),
                "parameter": page.t(f"scn.param.{prm['name']}"),
                "value": prm["value"],
                "low": prm["low"],
                "high": prm["high"],
                "error": 100 * fit.get("relative_error", 0.0),
            }
            for cid, fit in cal.get("survival", {}).items()
            for prm in fit.get("parameters", [])
        ],
        numeric=frozenset({"value", "low", "high", "error"}),
    )
    residual_fig = _residuals(page, cal, classes)
    sens_rows = [
        {
            "output": page.t(f"scn.output.{out.rsplit('_', 1)[0]}", year=out.rsplit("_", 1)[1]),
            "input": _input_name(page, r["input"], classes, modes),
            "st": r["st"],
            "s1": r["s1"],
        }
        for out, rows in (p.get("sensitivity") or {}).items()
        for r in rows[:5]
    ]
    t_sens = Table(
        "sensitivity",
        [
            ("output", page.t("scn.col.output")),
            ("input", page.t("scn.col.input")),
            ("st", page.t("scn.col.st")),
            ("s1", page.t("scn.col.s1")),
        ],
        sens_rows,
        numeric=frozenset({"st", "s1"}),
    )
    ctx = {
        "title": page.t("web.nav.scenarios"),
        "chosen": chosen,
        "scenario_name": page.name(chosen["name_zh"], chosen["name_en"]),
        "kind": page.t(f"scn.kind.{chosen['kind']}"),
        "draws": chosen["draws"],
        "peak_text": peak_text,
        "peak_dist": peak_dist,
        "peak_dist_text": ("，" if page.lang == "zh" else ", ").join(f"{y} {100 * v:.1f}%" for y, v in peak_dist),
        "targets_2030": targets_2030,
        "lever_rows": lever_rows,
        "may_run": page.principal.role in RUNNERS,
        "saved": saved,
        "compare_chart": compare_fig,
        "calibration": cal,
        "residual_chart": residual_fig,
        "checked": [r for r in cal.get("reproduction", []) if r.get("checked", True)],
        "km_note": None
        if cal.get("km_index_rmse") is None
        else page.t("scn.web.km_note", rmse=f"{100 * cal['km_index_rmse']:.1f}"),
        **charts,
    }
    return page.render("scenarios.html", ctx, tables=[t_targets, t_compare, t_rep, t_fit, t_sens])


def _pct(p: float | None) -> float | None:
    return None if p is None else round(100 * p, 1)


def _charts(
    page: Page, p: dict[str, Any], years: list[int], classes: dict[str, str], pct: dict[str, Any], unc: dict[str, Any]
) -> dict[str, Any]:
    co2 = plot(
        figure(
            _fan(page, years, p["co2_t"]["total"], pct.get("co2_total_t"), page.t("scn.chart.co2"), 1e-4, PALETTE[0]),
            {"yaxis": {"title": {"text": page.t("scn.unit.co2_wt")}}, "xaxis": {"dtick": 5}},
        ),
        page.t("scn.chart.co2_caption"),
    )
    oil_traces = _fan(
        page, years, p["oil_land_tce"], pct.get("oil_land_tce"), page.t("scn.chart.oil"), 1e-4, PALETTE[1]
    )
    peak = p["oil_peak"]["year"]
    layout: dict[str, Any] = {"yaxis": {"title": {"text": page.t("scn.unit.oil_wtce")}}, "xaxis": {"dtick": 5}}
    if peak:
        layout["shapes"] = [
            {
                "type": "line",
                "x0": peak,
                "x1": peak,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#444"},
            }
        ]
        layout["annotations"] = [
            {"x": peak, "yref": "paper", "y": 1.02, "text": page.t("scn.chart.peak", year=peak), "showarrow": False}
        ]
    oil = plot(figure(oil_traces, layout), page.t("scn.chart.oil_caption"))
    ind = "converted_turnover_co2_intensity"
    target_path = [(years[0], 0.0)] + [(t["year"], t["target"]) for t in p["targets"] if t["indicator"] == ind]
    intensity_traces = _fan(
        page, years, p["indicators"].get(ind, {}), pct.get(ind), page.t("scn.chart.intensity"), 1.0, PALETTE[2]
    )
    intensity_traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [y for y, _ in target_path],
            "y": [v for _, v in target_path],
            "line": {"dash": "dash", "color": PALETTE[3]},
            "name": page.t("scn.chart.target_path"),
        }
    )
    intensity = plot(
        figure(intensity_traces, {"yaxis": {"title": {"text": page.t("scn.unit.fall_pct")}}, "xaxis": {"dtick": 5}}),
        page.t("scn.chart.intensity_caption"),
    )
    share_traces: list[dict[str, Any]] = []
    shares_unc = unc.get("nev_stock_share", {})
    for i, (cid, f) in enumerate(p["fleet"].items()):
        if cid not in BAND_CLASSES:
            continue
        colour = PALETTE[i % len(PALETTE)]
        share_traces += _fan(
            page, years, f["nev_stock_share"], shares_unc.get(cid), classes.get(cid, cid), 100.0, colour
        )
    shares = plot(
        figure(share_traces, {"yaxis": {"title": {"text": "%"}, "range": [0, 100]}, "xaxis": {"dtick": 5}}),
        page.t("scn.chart.shares_caption"),
        height=380,
    )
    return {"co2_chart": co2, "oil_chart": oil, "intensity_chart": intensity, "shares_chart": shares}


def _residuals(page: Page, cal: dict[str, Any], classes: dict[str, str]) -> Any:
    traces = []
    for i, (cid, fit) in enumerate(cal.get("survival", {}).items()):
        xs, ys = [], []
        for year, by_my in (fit.get("residuals") or {}).items():
            for my, v in by_my.items():
                xs.append(int(year) - int(my))
                ys.append(v)
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": xs,
                    "y": ys,
                    "name": classes.get(cid, cid),
                    "marker": {"size": 5, "color": PALETTE[i % len(PALETTE)]},
                }
            )
    if not traces:
        return None
    return plot(
        figure(
            traces,
            {
                "xaxis": {"title": {"text": page.t("scn.col.age")}},
                "yaxis": {"title": {"text": page.t("scn.col.residual")}},
            },
        ),
        page.t("scn.chart.residuals"),
    )


@router.post("/scenarios/run", name="web.scenario_run")
async def scenario_run(page: Page, request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if (denied := page.guard("scenarios")) is not None:
        return denied
    if page.principal.role not in RUNNERS:
        return page.render(
            "error.html",
            {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
            status=403,
        )
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    form = await request.form()
    levers = city_levers(page.city)
    choices: dict[str, int] = {}
    for lv in levers.levers if levers is not None else []:
        raw = str(form.get(f"lever_{lv.id}", "1"))
        if raw not in ("1", "2", "3", "4"):
            return page.render(
                "error.html",
                {"title": page.t("scn.web.bad_level"), "message": page.t("scn.web.bad_level_text")},
                status=400,
            )
        choices[lv.id] = int(raw)
    page.session.rollback()
    try:
        with transaction(page.state.factory) as session:
            made = run_and_store(session, page.city, actor=page.principal.username, scenario="policy", levers=choices)
    except SpecError as exc:
        return page.render(
            "error.html", {"title": page.t("scn.web.refused"), "message": " ".join(exc.render(5))}, status=400
        )
    return RedirectResponse(page.path("scenarios", query={"run": made.id}), status_code=303)


def _download(page: Page, body: bytes, name: str, media: str, what: str) -> Response:
    page.session.rollback()
    with transaction(page.state.factory) as session:
        audit.append(
            session,
            actor=page.principal.username,
            action="export.scenario",
            object_type="scenario_run",
            object_id=what,
            details={"file": name},
        )
    return Response(
        body, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


def _export_runs(page: Page, runs: str | None) -> list[dict[str, Any]]:
    ids = [int(x) for x in (runs or "").split(",") if x.strip().isdigit()][:20]
    if not ids:
        ids = [s["id"] for s in saved_runs(page.session)[:20]]
    out = []
    for i in ids:
        try:
            out.append(saved_run(page.session, i))
        except UnknownScenario:
            continue
    return out


@router.get("/scenarios/iamc.csv", name="web.scenarios_iamc_csv")
def iamc_csv(page: Page, runs: str | None = None) -> Response:
    if (denied := page.guard("scenarios")) is not None:
        return denied
    chosen = _export_runs(page, runs)
    body = iamc.to_csv(iamc.rows(chosen, page.city))
    return _download(
        page, body, "scenarios-iamc.csv", "text/csv; charset=utf-8", ",".join(str(c["id"]) for c in chosen)
    )


@router.get("/scenarios/iamc.xlsx", name="web.scenarios_iamc_xlsx")
def iamc_xlsx(page: Page, runs: str | None = None) -> Response:
    if (denied := page.guard("scenarios")) is not None:
        return denied
    chosen = _export_runs(page, runs)
    meta = [
        {"scenario": f"{c['name_en']} #{c['id']}", "kind": c["kind"], "draws": c["draws"], "levers": c["levers"]}
        for c in chosen
    ]
    body = iamc.to_xlsx(iamc.rows(chosen, page.city), meta)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(page, body, "scenarios-iamc.xlsx", media, ",".join(str(c["id"]) for c in chosen))


@router.get("/scenarios/{run_id}/scenario.yaml", name="web.scenario_yaml")
def scenario_yaml(page: Page, run_id: int) -> Response:
    if (denied := page.guard("scenarios")) is not None:
        return denied
    try:
        chosen = saved_run(page.session, run_id)
    except UnknownScenario:
        return not_found(page, page.t("scn.web.no_run", run=run_id))
    return _download(
        page, chosen["spec_yaml"].encode("utf-8"), f"scenario-{run_id}.yaml", "text/plain; charset=utf-8", str(run_id)
    )
