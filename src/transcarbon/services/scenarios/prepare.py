"""A scenario file made ready to run: read and validated, its levers applied at the chosen levels, and — when it asks
for ``calibration: {source: platform}`` — calibrated on the platform's data (:mod:`.calibrate`).

Levers are looked up in the scenario's ``levers_file`` (beside the scenario file) or else in the city's scenario
folder (``scenarios_dir`` of the city file, ``levers.yaml``). The city's own scenarios (baseline, policy) are the
YAML files of that folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.services.scenarios.calibrate import Calibration, calibrate
from transcarbon.services.scenarios.levers import Levers, apply_levers, load_levers
from transcarbon.services.scenarios.spec import ScenarioSpec, SpecError, parse_spec


class NeedsDatabase(LookupError):
    """The scenario asks for calibration on the platform's data and no database was given."""


@dataclass(frozen=True)
class Prepared:
    """A scenario ready to run: the spec as run, its lever choices, the levers and the calibration it used."""

    spec: ScenarioSpec
    source: str  # the YAML as run (levers applied, calibrated values filled in)
    levers: Levers | None
    calibration: Calibration | None


def city_scenarios(city: CityConfig) -> dict[str, Path]:
    """The city's scenario files by id (file stem), ``levers.yaml`` aside."""
    folder = city.scenarios_path
    if folder is None or not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.name != "levers.yaml"}


def city_levers(city: CityConfig) -> Levers | None:
    """The city's levers, if it has a scenario folder with a ``levers.yaml``."""
    folder = city.scenarios_path
    path = folder / "levers.yaml" if folder is not None else None
    return load_levers(path) if path is not None and path.is_file() else None


def prepare(
    text: str,
    file: str,
    *,
    city: CityConfig,
    base_dir: Path | None = None,
    session: Session | None = None,
    levers: dict[str, int] | None = None,
) -> Prepared:
    """Validate ``text`` (the YAML of ``file``), apply its levers (``levers`` override its own choices), calibrate
    it when it asks (on ``session``; :class:`NeedsDatabase` without one); :class:`SpecError` for any problem."""
    spec = parse_spec(text, file)
    raw: dict[str, Any] = yaml.safe_load(text)
    choices = {**spec.levers, **(levers or {})}
    lever_set = None
    if spec.levers_file is not None:
        lever_set = load_levers((base_dir or Path(".")) / spec.levers_file)
    elif choices:
        lever_set = city_levers(city)
        if lever_set is None:
            raise SpecError(file, [("levers", "scn.spec.no_levers", {})])
    if lever_set is not None and choices:
        raw = apply_levers(raw, lever_set, choices, spec.last_observed)
        raw["levers"] = choices
    cal = None
    if spec.calibration is not None:
        if session is None:
            raise NeedsDatabase(file)
        raw, cal = calibrate(raw, parse_spec(yaml.safe_dump(raw, allow_unicode=True), file), session, city)
    source = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    return Prepared(parse_spec(source, file), source, lever_set, cal)
