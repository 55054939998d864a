"""What the faces show: read-only queries, cached per data version.

Inventory figures come from the newest inventory run of each year (the ``results`` table), each with its
result id so that every figure shown links to its lineage: the city's totals per year, and a year's
emissions by sector, month, organisation and fuel.

:func:`cached` keeps the answer of a slow read (an evaluated year, a decomposition) per database and *data
version* (:func:`data_version`: the newest calculation run and the state of the submissions), so a page view costs
a few cheap queries once the data settle, and any new run or approval shows on the next view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.store.models import CalculationLine, CalculationRun, Organisation, Result, Submission

Row = dict[str, Any]

_MEASURES = (
    "co2_t",
    "co2e_t",
    "energy_tce",
    "converted_tkm",
    "freight_tkm",
    "passenger_pkm",
    "intensity_kgco2_per_converted_tkm",
    "scope1_co2_t",
    "scope2_co2_t",
    "co2_u_t",
    "quality_grade",
)
_CACHE_SIZE = 256


# --------------------------------------------------------------------------- cache


_cache: dict[tuple[object, ...], object] = {}
_cache_lock = threading.Lock()


def data_version(session: Session) -> tuple[object, ...]:
    """A cheap fingerprint that changes whenever computed or approved data change: the newest calculation
    run, the newest submission and the sum of the submissions' lock versions (every state change)."""
    run = session.scalar(select(func.max(CalculationRun.id)))
    sub = session.execute(select(func.max(Submission.id), func.coalesce(func.sum(Submission.lock_version), 0))).one()
    return (run, sub[0], sub[1])


def cached(session: Session, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, kept under ``key`` for the database ``session`` reads (its URL, password hidden) and the data
    version it sees now (at most 256 answers): two databases with the same data version, a copy and its original,
    never share an answer."""
    bind = session.get_bind()
    database = str(bind.engine.url)
    full = (*key, database, data_version(session))
    with _cache_lock:
        if full in _cache:
            return _cache[full]
    value = compute()
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[full] = value
    return value


def clear_cache() -> None:
    """Forget every cached answer."""
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- inventory


def latest_runs(session: Session) -> dict[int, int]:
    """Year → id of the newest inventory run of that year that has results."""
    rows = session.execute(
        select(Result.year, func.max(Result.run_id))
        .join(CalculationRun, CalculationRun.id == Result.run_id)
        .where(CalculationRun.kind == "inventory")
        .group_by(Result.year)
    ).all()
    return {int(y): int(r) for y, r in rows}


def years(session: Session) -> list[int]:
    """The years with an inventory, oldest first."""
    return sorted(latest_runs(session))


def _res(r: Result) -> Row:
    return {
        "result_id": r.id,
        "run_id": r.run_id,
        "year": r.year,
        "month": r.month,
        "sector": r.sector,
        "org_id": r.org_id,
        **{m: getattr(r, m) for m in _MEASURES},
        "line_count": r.line_count,
    }


def city_series(session: Session) -> list[Row]:
    """The city totals of each year (newest run), oldest first: CO2 [t], CO2e [t], energy [tce], turnover
    [t·km, p·km], intensity [kg CO2 per converted t·km], with the result id."""
    runs = latest_runs(session)
    if not runs:
        return []
    q = select(Result).where(
        Result.run_id.in_(runs.values()), Result.sector.is_(None), Result.month.is_(None), Result.org_id.is_(None)
    )
    out = [_res(r) for r in session.scalars(q) if runs.get(r.year) == r.run_id]
    return sorted(out, key=lambda r: r["year"])


def emissions(session: Session, year: int) -> dict[str, Any]:
    """A year's total and its emissions by sector, month, organisation (each figure with its result id),
    sector × month, and fuel (summed from the run's calculation lines)."""
    run = latest_runs(session).get(year)
    if run is None:
        return {
            "year": year,
            "run_id": None,
            "total": None,
            "by_sector": [],
            "by_month": [],
            "by_org": [],
            "by_fuel": [],
            "by_sector_month": [],
        }
    rows = [_res(r) for r in session.scalars(select(Result).where(Result.run_id == run, Result.year == year))]
    total = next((r for r in rows if r["sector"] is None and r["month"] is None and r["org_id"] is None), None)
    by_sector = sorted(
        (r for r in rows if r["sector"] and r["month"] is None and r["org_id"] is None), key=lambda r: -r["co2_t"]
    )
    sector_month = [r for r in rows if r["sector"] and r["month"] is not None and r["org_id"] is None]
    month_tot: dict[int, float] = {}
    for r in sector_month:
        month_tot[r["month"]] = month_tot.get(r["month"], 0.0) + r["co2_t"]
    by_month = [{"month": m, "co2_t": v} for m, v in sorted(month_tot.items())]
    org_rows = [r for r in rows if r["org_id"] is not None and r["month"] is None]
    names = {o.id: (o.name_zh, o.name_en) for o in session.scalars(select(Organisation))}
    by_org = sorted(
        (
            {
                **r,
                "name_zh": names.get(r["org_id"], (r["org_id"],) * 2)[0],
                "name_en": names.get(r["org_id"], (r["org_id"],) * 2)[1],
            }
            for r in org_rows
        ),
        key=lambda r: -r["co2_t"],
    )
    fuels = session.execute(
        select(
            CalculationLine.fuel, func.sum(CalculationLine.co2_t), func.sum(CalculationLine.energy_tce), func.count()
        )
        .where(CalculationLine.run_id == run)
        .group_by(CalculationLine.fuel)
    ).all()
    by_fuel: list[Row] = sorted(
        ({"fuel": f, "co2_t": float(c or 0), "energy_tce": float(e or 0), "lines": int(n)} for f, c, e, n in fuels),
        key=lambda r: -float(r["co2_t"]),
    )
    return {
        "year": year,
        "run_id": run,
        "total": total,
        "by_sector": by_sector,
        "by_month": by_month,
        "by_org": by_org,
        "by_fuel": by_fuel,
        "by_sector_month": sorted(sector_month, key=lambda r: (r["sector"], r["month"])),
    }


def run_factor_sets(session: Session, run_id: int) -> list[Row]:
    """The factor sets a run used: kind, name, version and SHA-256 (the methods annex of the report)."""
    run = session.get(CalculationRun, run_id)
    sets = cast(dict[str, dict[str, Any]], run.factor_sets or {}) if run is not None else {}
    return [
        {
            "kind": kind,
            "name": str(ref.get("name")),
            "version": str(ref.get("version", "")),
            "sha256": ref.get("sha256"),
        }
        for kind, ref in sorted(sets.items())
    ]


# --------------------------------------------------------------------------- one organisation


def _intensity(co2_t: float, converted_tkm: float | None) -> float | None:
    """kgCO2 per converted t·km, or None without turnover."""
    return 1000 * co2_t / converted_tkm if converted_tkm else None


def organisation_figures(session: Session, org_id: str, year: int | None = None) -> dict[str, Any]:
    """One organisation's own figures from the newest inventory run of each year: per year its CO2 [t], energy
    [tce], converted turnover [t·km] and intensity [kgCO2/t·km] (each with its result id); per month of its
    latest year the same from the run's lines; and where its intensity stands among the organisations of its
    sector that year (anonymised: the quartiles, how many, and its own quartile 1–4, 1 the lowest intensity; only
    with four or more). ``year``: the year of the months and the peers instead of the latest."""
    runs = latest_runs(session)
    years = []
    for _year, run in sorted(runs.items()):
        r = session.scalars(
            select(Result).where(Result.run_id == run, Result.org_id == org_id, Result.month.is_(None))
        ).first()
        if r is not None:
            years.append({**_res(r), "intensity": _intensity(r.co2_t, r.converted_tkm)})
    out: dict[str, Any] = {"org_id": org_id, "years": years, "months": [], "peers": None}
    if not years:
        return out
    latest = int(years[-1]["year"]) if year is None or year not in {y["year"] for y in years} else year
    months = session.execute(
        select(
            CalculationLine.month,
            func.sum(CalculationLine.co2_t),
            func.sum(CalculationLine.energy_tce),
            func.sum(CalculationLine.converted_tkm),
        )
        .where(CalculationLine.run_id == runs[latest], CalculationLine.org_id == org_id)
        .group_by(CalculationLine.month)
        .order_by(CalculationLine.month)
    ).all()
    out["year"] = latest
    out["months"] = [
        {"month": m, "co2_t": float(c), "energy_tce": float(e), "intensity": _intensity(float(c), t)}
        for m, c, e, t in months
        if m is not None
    ]
    sector = session.scalar(select(Organisation.sector).where(Organisation.id == org_id))
    peers = session.execute(
        select(Result.org_id, Result.co2_t, Result.converted_tkm)
        .join(Organisation, Organisation.id == Result.org_id)
        .where(Result.run_id == runs[latest], Result.month.is_(None), Organisation.sector == sector)
    ).all()
    values = {o: i for o, c, t in peers if (i := _intensity(c, t)) is not None}
    own = values.get(org_id)
    if len(values) >= 4 and own is not None:  # fewer than four peers would give them away
        q1, q2, q3 = (float(q) for q in np.quantile(np.array(list(values.values())), [0.25, 0.5, 0.75]))
        out["peers"] = {
            "sector": sector,
            "count": len(values),
            "q1": q1,
            "median": q2,
            "q3": q3,
            "quartile": 1 + sum(own > q for q in (q1, q2, q3)),
        }
    return out
