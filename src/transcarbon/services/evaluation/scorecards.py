"""Department scorecards (§二十六 考核): the indicators each department leads, scored by the city's template.

Default template (YAML ``scoring``, the 2014 carbon-intensity assessment rules, docs/methods.md):
``score = P_a · c_a + P_c · c_c + P_m · m`` [points] with (per department and year, over the indicators
that list the department; indicators without data are left out and counted):

- ``c_a`` annual target: mean over numeric indicators of the completion to date against the target path
  (this year's checkpoint), clipped to [0, 1];
- ``c_c`` cumulative progress: mean over numeric indicators of the share of the way from the base to the
  next target already covered, ``(y − y0)/(y* − y0)`` clipped to [0, 1] (1 when achieved);
- ``m`` other measures: the department's milestones by status (done 1, in progress ½, not started and
  overdue 0); a department without milestones: the share of its numeric indicators with a green light;
- veto (``annual_target.veto_when_missed``, 一票否决): a department misses its annual target when an indicator it
  leads (named first) is red on the path check, i.e. this year's checkpoint missed by more than the
  weather-chart shortfall; a vetoed assessment is graded with the lowest grade whatever the score (the
  indicators that vetoed it are stored as ``details.vetoed_by``).

Grades from ``scoring.grades`` (≥ 90 excellent, 80–90 good, 60–80 pass, < 60 fail).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.methods import progress as pg
from transcarbon.store.models_evaluation import DepartmentScore

MILESTONE_CREDIT = {"done": 1.0, "in_progress": 0.5, "not_started": 0.0, "overdue": 0.0}


def _clip(x: float | None) -> float:
    return float("nan") if x is None or math.isnan(x) else min(max(x, 0.0), 1.0)


def _mean(xs: list[float]) -> float:
    v = [x for x in xs if not math.isnan(x)]
    return float(np.mean(v)) if v else float("nan")


def compute_scorecards(city: CityConfig, year: int, annual: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One scorecard per department for ``year`` from the evaluation's annual rows."""
    rows = {r["indicator_id"]: r for r in annual if r["year"] == year}
    s = city.scoring
    cards: list[dict[str, Any]] = []
    for dept in city.departments:
        items, ca, cc, ms, greens, vetoed_by = [], [], [], [], [], []
        for ind in city.indicators_of(dept.id):
            r = rows.get(ind.id)
            lead = ind.departments[0] == dept.id
            status = (r or {}).get("status") or "no_data"
            item = {
                "indicator_id": ind.id,
                "lead": lead,
                "status": status,
                "light": (r or {}).get("light") or "grey",
                "value": (r or {}).get("value"),
            }
            if ind.kind == "milestone":
                if status in MILESTONE_CREDIT:
                    ms.append(MILESTONE_CREDIT[status])
                    item["credit"] = MILESTONE_CREDIT[status]
            elif r is not None and r.get("measure") is not None and status not in ("no_data", "late"):
                a = _clip(r.get("completion_to_date"))
                base, target, m = r["details"].get("base_measure"), r.get("target_measure"), r["measure"]
                c = (
                    1.0
                    if status == "achieved"
                    else (
                        _clip((m - base) / (target - base))
                        if base is not None and target is not None and target != base
                        else float("nan")
                    )
                )
                ca.append(a)
                cc.append(c)
                greens.append(1.0 if r.get("light") == "green" else 0.0)
                item.update(
                    annual_completion=None if math.isnan(a) else a, cumulative_completion=None if math.isnan(c) else c
                )
                if lead and r["details"].get("path_light") == "red":
                    vetoed_by.append(ind.id)
            items.append(item)
        c_a, c_c = _mean(ca), _mean(cc)
        m = _mean(ms) if ms else _mean(greens)
        scored = not (math.isnan(c_a) and math.isnan(c_c) and math.isnan(m))
        score, _ = pg.assessment_score(
            c_a,
            c_c,
            m,
            annual_points=s.annual_target.points,
            cumulative_points=s.cumulative_progress.points,
            measures_points=s.other_measures.points,
            veto_when_missed=False,
        )
        vetoed = bool(s.annual_target.veto_when_missed and vetoed_by)
        total = float(score) if scored else None
        grade = None if total is None else (s.grades[-1] if vetoed else s.grade(total))
        cards.append(
            {
                "department_id": dept.id,
                "name_zh": dept.name_zh,
                "name_en": dept.name_en,
                "year": year,
                "template": s.template,
                "annual_completion": None if math.isnan(c_a) else c_a,
                "cumulative_completion": None if math.isnan(c_c) else c_c,
                "measures_share": None if math.isnan(m) else m,
                "score": total,
                "vetoed": vetoed,
                "grade": None if grade is None else grade.id,
                "grade_zh": None if grade is None else grade.name_zh,
                "grade_en": None if grade is None else grade.name_en,
                "details": {
                    "indicators": items,
                    "no_data": sum(1 for i in items if i["status"] in ("no_data", "late")),
                    "vetoed_by": vetoed_by if vetoed else [],
                    "points": {
                        "annual_target": s.annual_target.points,
                        "cumulative_progress": s.cumulative_progress.points,
                        "other_measures": s.other_measures.points,
                    },
                },
            }
        )
    return cards


def store_scorecards(session: Session, run_id: int, year: int, city: CityConfig, annual: list[dict[str, Any]]) -> None:
    """Compute and store the year's scorecards under the evaluation run."""
    cards = compute_scorecards(city, year, annual)
    cols = (
        "department_id",
        "year",
        "template",
        "annual_completion",
        "cumulative_completion",
        "measures_share",
        "score",
        "vetoed",
        "grade",
        "details",
    )
    if cards:
        session.execute(insert(DepartmentScore), [{"run_id": run_id, **{c: card[c] for c in cols}} for card in cards])


def stored_scorecards(session: Session, run_id: int, city: CityConfig) -> list[dict[str, Any]]:
    """Scorecards stored with an evaluation run, best score first (departments without data last)."""
    out = []
    for s in session.scalars(select(DepartmentScore).where(DepartmentScore.run_id == run_id)):
        d = city.department(s.department_id)
        g = next((x for x in city.scoring.grades if x.id == s.grade), None)
        out.append(
            {
                "department_id": s.department_id,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "year": s.year,
                "template": s.template,
                "annual_completion": s.annual_completion,
                "cumulative_completion": s.cumulative_completion,
                "measures_share": s.measures_share,
                "score": s.score,
                "vetoed": s.vetoed,
                "grade": s.grade,
                "grade_zh": g.name_zh if g else None,
                "grade_en": g.name_en if g else None,
                "details": s.details,
            }
        )
    return sorted(out, key=lambda c: (c["score"] is None, -(c["score"] or 0.0), c["department_id"]))
