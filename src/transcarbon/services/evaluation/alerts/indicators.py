"""Warnings on the plan's indicators in the evaluated year: ``off_track`` (a yellow or red light, a missed
target included), ``worsening``, ``target_at_risk`` (an indicative forecast's probability below the city's
level; never in the target year itself, which is judged on the facts), and ``data_late`` for an indicator
whose data are missing past the deadline."""

from __future__ import annotations

from typing import Any

from transcarbon.city.config import CityConfig
from transcarbon.i18n import t
from transcarbon.services.evaluation.alerts.found import Found, format_value


def indicator_warnings(city: CityConfig, annual: list[dict[str, Any]], year: int) -> list[Found]:
    """off_track, worsening, target_at_risk and data_late of the indicators in ``year``."""
    rows = {(r["indicator_id"], r["year"]): r for r in annual}
    p_level = city.progress.forecast.warning_p_meet
    out: list[Found] = []
    for ind in city.indicators:
        r = rows.get((ind.id, year))
        if r is None:
            continue
        names = ({"name": ind.name_zh, "year": year}, {"name": ind.name_en, "year": year})
        status = r["status"] or "no_data"
        st = ({"status": t(f"eval.status.{status}", "zh")}, {"status": t(f"eval.status.{status}", "en")})
        vals = {
            "value": format_value(r["value"], ind.unit),
            "target": format_value(r["target_value"], ind.unit),
            "target_year": r["target_year"] or "—",
        }
        depts = list(ind.departments)
        if status == "late":
            out.append(
                Found(
                    "data_late",
                    "medium",
                    year,
                    depts,
                    "eval.warn.indicator_late",
                    {**names[0]},
                    {**names[1]},
                    indicator_id=ind.id,
                    details={"status": status},
                )
            )
            continue
        if r["light"] in ("red", "yellow"):
            sev = "high" if r["light"] == "red" else "medium"
            out.append(
                Found(
                    "off_track",
                    sev,
                    year,
                    depts,
                    "eval.warn.off_track",
                    {**names[0], **st[0], **vals},
                    {**names[1], **st[1], **vals},
                    indicator_id=ind.id,
                    details={"light": r["light"], "status": status, "completion_to_date": r["completion_to_date"]},
                )
            )
        prev = rows.get((ind.id, year - 1))
        if (
            ind.kind != "milestone"
            and prev is not None
            and prev["measure"] is not None
            and r["measure"] is not None
            and status != "achieved"
        ):
            d = 1.0 if ind.direction == "increase" else -1.0
            if d * (r["measure"] - prev["measure"]) < 0:
                pv = {"previous": format_value(prev["value"], ind.unit), "value": vals["value"]}
                out.append(
                    Found(
                        "worsening",
                        "low",
                        year,
                        depts,
                        "eval.warn.worsening",
                        {**names[0], **pv},
                        {**names[1], **pv},
                        indicator_id=ind.id,
                        details={"previous_measure": prev["measure"], "measure": r["measure"]},
                    )
                )
        fc = _indicative_forecast(r)
        if fc is not None and fc.get("p_meet") is not None and fc["p_meet"] < p_level:
            sev = "high" if fc["p_meet"] < 0.2 else "medium"
            fv = {
                "p": f"{100 * fc['p_meet']:.0f}%",
                "target_year": fc["year"],
                "forecast": format_value(fc["value"], ind.unit),
                "target": format_value(ind.target_value(fc["year"]), ind.unit),
            }
            out.append(
                Found(
                    "target_at_risk",
                    sev,
                    year,
                    depts,
                    "eval.warn.target_at_risk",
                    {**names[0], **fv},
                    {**names[1], **fv},
                    indicator_id=ind.id,
                    details={"forecast": fc, "warning_p_meet": p_level},
                )
            )
    return out


def _indicative_forecast(row: dict[str, Any]) -> dict[str, Any] | None:
    """The forecast to the next target year after the evaluated one (a target year itself is judged, not
    forecast): the row's own when indicative, else the first indicative one of ``details.forecasts``."""
    fc = row.get("forecast")
    if fc and fc.get("indicative"):
        return dict(fc)
    later = [f for f in (row.get("details") or {}).get("forecasts") or [] if f.get("indicative")]
    return dict(later[0]) if later else None
