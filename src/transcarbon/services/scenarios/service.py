"""Scenario use cases for the faces: run a scenario file and answer with the JSON payload
(:func:`run_file`, the ``scenario run`` command), and the city's scenarios as stored runs (:mod:`.store`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.factors.library import FactorLibrary
from transcarbon.services.scenarios import run as runs
from transcarbon.services.scenarios.build import carrier_co2
from transcarbon.services.scenarios.prepare import prepare


def run_file(
    text: str,
    file: str,
    *,
    city: CityConfig,
    base_dir: Path | None = None,
    draws: int | None = None,
    session: Session | None = None,
    library: FactorLibrary | None = None,
) -> dict[str, Any]:
    """Prepare (levers, calibration on ``session`` when the file asks) and run a scenario file; the JSON payload
    (:func:`transcarbon.services.scenarios.run.payload`) with the calibration report when there is one."""
    prepared = prepare(text, file, city=city, base_dir=base_dir, session=session)
    co2 = carrier_co2(library or FactorLibrary.load())
    result = runs.run(prepared.spec, co2, draws)
    out = runs.payload(result, city)
    if prepared.calibration is not None:
        out["calibration"] = prepared.calibration.as_dict()
    return out
