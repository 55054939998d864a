"""Warnings within the year from the indicators' quarterly values (the rows of ``grain`` quarter that
:func:`transcarbon.services.evaluation.series.sub_annual_rows` stores), the period stated in words (2025年第3季度):

- ``off_track`` of a quarter: the newest quarter of the evaluated year whose measure lies off the target path at
  the quarter's end (``path_light`` red: high, yellow: medium, by the weather-chart rule on the cumulative path).
  One per indicator, and none where the annual value of the year already warns ``off_track`` (the year's light
  says it: a quarter's warning would count the same condition twice), nor in the base year (the path starts at
  its annual value: its quarters differ from it by season, not by progress). When a later quarter comes back on the
  path, the warning is resolved (its key names the quarter).
- ``anomaly`` of a quarter: a quarter of the evaluated year whose measure is far from the same indicator's
  previous :data:`WINDOW` quarters (at least :data:`MIN_HISTORY`): the modified z-score on logarithms
  (:func:`transcarbon.methods.anomaly.trailing_z`), ``|z| > 3.5`` and more than 50 % from the history's
  median, as for reported figures (:mod:`.anomalies`); high when ``|z| > 7``. Annual values raise no anomaly, so
  nothing is counted twice.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from transcarbon.city.config import CityConfig
from transcarbon.i18n import t
from transcarbon.methods.anomaly import OUTLIER_Z, trailing_z
from transcarbon.services.evaluation.alerts.anomalies import MIN_HISTORY, MIN_RELATIVE_JUMP, Z_HIGH
from transcarbon.services.evaluation.alerts.found import Found, format_value

WINDOW = 8
"""History of a quarter's anomaly: the previous 8 quarters (two years)."""


def quarter_words(year: int, quarter: int) -> tuple[str, str]:
    """A quarter in words: ("2025年第3季度", "Q3 2025")."""
    return t("eval.period.quarter", "zh", year=year, quarter=quarter), t(
        "eval.period.quarter", "en", year=year, quarter=quarter
    )


def quarterly_warnings(
    city: CityConfig, quarterly: list[dict[str, Any]], annual_found: list[Found], year: int
) -> list[Found]:
    """off_track and anomaly warnings of the quarters of ``year`` (``quarterly``: the stored quarterly rows)."""
    return [*_off_track(city, quarterly, annual_found, year), *_anomalies(city, quarterly, year)]


def _off_track(city: CityConfig, quarterly: list[dict[str, Any]], annual_found: list[Found], year: int) -> list[Found]:
    annual_off = {f.indicator_id for f in annual_found if f.kind == "off_track"}
    judged = [r for r in quarterly if r["year"] == year and r["value"] is not None and r["details"].get("path_light")]
    newest = {r["indicator_id"]: r for r in sorted(judged, key=lambda r: r["quarter"])}
    out = []
    for ind in city.indicators:
        r = newest.get(ind.id)
        if r is None or ind.id in annual_off or r["details"]["path_light"] not in ("red", "yellow"):
            continue
        if ind.base_year is not None and year <= ind.base_year:  # the path starts at the base year's value
            continue
        light = r["details"]["path_light"]
        zh, en = quarter_words(year, r["quarter"])
        target_year = next((y for y in sorted(ind.targets) if y >= year), None) if ind.targets else None
        vals = {
            "value": format_value(r["value"], ind.unit),
            "target": format_value(ind.target_value(target_year), ind.unit) if target_year else "—",
            "target_year": target_year or "—",
        }
        out.append(
            Found(
                "off_track",
                "high" if light == "red" else "medium",
                year,
                list(ind.departments),
                "eval.warn.off_track_quarter",
                {"name": ind.name_zh, "period": zh, "light": t(f"web.light.{light}", "zh"), **vals},
                {"name": ind.name_en, "period": en, "light": t(f"web.light.{light}", "en"), **vals},
                indicator_id=ind.id,
                period=r["period"],
                details={
                    "grain": "quarter",
                    "quarter": r["quarter"],
                    "light": light,
                    "completion_to_date": r["details"].get("completion_to_date"),
                },
            )
        )
    return out


def _anomalies(city: CityConfig, quarterly: list[dict[str, Any]], year: int) -> list[Found]:
    rows = [
        {"indicator_id": r["indicator_id"], "period": r["period"], "year": r["year"], "quarter": r["quarter"]}
        | {"measure": float(r["measure"])}
        for r in quarterly
        if r["measure"] is not None and r["year"] <= year
    ]
    if not rows:
        return []
    z = trailing_z(pl.DataFrame(rows), "measure", ["indicator_id"], year, window=WINDOW).filter(
        pl.col("n") >= MIN_HISTORY, pl.col("z").abs() > OUTLIER_Z, (pl.col("ratio") - 1).abs() > MIN_RELATIVE_JUMP
    )
    indicators = {ind.id: ind for ind in city.indicators}
    out = []
    for r in z.sort(["indicator_id", "period"]).iter_rows(named=True):
        ind = indicators.get(r["indicator_id"])
        if ind is None:
            continue
        zh, en = quarter_words(year, int(r["quarter"]))
        vals = {"n": r["n"], "ratio": f"{100 * r['ratio']:,.0f}%", "z": f"{r['z']:.1f}"}
        out.append(
            Found(
                "anomaly",
                "high" if abs(r["z"]) > Z_HIGH else "medium",
                year,
                list(ind.departments),
                "eval.warn.anomaly_quarter",
                {"name": ind.name_zh, "period": zh, **vals},
                {"name": ind.name_en, "period": en, **vals},
                indicator_id=ind.id,
                period=r["period"],
                details={"grain": "quarter", "quarter": int(r["quarter"]), "z": r["z"], "ratio": r["ratio"]},
            )
        )
    return out
