"""A city as configuration: models of the city YAML and :func:`load_city`.

The packaged default is ``transcarbon/data/cities/lianyungang.yaml``; another city is another YAML
file of the same shape, loaded by name (a packaged file) or by path, with no code. Loading
validates what a typo could break: unique ids, departments that exist, kinds, directions, sectors
and fuels from the shared vocabulary, target years, thresholds in order, lights that exist, and a
YAML without duplicate keys. Errors name the file and the place in it (``indicators[3]
(truck_co2_intensity).departments``) in English and Chinese.

Sections other than those modelled here (report types, for instance) are kept as extra fields of
:class:`CityConfig`, so other parts of the platform can add their own sections to the same file.

The module is one cohesive thing, the schema of the city file and the loader that validates it (as
:mod:`transcarbon.city.reports` is for report types), and is kept whole though longer than most.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from transcarbon.city.expressions import parse_expression
from transcarbon.domain import Fuel, Period, Sector

IndicatorKind = Literal["ratio", "reduction", "multiple", "growth", "count", "milestone"]
Direction = Literal["increase", "decrease"]
ComputationSource = Literal["inventory", "report_type", "milestone", "none"]
LightName = Literal["green", "yellow", "red", "grey"]

PROGRESS_STATUSES: tuple[str, ...] = (
    "achieved",
    "missed",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deterioration",
    "no_data",
    "late",
)
MILESTONE_STATUSES: tuple[str, ...] = ("done", "in_progress", "not_started", "overdue")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_CITY = "lianyungang"


class CityConfigError(ValueError):
    """The city configuration cannot be found, parsed or validated."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(f"id {value!r} must be lower-case snake_case (a-z, 0-9, _), starting with a letter")
    return value


class LocalText(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class District(_Strict):
    id: str
    name_zh: str
    name_en: str
    kind: Literal["district", "county"]
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")

    _id = field_validator("id")(_check_id)


class City(_Strict):
    id: str
    name_zh: str
    name_en: str
    province: str = Field(pattern=r"^CN-[A-Z]{2}$")
    grid_region: str
    timezone: str
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    districts: list[District] = Field(min_length=1)

    _id = field_validator("id")(_check_id)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)") from exc
        return value


class Department(_Strict):
    id: str
    name_zh: str
    name_en: str
    kind: Literal["government", "central_agency", "enterprise"] = "government"

    _id = field_validator("id")(_check_id)


class MonthlyDue(_Strict):
    due_day: int = Field(ge=1, le=31)
    months_after: int = Field(default=1, ge=0, le=12)


class AnnualDue(_Strict):
    due_month: int = Field(ge=1, le=12)
    due_day: int = Field(ge=1, le=31)
    years_after: int = Field(default=1, ge=0, le=2)

    @model_validator(mode="after")
    def _valid_day(self) -> AnnualDue:
        # 29 February is refused: it would not exist in most years.
        if self.due_day > calendar.monthrange(2023, self.due_month)[1]:
            raise ValueError(f"day {self.due_day} does not exist in month {self.due_month}")
        return self


class ReportingCalendar(_Strict):
    """When a period's data are due (timeliness), and which years are open to reporting: from ``first_year``
    to the year after the current one (a period outside is refused wherever data enter)."""

    monthly: MonthlyDue
    quarterly: MonthlyDue | None = None
    annual: AnnualDue
    grace_days: int = Field(default=0, ge=0)
    first_year: int = Field(default=2000, ge=1900, le=2100)

    def open_years(self, today: date) -> tuple[int, int]:
        """(first, last) year a period may have on ``today``: ``first_year`` to next year."""
        return self.first_year, today.year + 1

    def due_date(self, period: Period) -> date:
        """Last day to submit a period's data (grace days included).

        A month is due ``due_day`` of the month ``months_after`` later (clamped to the month's
        length); a year ``due_month``/``due_day`` of the year ``years_after`` later.
        """
        if period.month is None:
            d = date(period.year + self.annual.years_after, self.annual.due_month, self.annual.due_day)
        else:
            idx = period.year * 12 + (period.month - 1) + self.monthly.months_after
            y, m = divmod(idx, 12)
            day = min(self.monthly.due_day, calendar.monthrange(y, m + 1)[1])
            d = date(y, m + 1, day)
        return d + timedelta(days=self.grace_days)

    def is_late(self, period: Period, as_of: date) -> bool:
        """True when ``as_of`` is after the period's due date."""
        return as_of > self.due_date(period)


class Bands(_Strict):
    """Lower edges of the three upper progress bands (same names as ``methods.progress.BandThresholds``)."""

    on_track: float
    needs_acceleration: float
    limited_progress: float

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not self.on_track > self.needs_acceleration > self.limited_progress:
            raise ValueError("thresholds must decrease: on_track > needs_acceleration > limited_progress")
        return self


LIGHT_RULE_KINDS: tuple[str, ...] = ("ratio", "reduction", "multiple", "growth", "count")
"""The indicator kinds judged by a light rule (milestones have ``milestone_lights``)."""


class LightRule(_Strict):
    """How an indicator kind's light is made.

    ``weather_chart``: the rule of 发改办环资〔2021〕629号 (red: moved the wrong way; yellow: the right way but
    behind the required progress; green: on the path), judged on the cumulative ``path`` and/or the year's
    ``step`` (the worse of those judged is shown). ``open_sdg``: the Open SDG status through ``lights``.
    """

    rule: Literal["weather_chart", "open_sdg"]
    judge: list[Literal["path", "step"]] = Field(default=["path"], min_length=1)


class ForecastSettings(_Strict):
    warning_p_meet: float = Field(ge=0, le=1)
    interval_level: float = Field(gt=0, lt=1)
    method: Literal["ols", "theil_sen_bootstrap"] = "ols"
    min_points: int = Field(default=4, ge=3)
    """Fewest observed years for an interval and a probability (fewer: the trend's value only)."""


class ProgressSettings(_Strict):
    sdg: Bands
    no_target_cagr: Bands
    min_points: int = Field(default=2, ge=2)
    default_base_year: int = Field(ge=1990, le=2100)
    trajectory: Literal["linear", "compound"] = "linear"
    light_rules: dict[str, LightRule]
    forecast: ForecastSettings
    lights: dict[str, LightName]
    milestone_lights: dict[str, LightName]

    @model_validator(mode="after")
    def _every_kind_has_a_rule(self) -> ProgressSettings:
        missing = [k for k in LIGHT_RULE_KINDS if k not in self.light_rules]
        unknown = [k for k in self.light_rules if k not in LIGHT_RULE_KINDS]
        if missing or unknown:
            raise ValueError(
                f"progress.light_rules must give a rule for each of {list(LIGHT_RULE_KINDS)}; "
                f"missing {missing}, unknown {unknown}"
            )
        return self

    @model_validator(mode="after")
    def _all_statuses_lit(self) -> ProgressSettings:
        for name, mapping, expected in (
            ("lights", self.lights, PROGRESS_STATUSES),
            ("milestone_lights", self.milestone_lights, MILESTONE_STATUSES),
        ):
            missing = [s for s in expected if s not in mapping]
            unknown = [s for s in mapping if s not in expected]
            if missing or unknown:
                raise ValueError(
                    f"progress.{name} must map exactly {list(expected)}; missing {missing}, unknown {unknown}"
                )
        return self


class Points(_Strict):
    points: float = Field(ge=0)
    veto_when_missed: bool = False


class Grade(_Strict):
    id: str
    name_zh: str
    name_en: str
    min_score: float = Field(ge=0, le=100)


class Scoring(_Strict):
    """Department scorecard template (default: the 2014 carbon-intensity assessment rules)."""

    template: str
    annual_target: Points
    cumulative_progress: Points
    other_measures: Points
    grades: list[Grade] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Scoring:
        total = self.annual_target.points + self.cumulative_progress.points + self.other_measures.points
        if abs(total - 100.0) > 1e-9:
            raise ValueError(f"scoring points must add up to 100, got {total:g}")
        mins = [g.min_score for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(f"grades must be listed from the highest min_score down, got {mins}")
        if mins[-1] != 0:
            raise ValueError("the last grade must start at min_score 0 so that every score has a grade")
        return self

    def grade(self, score: float) -> Grade:
        """The grade of a score [points]."""
        for g in self.grades:
            if score >= g.min_score:
                return g
        return self.grades[-1]


class Target(_Strict):
    """A target of one year, in the indicator's reported unit (milestones: 1 = done)."""

    value: float | None = None
    at_least: bool = False
    approximate: bool = False
    strive: bool = False
    provincial: bool = False
    text_zh: str | None = None
    text_en: str | None = None

    @model_validator(mode="after")
    def _value_or_reason(self) -> Target:
        if self.value is None and not self.provincial:
            raise ValueError(
                "a target needs a value (or provincial: true when the province sets it); "
                "write null for no target that year"
            )
        return self


class Ridership(_Strict):
    """The alternative path of a mode share: public-transport ridership of ``modes`` (``report_type``, monthly
    passengers) turned into trips with the boardings per trip of ``estimate_report_type``, over its estimate of
    all motorised trips (area ``area``)."""

    report_type: str
    modes: list[str] = Field(min_length=1)
    estimate_report_type: str
    area: str


class Scope(_Strict):
    """A named reading of an inventory indicator: the sectors it sums over and which grid factor it counts.

    ``grid: base_year`` holds electricity at the base year's grid factor every year, so a fall is not only a
    cleaner grid; ``actual`` takes each year's own factor.
    """

    id: str
    name: LocalText
    sectors: list[Sector] = Field(min_length=1)
    grid: Literal["actual", "base_year"] = "actual"
    note: LocalText | None = None

    _id = field_validator("id")(_check_id)


class RegistryFleet(_Strict):
    """Registered vehicles of some classes, uses and services (an empty list: any)."""

    classes: list[str] = Field(default_factory=list)
    uses: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)


class RegistryComputation(_Strict):
    """The same share from the registered fleet (a register report type, ``vehicle_registry``) for the years
    it holds.

    ``count``: new registrations of the year or the year-end stock; a registered row counts when it belongs
    to any of ``fleets``; ``qualifying``: the powertrains counted in the numerator. ``report_categories``:
    categories of the indicator's own report type that the register does not hold (vessels, airside
    equipment), added to both counts from that report in the same year.
    """

    report_type: str
    count: Literal["new_registrations", "stock"]
    fleets: list[RegistryFleet] = Field(min_length=1)
    qualifying: list[str] = Field(min_length=1)
    report_categories: list[str] = Field(default_factory=list)


class Computation(_Strict):
    """How an indicator's value is computed and from which data.

    Row filters for the generic shares (``register_share``, ``row_share``): ``scope`` (rows in the denominator)
    and ``qualifies`` (rows also in the numerator), expressions of :mod:`transcarbon.city.expressions` over the
    report type's fields; ``weight`` a numeric field summed instead of counting rows. ``numerator`` and
    ``denominator`` are the fields of a ratio of sums; ``radius_m`` the stop-coverage radius; ``ridership`` the
    alternative path of a mode share.
    An inventory indicator sums over ``sectors``, or offers named ``scopes`` (:class:`Scope`) of which
    ``default_scope`` makes the value, the status and the light, the others being shown beside it.
    """

    source: ComputationSource
    report_type: str | None = None
    measure: str | None = None
    indicative_measure: str | None = None
    measure_unit: str | None = None
    sectors: list[Sector] = Field(default_factory=list)
    scopes: list[Scope] = Field(default_factory=list)
    default_scope: str | None = None
    fuels: list[Fuel] = Field(default_factory=list)
    # Report-type filters: the categories (or modes) in scope and the values counted in the numerator
    # (power types), as allowed values of the report type's fields.
    categories: list[str] = Field(default_factory=list)
    qualifying: list[str] = Field(default_factory=list)
    scope: str | None = None
    qualifies: str | None = None
    weight: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    radius_m: float | None = Field(default=None, gt=0, le=5000)
    ridership: Ridership | None = None
    formula: LocalText
    no_data_reason: LocalText | None = None
    registry: RegistryComputation | None = None
    """Where the registered fleet has the year, the measure comes from it (the report-based path otherwise)."""

    @field_validator("scope", "qualifies")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        if value is not None:
            parse_expression(value, "computation")
        return value

    def named_scope(self, scope_id: str | None = None) -> Scope:
        """The named scope (default: ``default_scope``); without scopes, one scope ``sectors`` at the actual
        grid factor."""
        if not self.scopes:
            return Scope(id="sectors", name=LocalText(zh="指定部门", en="the listed sectors"), sectors=self.sectors)
        wanted = scope_id or self.default_scope
        for sc in self.scopes:
            if sc.id == wanted:
                return sc
        raise KeyError(f"unknown scope {wanted!r}")

    @model_validator(mode="after")
    def _source_needs(self) -> Computation:
        if self.source == "report_type" and not self.report_type:
            raise ValueError("source report_type needs report_type")
        if self.source == "milestone" and not self.report_type:
            raise ValueError("source milestone needs report_type (the milestone evidence report)")
        if self.source == "inventory" and not self.measure:
            raise ValueError("source inventory needs measure")
        if self.source == "inventory" and not (self.sectors or self.scopes):
            raise ValueError("source inventory needs the sectors it sums over (sectors, or scopes)")
        if self.scopes:
            ids = [sc.id for sc in self.scopes]
            if self.sectors:
                raise ValueError("give sectors or scopes, not both (each scope names its sectors)")
            if len(set(ids)) != len(ids):
                raise ValueError(f"scope ids must be unique, got {ids}")
            if self.default_scope not in ids:
                raise ValueError(f"default_scope must be one of the scopes {ids}, got {self.default_scope!r}")
        elif self.default_scope is not None:
            raise ValueError("default_scope needs scopes")
        if self.source == "none" and self.no_data_reason is None:
            raise ValueError("source none needs no_data_reason (zh and en)")
        return self


class Indicator(_Strict):
    """One row of the plan's indicator table."""

    id: str
    section: str = Field(pattern=r"^\([一二三四五六七八九十]+\)$")
    section_title_zh: str
    name_zh: str
    name_en: str
    kind: IndicatorKind
    unit: str
    direction: Direction
    base_year: int | None = Field(default=None, ge=1990, le=2100)
    natural_limit: float | None = None
    """The measure's natural limit in its desired direction (Open SDG); default 100 for a % ratio that must
    rise and 0 for one that must fall (:attr:`limit`)."""
    targets: dict[int, Target | None]
    departments: list[str] = Field(min_length=1)
    departments_assigned: bool = False
    plan_text_zh: str = Field(min_length=1)
    computation: Computation

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _coherent(self) -> Indicator:
        if self.base_year is not None:
            early = [y for y in self.targets if y <= self.base_year]
            if early:
                raise ValueError(f"target years {early} are not after base_year {self.base_year}")
        if self.kind in ("reduction", "multiple", "growth") and self.base_year is None:
            raise ValueError(f"kind {self.kind} is measured against a base year: set base_year")
        if any(sc.grid == "base_year" for sc in self.computation.scopes) and self.base_year is None:
            raise ValueError("a scope at the base year's grid factor needs base_year")
        if self.kind == "milestone" and self.computation.source not in ("milestone", "none"):
            raise ValueError("a milestone is computed from milestone evidence (source milestone) or none")
        dup = [d for d, n in Counter(self.departments).items() if n > 1]
        if dup:
            raise ValueError(f"departments listed twice: {dup}")
        return self

    def target(self, year: int) -> Target | None:
        """The target of ``year`` or None."""
        return self.targets.get(year)

    def target_value(self, year: int) -> float | None:
        """The numeric target of ``year`` (reported unit) or None."""
        t = self.targets.get(year)
        return None if t is None else t.value

    @property
    def limit(self) -> float | None:
        """The natural limit the Open SDG no-target bands are scaled for: ``natural_limit``, else 100 (rising)
        or 0 (falling) for a ratio in %, else none."""
        if self.natural_limit is not None:
            return self.natural_limit
        if self.kind == "ratio" and self.unit == "%":
            return 100.0 if self.direction == "increase" else 0.0
        return None

    @property
    def has_data_source(self) -> bool:
        """False when the data cannot feed this indicator yet (``no_data`` with a reason)."""
        return self.computation.source != "none" and self.computation.no_data_reason is None


class ShorePowerSupervision(_Strict):
    """Shore-power supervision (岸电使用监管): how long a ship able to take shore power may lie at a berth that
    supplies it before a missing connection is a warning, and how long the two-party records are kept."""

    connect_after_h: float = Field(default=2.0, gt=0, le=48)
    """Berth stay [h] beyond which a capable ship at a shore-power berth without a session is warned about."""
    retention_years: int = Field(default=2, ge=2, le=30)
    """Years a shore-power record is kept before it may be deleted (at least two)."""


class CityConfig(BaseModel):
    """The whole city file. Extra top-level sections are kept (``model_extra``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    city: City
    reports_file: str | None = None
    """The city's report types (default ``<id>.reports.yaml``), beside the city file."""
    zones_file: str | None = None
    """The city's port zones (GeoJSON), beside the city file; none: the city has no port."""
    built_up_area_file: str | None = None
    """The city's built-up area (GeoJSON polygons by district), beside the city file: bus-stop coverage."""
    shore_power_supervision: ShorePowerSupervision = ShorePowerSupervision()
    """Shore-power supervision settings (defaults: warn after 2 h, keep records 2 years)."""
    scenarios_dir: str | None = None
    """The city's scenarios (``levers.yaml`` and one YAML per scenario), a folder beside the city file."""
    departments: list[Department] = Field(min_length=1)
    reporting_calendar: ReportingCalendar
    progress: ProgressSettings
    scoring: Scoring
    target_years: list[int] = Field(min_length=1)
    """The plan's target years, ascending; every indicator lists each of them (null where none)."""
    indicators: list[Indicator] = Field(min_length=1)
    _folder: Path | None = PrivateAttr(default=None)
    """Where the city file lies (set by :func:`load_city`); files it names are looked up there."""

    def beside(self, name: str) -> Path:
        """A file named in the city file, resolved against the folder the city file came from."""
        folder = self._folder or Path(str(resources.files("transcarbon") / "data" / "cities"))
        return folder / name

    @property
    def reports_path(self) -> Path:
        return self.beside(self.reports_file or f"{self.city.id}.reports.yaml")

    @property
    def zones_path(self) -> Path | None:
        return self.beside(self.zones_file) if self.zones_file else None

    @property
    def built_up_area_path(self) -> Path | None:
        return self.beside(self.built_up_area_file) if self.built_up_area_file else None

    @property
    def scenarios_path(self) -> Path | None:
        return self.beside(self.scenarios_dir) if self.scenarios_dir else None

    @field_validator("target_years")
    @classmethod
    def _ascending(cls, value: list[int]) -> list[int]:
        if any(not 1990 <= y <= 2100 for y in value):
            raise ValueError(f"target years must lie in 1990–2100, got {value}")
        if any(a >= b for a, b in pairwise(value)):
            raise ValueError(f"target years must be listed once each, in ascending order, got {value}")
        return value

    @model_validator(mode="after")
    def _references(self) -> CityConfig:
        for what, ids in (
            ("department", [d.id for d in self.departments]),
            ("indicator", [i.id for i in self.indicators]),
            ("district", [d.id for d in self.city.districts]),
        ):
            dup = sorted(k for k, n in Counter(ids).items() if n > 1)
            if dup:
                raise ValueError(f"{what} ids must be unique; repeated: {dup}")
        known = {d.id for d in self.departments}
        for k, ind in enumerate(self.indicators):
            unknown = [d for d in ind.departments if d not in known]
            if unknown:
                raise ValueError(
                    f"indicators[{k}] ({ind.id}).departments: unknown department(s) {unknown}; "
                    f"declare them under departments (known: {sorted(known)})"
                )
            missing = [y for y in self.target_years if y not in ind.targets]
            extra = sorted(y for y in ind.targets if y not in self.target_years)
            if missing or extra:
                raise ValueError(
                    f"indicators[{k}] ({ind.id}).targets must list every target year "
                    f"{self.target_years} (null where none) and no other; missing {missing}, "
                    f"not a target year {extra}"
                )
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError naming the known ids otherwise."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"unknown indicator {indicator_id!r}")

    def department(self, department_id: str) -> Department:
        """The department with this id; KeyError otherwise."""
        for d in self.departments:
            if d.id == department_id:
                return d
        raise KeyError(f"unknown department {department_id!r}")

    def indicators_of(self, department_id: str, *, lead_only: bool = False) -> list[Indicator]:
        """Indicators a department is responsible for (``lead_only``: named first)."""
        self.department(department_id)
        return [
            i
            for i in self.indicators
            if (i.departments[0] == department_id if lead_only else department_id in i.departments)
        ]

    def base_year_of(self, indicator: Indicator) -> int:
        """The indicator's base year, or the city's default base year."""
        return indicator.base_year if indicator.base_year is not None else self.progress.default_base_year


# --------------------------------------------------------------------------- loading


# The C parser when PyYAML has it (about 8× faster), the pure-Python one otherwise; both safe.
if TYPE_CHECKING:
    _SafeBase = yaml.SafeLoader
else:
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):
    """A safe loader that refuses duplicate mapping keys (YAML would keep the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = True
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _loc(data: Any, loc: tuple[int | str, ...]) -> str:
    """``indicators[3] (truck_co2_intensity).targets`` from a pydantic error location."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int) and parts:
            parts[-1] += f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and "id" in node:
                    parts[-1] += f" ({node['id']})"
            else:
                node = None
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def available_cities() -> list[str]:
    """Names of the packaged city files."""
    folder = resources.files("transcarbon") / "data" / "cities"
    # Other sections live in files beside the city's (``<city>.reports.yaml``): only ``<id>.yaml``.
    names = (p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    return sorted(n for n in names if _ID_RE.match(n))


def parse_city(text: str, origin: str = "<string>") -> CityConfig:
    """Validate a city YAML text; :class:`CityConfigError` with every problem listed otherwise."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CityConfigError(f"{origin}: not valid YAML / YAML格式错误: {exc}") from exc
    if not isinstance(data, dict):
        raise CityConfigError(f"{origin}: the city file must be a mapping at the top level / 顶层必须是映射")
    try:
        return CityConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"- {_loc(data, tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise CityConfigError(
            f"{origin}: invalid city configuration, {len(lines)} problem(s) / 城市配置有误（{len(lines)}处）:\n"
            + "\n".join(lines)
        ) from exc


def load_city(name_or_path: str | Path = DEFAULT_CITY) -> CityConfig:
    """Load and validate a city.

    ``name_or_path`` is a packaged city name (``"lianyungang"``, from ``transcarbon/data/cities``)
    or the path of a YAML file (anything with a path separator or ending in ``.yaml``/``.yml``).
    """
    text_arg = str(name_or_path)
    is_path = (
        isinstance(name_or_path, Path) or "/" in text_arg or "\\" in text_arg or text_arg.endswith((".yaml", ".yml"))
    )
    if is_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise CityConfigError(f"city file not found / 找不到城市配置文件: {path}")
        cfg = parse_city(path.read_text(encoding="utf-8"), origin=str(path))
        cfg._folder = path.resolve().parent
        return cfg
    if not _ID_RE.match(text_arg):
        raise CityConfigError(f"not a city name / 城市名称无效: {text_arg!r}")
    res = resources.files("transcarbon") / "data" / "cities" / f"{text_arg}.yaml"
    if not res.is_file():
        raise CityConfigError(
            f"unknown city {text_arg!r} / 未知城市; packaged cities: {available_cities()}, "
            "or give the path of a YAML file"
        )
    return parse_city(res.read_text(encoding="utf-8"), origin=f"transcarbon/data/cities/{text_arg}.yaml")
