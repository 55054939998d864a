"""A scenario file made ready to run: read and validated, its levers applied at the chosen levels, and — when it asks
for ``calibration: {source: platform}`` — calibrated on the platform's data (:mod:`.calibrate`).

Levers are looked up in the scenario's ``levers_file`` (beside the scenario file) or else in the city's scenario
folder (``scenarios_dir`` of the city file, ``levers.yaml``). The city's own scenarios (baseline, policy) are the
YAML files of that folder; a file may ``extends:`` another one beside it (``_base.yaml``: files starting with ``_``
are parts, not scenarios), whose mappings it overrides key by key.
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
from transcarbon.services.scenarios.spec import ScenarioSpec, SpecError, load_raw, validate


class NeedsDatabase(LookupError):
    """The scenario asks for calibration on the platform's data and no database was given."""


@dataclass(frozen=True)
class Prepared:
    """A scenario ready to run: the spec as run, its lever choices, the levers and the calibration it used."""

    spec: ScenarioSpec
    source: str  # the YAML as run (levers applied, calibrated values filled in)
    file_levers: dict[str, int]  # the levels the file itself chose
    levers: Levers | None
    calibration: Calibration | None


def city_scenarios(city: CityConfig) -> dict[str, Path]:
    """The city's scenario files by id (file stem), ``levers.yaml`` aside."""
    folder = city.scenarios_path
    if folder is None or not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.name != "levers.yaml" and not p.name.startswith("_")}


def city_levers(city: CityConfig) -> Levers | None:
    """The city's levers, if it has a scenario folder with a ``levers.yaml``."""
    folder = city.scenarios_path
    path = folder / "levers.yaml" if folder is not None else None
    return load_levers(path) if path is not None and path.is_file() else None


def merged(raw: dict[str, Any], base_dir: Path | None, file: str, depth: int = 0) -> dict[str, Any]:
    """``raw`` over the file it ``extends`` (beside it): mappings merge key by key, anything else replaces."""
    parent_name = raw.get("extends")
    if parent_name is None:
        return raw
    path = (base_dir or Path(".")) / str(parent_name)
    if depth > 3 or not path.is_file():
        raise SpecError(file, [("extends", "scn.spec.extends", {"value": parent_name})])
    parent = merged(load_raw(path.read_text(encoding="utf-8"), path.name), path.parent, path.name, depth + 1)

    def deep(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        out = dict(a)
        for k, v in b.items():
            out[k] = deep(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        return out

    child = {k: v for k, v in raw.items() if k != "extends"}
    return deep(parent, child)


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
    raw = merged(load_raw(text, file), base_dir, file)
    spec = validate(raw, file)
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
        raw, cal = calibrate(raw, validate(raw, file), session, city)
    source = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    return Prepared(validate(raw, file), source, dict(spec.levers), lever_set, cal)
