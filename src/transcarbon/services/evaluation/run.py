"""Use case: evaluate the plan's indicators for a year (可测算、可追溯), stored as a run with lineage.

:func:`evaluate` reads the :class:`~.inputs.Inputs`, computes every indicator's rows
(:func:`~.values.compute_values`), detects and syncs the warnings (:mod:`.alerts`) and stores the
department scorecards (:mod:`.scorecards`), all in the caller's transaction.

Lineage: one :class:`CalculationRun` of kind ``evaluation`` per (year, as-of date, inputs): parameters,
the inventory runs and approved submissions (ids and content hashes) as input hash, and per value the
result ids, inventory run ids and submission ids it was computed from. Asking again with nothing
changed reuses the run. :func:`evaluation_payload` reads a stored run back in the ``evaluate --json``
contract, whose ``target_<year>`` keys are the city's configured target years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig, Indicator, load_city
from transcarbon.city.reports import load_report_types
from transcarbon.i18n import t
from transcarbon.methods.progress import Light
from transcarbon.services import audit
from transcarbon.services.evaluation.alerts import detect, open_warnings_json, sync
from transcarbon.services.evaluation.inputs import load_inputs
from transcarbon.services.evaluation.kernels import AUX_PORT
from transcarbon.services.evaluation.scorecards import store_scorecards
from transcarbon.services.evaluation.values import compute_values
from transcarbon.services.inventory_runs import code_version
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_evaluation import IndicatorValue

METHOD_VERSION = "evaluation-2"
LIGHTS: tuple[str, ...] = tuple(light.value for light in Light)
"""The lights counted in a payload's ``summary``: green, yellow, red, grey."""


@dataclass(frozen=True)
class Evaluation:
    """A stored evaluation run: whether it was reused, the year and its ``evaluate --json`` payload."""

    run_id: int
    reused: bool
    year: int
    payload: dict[str, Any]


def target_key(year: int) -> str:
    """The payload key of an indicator's target of ``year`` (``target_2025``): part of the JSON contract."""
    return f"target_{year}"


def _city_hash(city: CityConfig) -> str:
    return audit.content_hash(city.model_dump(mode="json"))


def evaluate(
    session: Session, year: int, *, actor: str, as_of: date | None = None, city: CityConfig | str = "lianyungang"
) -> Evaluation:
    """Evaluate every indicator for ``year`` in the caller's transaction; store values, warnings and
    scorecards as one run of kind ``evaluation`` (reused when nothing changed)."""
    cfg = load_city(city) if isinstance(city, str) else city
    catalog = load_report_types(cfg.reports_path)
    as_of = as_of or datetime.now(UTC).date()
    started = datetime.now(UTC)
    inp = load_inputs(session, year, cfg, catalog)
    params = {
        "year": year,
        "as_of": as_of.isoformat(),
        "city": cfg.city.id,
        "city_config_sha256": _city_hash(cfg),
        "trajectory": cfg.progress.trajectory,
        "forecast": cfg.progress.forecast.model_dump(),
        "inventory_runs": {str(k): v for k, v in inp.runs.items()},
    }
    input_hash = audit.content_hash(inp.fingerprint_inputs)
    fingerprint = audit.content_hash(["evaluation", METHOD_VERSION, code_version(), params, input_hash])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return Evaluation(existing, True, year, evaluation_payload(session, existing, cfg))
    values = compute_values(inp, cfg, catalog, as_of)
    run = CalculationRun(
        kind="evaluation",
        fingerprint=fingerprint,
        method_version=METHOD_VERSION,
        code_version=code_version(),
        parameters=params,
        factor_sets={},
        fallbacks=[],
        input_hash=input_hash,
        input_count=len(inp.fingerprint_inputs["submissions"]) + len(inp.runs),
        actor=actor,
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    if values:
        session.execute(insert(IndicatorValue), [{**v, "run_id": run.id} for v in values])
    annual = [v for v in values if v["month"] is None and v["quarter"] is None]
    quarterly = [v for v in values if v["quarter"] is not None]
    found = detect(session, inp, cfg, catalog, annual, as_of, quarterly)
    synced = sync(session, year, found, run_id=run.id)
    store_scorecards(session, run.id, year, cfg, annual)
    audit.append(
        session,
        actor=actor,
        action="evaluation.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "values": len(values)},
        details={"year": year, "as_of": as_of.isoformat(), "warnings": synced},
    )
    return Evaluation(run.id, False, year, evaluation_payload(session, run.id, cfg))


def latest_evaluation_run(session: Session, year: int) -> int | None:
    """The newest evaluation run of ``year``, if any."""
    return session.scalars(
        select(CalculationRun.id)
        .where(CalculationRun.kind == "evaluation")
        .where(CalculationRun.parameters["year"].as_integer() == year)
        .order_by(CalculationRun.id.desc())
    ).first()


def stored_values(session: Session, run_id: int, *, annual_only: bool = True) -> list[IndicatorValue]:
    """The values stored with a run (``annual_only``: no monthly or quarterly rows), by indicator and period."""
    q = select(IndicatorValue).where(IndicatorValue.run_id == run_id)
    if annual_only:
        q = q.where(IndicatorValue.month.is_(None), IndicatorValue.quarter.is_(None))
    order = (IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.quarter, IndicatorValue.month)
    return list(session.scalars(q.order_by(*order)))


def quarterly_values(session: Session, run_id: int, indicator_id: str) -> list[IndicatorValue]:
    """An indicator's quarterly rows of a run, oldest first."""
    q = select(IndicatorValue).where(
        IndicatorValue.run_id == run_id,
        IndicatorValue.indicator_id == indicator_id,
        IndicatorValue.quarter.is_not(None),
    )
    return list(session.scalars(q.order_by(IndicatorValue.year, IndicatorValue.quarter)))


def _indicator_json(ind: Indicator, v: IndicatorValue | None, city: CityConfig) -> dict[str, Any]:
    dept = [
        {"id": d, "name_zh": city.department(d).name_zh, "name_en": city.department(d).name_en} for d in ind.departments
    ]
    base = {
        "id": ind.id,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "section": ind.section,
        "kind": ind.kind,
        "unit": ind.unit,
        "direction": ind.direction,
        **{target_key(y): ind.target_value(y) for y in city.target_years},
        "departments": [d["id"] for d in dept],
        "department_names": dept,
        "source": ind.computation.source,
        "formula": ind.computation.formula.model_dump(),
    }
    if v is None:
        return {
            **base,
            "value": None,
            "status": "no_data",
            "sdg_status": "no_data",
            "light": "grey",
            "completion_to_date": None,
            "forecast": None,
            "value_low": None,
            "value_high": None,
            "quality_grade": None,
        }
    return {
        **base,
        "value_id": v.id,
        "year": v.year,
        "value": v.value,
        "measure": v.measure,
        "measure_unit": v.measure_unit,
        "status": v.status,
        "sdg_status": v.sdg_status,
        "light": v.light,
        "completion_to_date": v.completion_to_date,
        "step_completion": v.step_completion,
        "target_year": v.target_year,
        "target_value": v.target_value,
        "forecast": v.forecast,
        "value_low": v.value_low,
        "value_high": v.value_high,
        "quality_grade": v.quality_grade,
        "details": v.details,
        "sources": v.sources,
    }


def evaluation_payload(
    session: Session, run_id: int, city: CityConfig, *, published_only: bool = False
) -> dict[str, Any]:
    """The ``evaluate --json`` contract from a stored run (``published_only``: aggregates, no lineage or
    warnings, for reporters and the public)."""
    run = session.get(CalculationRun, run_id)
    assert run is not None
    year = int(run.parameters["year"])  # type: ignore[call-overload]
    rows = {(v.indicator_id): v for v in stored_values(session, run_id) if v.year == year}
    indicators = [_indicator_json(ind, rows.get(ind.id), city) for ind in city.indicators]
    aux = rows.get(AUX_PORT)
    payload: dict[str, Any] = {
        "year": year,
        "run_id": run_id,
        "as_of": run.parameters.get("as_of"),
        "synthetic_note": None,
        "indicators": indicators,
        "auxiliary": []
        if aux is None
        else [
            {
                "id": AUX_PORT,
                "name_zh": t("eval.aux.port_name", "zh"),
                "name_en": t("eval.aux.port_name", "en"),
                "value": aux.value,
                "unit": aux.unit,
                "measure": aux.measure,
                "measure_unit": aux.measure_unit,
            }
        ],
    }
    if published_only:
        keep = (
            "id",
            "name_zh",
            "name_en",
            "section",
            "kind",
            "unit",
            *[target_key(y) for y in city.target_years],
            "value",
            "status",
            "sdg_status",
            "light",
            "completion_to_date",
            "forecast",
            "value_low",
            "value_high",
            "quality_grade",
            "departments",
        )
        payload["indicators"] = [{k: i.get(k) for k in keep} for i in indicators]
        payload.pop("run_id")
        return payload
    payload["warnings"] = open_warnings_json(session, year)
    payload["summary"] = {light: sum(1 for i in indicators if i["light"] == light) for light in LIGHTS}
    return payload


def value_history(session: Session, run_id: int) -> dict[str, list[dict[str, Any]]]:
    """Indicator id → the run's annual rows up to its year (year, value, measure, 95% range, light, status),
    oldest first."""
    run = session.get(CalculationRun, run_id)
    assert run is not None
    year = int(run.parameters["year"])  # type: ignore[call-overload]
    out: dict[str, list[dict[str, Any]]] = {}
    for v in stored_values(session, run_id):
        if v.year <= year:
            out.setdefault(v.indicator_id, []).append(
                {
                    "year": v.year,
                    "value": v.value,
                    "measure": v.measure,
                    "value_low": v.value_low,
                    "value_high": v.value_high,
                    "light": v.light,
                    "status": v.status,
                }
            )
    return out
