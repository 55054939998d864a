"""Early warnings (可预警): detect, store with severity and departments, resolve when they no longer hold.

Kinds (``kind``), detected for the evaluated year:

- ``off_track`` — an indicator's light is red (severity high) or yellow (medium) by the city's light rule
  (the weather chart: moved the wrong way, or behind the path), a target missed in its year included
  (milestones: overdue / not started);
- ``worsening`` — the measure moved away from the desired direction since the previous year (low);
- ``target_at_risk`` — an indicative forecast's probability of meeting the next target is below
  ``progress.forecast.warning_p_meet`` (high under 0.2, else medium); not in a target year itself;
- ``data_late`` — an indicator's data for the year are missing past the report's deadline (medium), or
  organisations expected to report a type have approved data missing for periods already due
  (per report type and year; high when half or more of the expected reports are missing);
- ``anomaly`` — a submitted figure far from the organisation's own approved history: modified z-score
  (Iglewicz–Hoaglin, :func:`transcarbon.methods.anomaly.trailing_z`) on logarithms,
  ``z = 0.6745 (ln x − median ln h) / MAD(ln h)``, of the organisation's period totals of the field that the
  report type checks against history (energy: amount per sector, fuel and unit) against its previous 12
  periods (at least 6); raised when ``|z| > 3.5`` and the value differs from the history's median by more
  than 50 % (the report types' jump threshold), so seasonal swings and steady growth do not flag; high when
  ``|z| > 7``;
- ``peer_outlier`` — an organisation's CO2 per converted t·km far from its sector's peers in the year
  (:func:`transcarbon.methods.anomaly.robust_z` across organisations of the sector, at least 4 peers,
  ``|z| > 3.5``).

``off_track`` and ``anomaly`` are also raised for the quarters of the year from the indicators' quarterly values
(:mod:`.quarters`: the newest quarter off the target path, unless the year's value already warns; a quarter far
from the previous eight), the period in words (2025年第3季度).

Every warning names the responsible departments: the indicator's lead departments, or the supervisors
of the report type. A warning's ``key`` identifies its condition; re-evaluating the year keeps an open
warning open (``last_seen_at`` moves), adds new ones (``first_seen_at``), and resolves those whose
condition no longer holds (``resolved_at``); nothing is deleted.

Modules: :mod:`.found` (a warning condition), :mod:`.indicators`, :mod:`.lateness`, :mod:`.anomalies`,
:mod:`.quarters` (the conditions by kind), :mod:`.store` (sync with the stored warnings, lists); :func:`detect`
gathers the conditions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog
from transcarbon.services.evaluation.alerts.anomalies import (
    activity_anomalies,
    org_names,
    peer_outliers,
    report_anomalies,
)
from transcarbon.services.evaluation.alerts.found import KINDS, SEVERITY_ORDER, Found
from transcarbon.services.evaluation.alerts.indicators import indicator_warnings
from transcarbon.services.evaluation.alerts.lateness import late_reports
from transcarbon.services.evaluation.alerts.quarters import quarterly_warnings
from transcarbon.services.evaluation.alerts.store import (
    list_warnings,
    open_warnings_json,
    readable,
    sync,
    warning_json,
)
from transcarbon.services.evaluation.inputs import Inputs


def detect(
    session: Session,
    inp: Inputs,
    city: CityConfig,
    catalog: ReportCatalog,
    annual: list[dict[str, Any]],
    as_of: date,
    quarterly: list[dict[str, Any]] | None = None,
) -> list[Found]:
    """Every warning condition holding for the evaluated year (``quarterly``: the indicators' quarterly rows,
    for the warnings within the year)."""
    year = inp.year
    yearly = indicator_warnings(city, annual, year)
    names = org_names(session)
    return [
        *yearly,
        *quarterly_warnings(city, quarterly or [], yearly, year),
        *late_reports(session, catalog, year, as_of),
        *report_anomalies(inp, catalog, year, names),
        *activity_anomalies(session, catalog, year, names),
        *peer_outliers(session, inp, catalog, year, names),
    ]


__all__ = [
    "KINDS",
    "SEVERITY_ORDER",
    "Found",
    "activity_anomalies",
    "detect",
    "indicator_warnings",
    "late_reports",
    "list_warnings",
    "open_warnings_json",
    "peer_outliers",
    "quarterly_warnings",
    "readable",
    "report_anomalies",
    "sync",
    "warning_json",
]
