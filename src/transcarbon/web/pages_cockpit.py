"""The cockpit (驾驶舱: the year's indicators with lights, ranges and grades, CO2 and the headline intensity
in its named scope with the others beside it, the headline path, warnings) and an indicator's page (history,
targets, why its status and light by the rule that made it, its range and grade, its scopes, its path and
forecast band, lineage links)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.city.config import Indicator
from transcarbon.i18n import sector_name
from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import UNIT_DIGITS, format_number, unit_label
from transcarbon.i18n.palette import LIGHT_COLOURS
from transcarbon.services import figures, recompute
from transcarbon.services.credits import views as credits_views
from transcarbon.services.evaluation import LIGHTS, target_key
from transcarbon.web.analysis import evaluation_of, not_found, shown_year
from transcarbon.web.cockpit_figures import cockpit_charts, intensity_scope, path_figure
from transcarbon.web.common import Page, Table, YearQuery, plot, sparkline

router = APIRouter()


def _internal(page: Page) -> bool:
    """Warnings and lineage are internal: reporters (and the public) see the published aggregates only."""
    return page.principal.may("evaluation.read")


def _light_label(page: Page, light: str | None) -> str:
    return page.t(f"web.light.{light or 'grey'}")


def _status_label(page: Page, status: str | None) -> str:
    return label("status", status, page.lang)


def _range(row: dict[str, Any], digits: int | None = None) -> str | None:
    """``low–high`` of a value's 95% range (both with ``digits`` decimals, else by magnitude), or None."""
    low, high = row.get("value_low"), row.get("value_high")
    return None if low is None or high is None else f"{format_number(low, digits)}–{format_number(high, digits)}"


def scope_rows(page: Page, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The scopes of a scoped indicator's row, default first: name, value, whether it is the default, note."""
    scopes = (row.get("details") or {}).get("scopes") or []
    out = [
        {
            "name": page.name(sc["name"]["zh"], sc["name"]["en"]),
            "value": sc.get("value"),
            "default": sc.get("default"),
            "note": page.name(sc["note"]["zh"], sc["note"]["en"]) if sc.get("note") else "",
        }
        for sc in scopes
    ]
    return sorted(out, key=lambda r: not r["default"])


def base_grid_notes(page: Page, row: dict[str, Any], base_year: int) -> list[str]:
    """The base year's grid factor of each region as the inventory recorded it (a proxy where none was
    published for that year)."""
    return [
        page.t(
            "web.scope.grid_proxy",
            base_year=base_year,
            region=g["base_grid_region"],
            year=g["base_grid_year"],
            factor=format_number(g["ef_base"]),
            note=f"{page.t('web.scope.grid_proxied')}: {g['fallback']}"
            if g["fallback"]
            else page.t("web.scope.grid_published"),
        )
        for g in (row.get("details") or {}).get("base_grid") or []
    ]


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
        digits = UNIT_DIGITS.get(str(r.get("unit")))
        rows.append(
            {
                "light": r.get("light") or "grey",
                "light_label": _light_label(page, r.get("light")),
                "name": page.name(r["name_zh"], r["name_en"]),
                "id": r["id"],
                "value": None if milestone else r.get("value"),
                "milestone": _status_label(page, r.get("status")) if milestone else None,
                "unit": unit_label(str(r.get("unit")), page.lang),
                "digits": digits,
                **{target_key(ty): r[target_key(ty)] for ty in target_years},
                "completion": r.get("completion_to_date"),
                "range": _range(r, digits),
                "grade": r.get("quality_grade") or "",
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
            ("range", page.t("web.col.range")),
            ("grade", page.t("web.col.quality_grade")),
            ("status", page.t("web.col.status")),
        ],
        rows,
        numeric=frozenset({"value", *[key for key, _ in targets]}),
    )
    main_id = "converted_turnover_co2_intensity"
    main_row = next(r for r in inds if r["id"] == main_id)
    main_ind = page.city.indicator(main_id)
    scopes = scope_rows(page, main_row)
    scope_name = next((sc["name"] for sc in scopes if sc["default"]), "")
    ctx = {
        "year": y,
        "updated": page.city_time(recompute.last_update(page.session)),
        "recomputing": recompute.pending(page.session),
        "years": figures.years(page.session),
        "total": total,
        "base": base,
        "counts": counts,
        "warnings": warns[:6],
        "warning_count": len(warns),
        "severity_counts": sev_counts,
        "targets": targets,
        **cockpit_charts(page, y, series, main_ind, main_row, scope_name),
        "green_trips": credits_views.cockpit_figure(page.session),
        "total_lineage": page.path("lineage", result_id=total["result_id"]) if total and page.may("lineage") else None,
        "headline": {
            "row": main_row,
            "url": page.path("indicator", indicator_id=main_id, query={"year": y}),
            "lineage_url": page.path("indicator", indicator_id=main_id, query={"year": y}) + "#lineage",
            "scope": intensity_scope(page, main_ind, scope_name),
            "base_year": page.city.base_year_of(main_ind),
            "scopes": scopes,
            "range": _range(main_row, 1),
        },
    }
    return page.render("cockpit.html", ctx, tables=[table])


# --------------------------------------------------------------------------- indicator


def _reasons(page: Page, ind: Indicator, row: dict[str, Any]) -> list[str]:
    """Why the status and the light are what they are, in plain words: the rule that made the light, a target
    year judged on the facts, the range and whether it straddles the target, the indicative forecast."""
    out: list[str] = []
    zh = page.lang == "zh"
    if row.get("value") is None:
        stored = (row.get("details") or {}).get("no_data_reason") or {}
        reason = stored.get("zh" if zh else "en")
        if not reason and ind.computation.no_data_reason:
            reason = ind.computation.no_data_reason.zh if zh else ind.computation.no_data_reason.en
        out.append(page.t("web.why.no_data", reason=reason or "—"))
        return out
    details = row.get("details") or {}
    out.append(page.t("web.why.value", value=format_number(row.get("value")), unit=ind.unit))
    comp = row.get("completion_to_date")
    if comp is not None:
        out.append(page.t("web.why.completion", pct=f"{100 * float(comp):.0f}"))
    if details.get("target_year_judged"):
        key = "web.why.target_met" if row.get("status") == "achieved" else "web.why.target_missed"
        out.append(page.t(key, year=row.get("year"), target=format_number(row.get("target_value")), unit=ind.unit))
    rule = details.get("light_rule")
    light = row.get("light")
    if rule and light in ("green", "yellow", "red"):
        judged = (
            page.join([page.t(f"eval.judged.{j}") for j in rule["judged"]])
            if zh
            else ", ".join(page.t(f"eval.judged.{j}") for j in rule["judged"])
        )
        out.append(
            page.t(
                "web.why.rule",
                rule=page.t(f"eval.rule.{rule['rule']}"),
                judged=judged,
                decided=page.t(f"eval.judged.{rule['decided_by']}"),
            )
        )
        out.append(page.t(f"web.why.light_{light}", direction=page.t(f"web.direction.{ind.direction}")))
        out.append(
            page.t(
                "web.why.lights_both",
                path=_light_label(page, details.get("path_light")),
                step=_light_label(page, details.get("step_light")),
            )
        )
    if row.get("sdg_status"):
        out.append(page.t("web.why.sdg", status=_status_label(page, row.get("sdg_status"))))
    if _range(row):
        out.append(
            page.t(
                "web.why.range",
                low=format_number(row["value_low"]),
                high=format_number(row["value_high"]),
                unit=ind.unit,
                grade=row.get("quality_grade") or "—",
            )
        )
        if (details.get("uncertainty") or {}).get("straddles_target"):
            out.append(page.t("web.why.straddles", target=format_number(row.get("target_value")), unit=ind.unit))
    out += _forecast_reasons(page, row)
    return out


def _forecast_reasons(page: Page, row: dict[str, Any]) -> list[str]:
    """The indicative forecast to the next target year, and what it covers (none in a target year itself)."""
    later = [f for f in (row.get("details") or {}).get("forecasts") or [] if f.get("indicative")]
    if not later:
        return []
    fc = later[0]
    method = page.t(f"eval.forecast.{fc['method']}") if page.has(f"eval.forecast.{fc['method']}") else fc["method"]
    if fc.get("p_meet") is None:
        return [
            page.t(
                "web.why.forecast_too_few",
                year=fc["year"],
                value=format_number(fc.get("value")),
                min=fc.get("min_points"),
            )
        ]
    return [
        page.t(
            "web.why.forecast",
            year=fc["year"],
            value=format_number(fc.get("value")),
            level=f"{100 * float(fc.get('level') or 0):.0f}",
            low=format_number(fc.get("low")),
            high=format_number(fc.get("high")),
            p=f"{100 * float(fc['p_meet']):.0f}",
        ),
        page.t("web.why.forecast_covers", method=method, n=fc.get("n_points")),
    ]


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
            "range": _range(h) or "",
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
            ("range", page.t("web.col.range")),
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
        wanted = {str(s) for s in ind.computation.named_scope().sectors}
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
        "range": _range(row),
        "scopes": scope_rows(page, row),
        "base_grid": base_grid_notes(page, row, page.city.base_year_of(ind)),
        "chart": plot(
            path_figure(page, ind, row, hist, lineage=bool(lineage_links)),
            page.t("web.chart.path_of", name=page.name(ind.name_zh, ind.name_en)),
            360,
        ),
    }
    return page.render("indicator.html", ctx, tables=[table])
