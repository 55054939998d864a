"""Scenario runs stored with lineage (what the web runs and the report shows): run one of the city's scenarios or a
custom one at chosen lever levels, record it as a calculation run of kind ``scenario`` with the scenario file as run,
its calibration, the factor set and the data it was calibrated on; list, read and compare the saved runs.

The fingerprint is the SHA-256 of the code version, the scenario file as run (levers applied, calibrated values
filled in), the draws, the fuel-property set's hash and the ids of the submissions and inventory runs the calibration
read: the same scenario on the same data returns the stored run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import audit
from transcarbon.services.inventory_runs import code_version
from transcarbon.services.scenarios import run as runs
from transcarbon.services.scenarios.build import carrier_co2
from transcarbon.services.scenarios.prepare import city_scenarios, prepare
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_scenarios import ScenarioRun

METHOD_VERSION = "scenarios/1"


class UnknownScenario(LookupError):
    """No scenario of the city has this id (or no saved run this number)."""


@dataclass(frozen=True)
class SavedRun:
    id: int
    run_id: int
    reused: bool
    payload: dict[str, Any]


def run_and_store(
    session: Session,
    city: CityConfig,
    *,
    actor: str,
    scenario: str,
    levers: dict[str, int] | None = None,
    draws: int | None = None,
    library: FactorLibrary | None = None,
) -> SavedRun:
    """Run the city's scenario ``scenario`` (at ``levers``, overriding its own levels: a custom run) and store it, or
    return the stored run with the same fingerprint."""
    files = city_scenarios(city)
    if scenario not in files:
        raise UnknownScenario(scenario)
    path = files[scenario]
    prepared = prepare(
        path.read_text(encoding="utf-8"), path.name, city=city, base_dir=path.parent, session=session, levers=levers
    )
    spec = prepared.spec
    n = spec.draws if draws is None else draws
    lib = library or FactorLibrary.load()
    fuel_set = lib.default("fuel_properties")
    sources = prepared.calibration.sources if prepared.calibration else {}
    as_run = spec.model_dump(mode="json")  # canonical: key order of the file does not matter
    fingerprint = audit.content_hash(["scenario", code_version(), as_run, n, fuel_set.content_hash, sources])
    existing = session.scalars(
        select(ScenarioRun)
        .join(CalculationRun, CalculationRun.id == ScenarioRun.run_id)
        .where(CalculationRun.fingerprint == fingerprint)
    ).first()
    if existing is not None:
        return SavedRun(existing.id, existing.run_id, True, existing.payload)
    started = datetime.now(UTC)
    result = runs.run(spec, carrier_co2(lib, fuel_set.name), n)
    payload = runs.payload(result, city)
    kind = "custom" if any(prepared.file_levers.get(k) != v for k, v in (levers or {}).items()) else spec.kind
    if prepared.calibration is not None:
        payload["calibration"] = prepared.calibration.as_dict()
    payload["scenario"]["kind"] = kind
    run = CalculationRun(
        kind="scenario",
        fingerprint=fingerprint,
        method_version=METHOD_VERSION,
        code_version=code_version(),
        parameters={"scenario": scenario, "kind": kind, "levers": spec.levers, "draws": n, "seed": spec.seed},
        factor_sets={"fuel_properties": {"name": fuel_set.name, "sha256": fuel_set.content_hash}},
        fallbacks=[],
        input_hash=audit.content_hash([as_run, sources]),
        input_count=sum(len(v) for v in sources.values()),
        actor=actor,
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    names = spec.name
    row = ScenarioRun(
        run_id=run.id,
        scenario_id=scenario,
        kind=kind,
        name_zh=names.zh if names else scenario,
        name_en=names.en if names else scenario,
        levers=spec.levers,
        draws=n,
        spec_yaml=prepared.source,
        calibration=payload.get("calibration"),
        payload=payload,
        actor=actor,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="scenario.run",
        object_type="scenario_run",
        object_id=str(row.id),
        after={"fingerprint": fingerprint, "scenario": scenario, "kind": kind, "levers": spec.levers},
        details={"draws": n, "sources": sources},
    )
    return SavedRun(row.id, run.id, False, payload)


def _summary(r: ScenarioRun) -> dict[str, Any]:
    p = r.payload
    raw_targets = p.get("targets")
    targets = [t for t in raw_targets if isinstance(t, dict)] if isinstance(raw_targets, list) else []
    return {
        "id": r.id,
        "run_id": r.run_id,
        "scenario_id": r.scenario_id,
        "kind": r.kind,
        "name_zh": r.name_zh,
        "name_en": r.name_en,
        "levers": r.levers,
        "draws": r.draws,
        "actor": r.actor,
        "created_at": r.created_at,
        "oil_peak": p.get("oil_peak"),
        "targets": targets,
    }


def saved_runs(session: Session) -> list[dict[str, Any]]:
    """Every saved run, newest first, with its oil peak and targets (for the list and the comparison)."""
    return [_summary(r) for r in session.scalars(select(ScenarioRun).order_by(ScenarioRun.id.desc()))]


def saved_run(session: Session, run_id: int) -> dict[str, Any]:
    """A saved run: its summary, payload, the scenario file as run and its calibration; :class:`UnknownScenario`."""
    r = session.get(ScenarioRun, run_id)
    if r is None:
        raise UnknownScenario(str(run_id))
    return {**_summary(r), "payload": r.payload, "spec_yaml": r.spec_yaml, "calibration": r.calibration}


def latest(session: Session, scenario: str) -> dict[str, Any] | None:
    """The newest saved run of the city's scenario ``scenario`` at its own levels (not a custom one), if any."""
    r = session.scalars(
        select(ScenarioRun)
        .where(ScenarioRun.scenario_id == scenario, ScenarioRun.kind != "custom")
        .order_by(ScenarioRun.id.desc())
    ).first()
    return None if r is None else saved_run(session, r.id)
