"""Tables of stored scenario runs: one row per run of a scenario, with its run (lineage) and what it answered.

A scenario run is a ``CalculationRun`` of kind ``scenario`` whose ``parameters`` hold the scenario's id, kind, lever
levels and draws, whose ``factor_sets`` hold the fuel-property set's hash, and whose input hash covers the scenario
file as run (levers applied, calibrated values filled in) and the submissions and inventory runs it was calibrated on.
The row here keeps that file (``spec_yaml``), the calibration report and the JSON payload the faces show.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base


class ScenarioRun(Base):
    """One stored run of a scenario: names, levers, the YAML as run, the calibration and the answer."""

    __tablename__ = "scenario_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    levers: Mapped[dict[str, int]] = mapped_column(JSON)
    draws: Mapped[int] = mapped_column(Integer)
    spec_yaml: Mapped[str] = mapped_column(Text)
    calibration: Mapped[dict[str, object] | None] = mapped_column(JSON)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
