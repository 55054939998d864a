"""Tables of evaluation: indicator values, warnings, department scores, LMDI effects.

Every row belongs to a :class:`~transcarbon.store.models.CalculationRun` (``kind`` ``evaluation`` or
``decomposition``), whose parameters and input hashes say what it was computed from; each indicator
value also lists the inventory result ids and the approved submission ids that fed it (``sources``).
Warnings are never deleted: one that no longer holds gets ``resolved_at``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base, utcnow
from transcarbon.store.types import UtcDateTime


class IndicatorValue(Base):
    """One indicator in one period (a year; a month: ``month`` set; a quarter: ``quarter`` set) of an evaluation run.

    ``measure`` is the quantity progress is judged on (intensity, share, kWh …, in ``measure_unit``);
    ``value`` the reported figure (``unit``: a share in %, a fall in %, a multiple, a CAGR in %/yr …).
    Status fields are filled on annual rows only.
    """

    __tablename__ = "evaluation_values"
    __table_args__ = (Index("ix_evaluation_values_run_ind_year", "run_id", "indicator_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    indicator_id: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    measure: Mapped[float | None] = mapped_column(Float)
    measure_unit: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(30))
    sdg_status: Mapped[str | None] = mapped_column(String(30))
    light: Mapped[str | None] = mapped_column(String(10))
    completion_to_date: Mapped[float | None] = mapped_column(Float)
    step_completion: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column(Integer)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_measure: Mapped[float | None] = mapped_column(Float)
    forecast: Mapped[dict[str, object] | None] = mapped_column(JSON)
    value_low: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    """The value's 95% range (IPCC approach 1) [unit of ``value``]; null where none could be formed."""
    quality_grade: Mapped[str | None] = mapped_column(String(2))
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    sources: Mapped[dict[str, object]] = mapped_column(JSON)


class EvaluationWarning(Base):
    """An early warning (可预警). ``key`` identifies the condition; while it holds the row stays open
    (``resolved_at`` null) and ``last_seen_at`` moves on; when it no longer holds it is resolved."""

    __tablename__ = "evaluation_warnings"
    __table_args__ = (Index("ix_evaluation_warnings_year_open", "year", "resolved_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))  # high | medium | low
    indicator_id: Mapped[str | None] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(64))
    report_type: Mapped[str | None] = mapped_column(String(60))
    period: Mapped[str | None] = mapped_column(String(7))
    departments: Mapped[list[str]] = mapped_column(JSON)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    # how people handle it (the inbox): new → acknowledged → assigned → closed; each step a WarningNote
    handling: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    assignee: Mapped[str | None] = mapped_column(String(100))


class WarningNote(Base):
    """One step of handling a warning: acknowledged, assigned (to a user), commented, closed or reopened."""

    __tablename__ = "evaluation_warning_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("evaluation_warnings.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WarningDepartment(Base):
    """Which city departments a warning names (for lists per department)."""

    __tablename__ = "evaluation_warning_departments"
    warning_id: Mapped[int] = mapped_column(ForeignKey("evaluation_warnings.id"), primary_key=True)
    department_id: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class DepartmentScore(Base):
    """A department's scorecard of a year under the city's scoring template."""

    __tablename__ = "department_scores"
    __table_args__ = (Index("ix_department_scores_run_dept", "run_id", "department_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    department_id: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(60))
    annual_completion: Mapped[float | None] = mapped_column(Float)
    cumulative_completion: Mapped[float | None] = mapped_column(Float)
    measures_share: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    grade: Mapped[str | None] = mapped_column(String(30))
    details: Mapped[dict[str, object]] = mapped_column(JSON)


class DecompositionEffect(Base):
    """LMDI-I effects of one sector between two years [t CO2] (run kind ``decomposition``)."""

    __tablename__ = "decomposition_effects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"), index=True)
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(String(40))
    co2_from_t: Mapped[float] = mapped_column(Float)
    co2_to_t: Mapped[float] = mapped_column(Float)
    delta_co2_t: Mapped[float] = mapped_column(Float)
    activity_t: Mapped[float] = mapped_column(Float)
    structure_t: Mapped[float] = mapped_column(Float)
    intensity_t: Mapped[float] = mapped_column(Float)
    fuel_mix_t: Mapped[float] = mapped_column(Float)
    emission_factor_t: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
