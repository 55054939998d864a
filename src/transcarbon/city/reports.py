"""A city's report types (数据填报表) as configuration: models of ``<city>.reports.yaml`` and a loader.

Each report type declares its period, who reports it, who supervises it, its fields (type, unit,
required, allowed values with their names, hand-set min–max and plausible maxima per unit, ranges from
history), cross-field rules, jump thresholds, and its deadline. A *register* (台账) is a report type whose rows
are versions of assets: it names the fields that identify an asset (``register.key``) and each row carries its
validity period (``valid_from`` / ``valid_to``, dates), so that the register can be read as it stood on any date.

Loading validates what a typo could break: unique ids, fields that rules, ``unique``, ``history.by``,
``unit_field``, ``jumps`` and ``register`` name, expressions that parse into the small allowed grammar, periods
and deadlines. Errors name the file and the place (``report_types[2] (shore_power).rules[0].when``).

Expressions (``when``/``require``) follow the small grammar of :mod:`transcarbon.city.expressions`; the
services layer compiles them into vectorised Polars expressions.
"""

from __future__ import annotations

import calendar
import contextlib
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transcarbon.city.config import DEFAULT_CITY, CityConfigError, load_city
from transcarbon.city.expressions import ExpressionError, expression_fields
from transcarbon.domain import Period
from transcarbon.i18n.labels import value_name

FieldType = Literal["string", "text", "number", "integer", "enum", "period", "date"]
PeriodType = Literal["monthly", "annual"]
Severity = Literal["error", "warning"]


class ReportConfigError(ValueError):
    """The report-type configuration cannot be found, parsed or validated."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text2(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class HistoryRange(_Strict):
    """Range from the reporter's approved history: mean ± k·sd of the values per ``by`` group."""

    k: float = Field(gt=0)
    by: list[str] = Field(default_factory=list)
    min_points: int = Field(default=6, ge=2)
    severity: Severity = "warning"


NUMBER_CAP = 1e15
"""The largest magnitude any number may have where its field sets no ``max``: far above any quantity a city
reports (10¹⁵ t is a thousand times the world's yearly CO2), far below where floats lose whole units."""


class FieldSpec(_Strict):
    """One column of a report type. ``min``/``max``: the plausible range per organisation and period of the
    report type; ``max_per_unit`` (with ``unit_field``, the column naming the unit): the plausible maximum in
    each unit, for a number whose unit varies by row."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text2
    type: FieldType
    unit: str | None = None
    required: bool = False
    allowed: list[str] | None = None
    labels: dict[str, Text2] | None = None
    """Names of the allowed values (shown on pages and in the template's notes instead of the codes)."""
    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    unit_field: str | None = None
    max_per_unit: dict[str, float] | None = None
    history: HistoryRange | None = None
    note: Text2 | None = None
    example: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> FieldSpec:
        if self.type == "enum" and not self.allowed:
            raise ValueError("an enum field needs `allowed` values")
        if self.type != "enum" and (self.allowed or self.labels):
            raise ValueError("`allowed` and `labels` are only for enum fields")
        unknown = sorted(set(self.labels or {}) - set(self.allowed or []))
        if unknown:
            raise ValueError(f"labels name values that are not allowed: {unknown}")
        numeric = self.type in ("number", "integer")
        ranged = (self.min, self.max, self.history, self.max_per_unit, self.unit_field)
        if not numeric and any(v is not None for v in ranged):
            raise ValueError("min, max, max_per_unit, unit_field and history are only for number and integer fields")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if (self.max_per_unit is None) != (self.unit_field is None):
            raise ValueError("max_per_unit and unit_field go together")
        bad = [u for u, v in (self.max_per_unit or {}).items() if not 0 < v < float("inf")]
        if bad:
            raise ValueError(f"max_per_unit must be finite and positive; not for {bad}")
        return self

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "integer")

    @property
    def upper(self) -> float:
        """The field's maximum: ``max``, else :data:`NUMBER_CAP`."""
        return self.max if self.max is not None else NUMBER_CAP

    def value_codes(self) -> dict[str, str]:
        """Every name (Chinese and English) of an allowed value → its code: an upload may give either."""
        return {
            name: code
            for code in self.allowed or []
            for lang in ("zh", "en")
            if (name := self.value_label(code, lang)) != code
        }

    def value_label(self, value: str, lang: Literal["zh", "en"] = "zh") -> str:
        """The name of a value in ``lang``: the field's own label, else the catalog's name of a sector or fuel code,
        else the value itself (a unit, a number)."""
        label = (self.labels or {}).get(value)
        if label is not None:
            return str(getattr(label, lang))
        return value if self.id == "unit" else value_name(value, lang)


class Register(_Strict):
    """What makes a report type a register (台账): the fields that identify an asset, the field that names it,
    and the validity fields of each row (dates; ``valid_to`` empty while the row is in force).

    Read as it stood on a date ``d``: per asset, the row with the latest ``valid_from`` not after ``d``
    (on a tie, the later submission); the asset is on the register when that row's ``valid_to`` is empty or
    after ``d``. A later row thus supersedes an earlier one from its ``valid_from`` on, and ``valid_to`` takes
    an asset off the register.
    """

    key: list[str] = Field(min_length=1)
    name_field: str | None = None
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"


class Rule(_Strict):
    """Rows where ``when`` holds (always, when absent) and ``require`` does not fail this rule."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    column: str
    when: str | None = None
    require: str
    message: Text2
    severity: Severity = "error"


class Jumps(_Strict):
    """Relative change thresholds (0.5 = ±50 %) against the previous month and the same month a year before."""

    fields: list[str] = Field(min_length=1)
    by: list[str] = Field(default_factory=list)
    month_on_month: float | None = Field(default=None, gt=0)
    year_on_year: float | None = Field(default=None, gt=0)


class Reporters(_Strict):
    """Who must report (completeness, lateness): organisations of these kinds (and sectors, when given), or,
    when ``org_ids`` is given, exactly those organisations (one airport company keeps the stand register)."""

    kinds: list[Literal["enterprise", "department"]] = Field(min_length=1)
    sectors: list[str] | None = None
    org_ids: list[str] = Field(default_factory=list)


class Deadline(_Strict):
    """Monthly: ``due_day`` of the month ``months_after`` the period; annual: a date ``years_after`` it."""

    due_day: int = Field(ge=1, le=31)
    months_after: int | None = Field(default=None, ge=0, le=12)
    due_month: int | None = Field(default=None, ge=1, le=12)
    years_after: int | None = Field(default=None, ge=0, le=2)
    grace_days: int = Field(default=0, ge=0)


class ReportType(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text2
    period: PeriodType
    feeds: Literal["activity", "rows"]
    reporters: Reporters
    supervisors: list[str] = Field(default_factory=list)
    deadline: Deadline
    fields: list[FieldSpec] = Field(min_length=1)
    unique: list[str] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    jumps: Jumps | None = None
    asset_register: Register | None = Field(default=None, alias="register")
    """The register (台账) this report type keeps, if it is one (``register:`` in the file)."""

    @model_validator(mode="after")
    def _references(self) -> ReportType:
        ids = [f.id for f in self.fields]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate field ids: {dup}")
        known = set(ids)

        def need(names: list[str], where: str) -> None:
            bad = [n for n in names if n not in known]
            if bad:
                raise ValueError(f"{where} names unknown fields {bad}")

        need(self.unique, "unique")
        for f in self.fields:
            if f.history:
                need(f.history.by, f"fields ({f.id}).history.by")
            if f.unit_field:
                need([f.unit_field], f"fields ({f.id}).unit_field")
                allowed = self.field(f.unit_field).allowed
                missing = sorted(set(allowed or []) - set(f.max_per_unit or {}))
                if missing:
                    raise ValueError(f"fields ({f.id}).max_per_unit lacks units {missing} of {f.unit_field}")
        rule_ids = [r.id for r in self.rules]
        if len(set(rule_ids)) != len(rule_ids):
            raise ValueError("duplicate rule ids")
        for i, r in enumerate(self.rules):
            need([r.column], f"rules[{i}] ({r.id}).column")
            for part in ("when", "require"):
                text = getattr(r, part)
                if text is not None:
                    need(sorted(expression_fields(text, f"rules[{i}] ({r.id}).{part}")), f"rules[{i}] ({r.id}).{part}")
        if self.jumps:
            need(self.jumps.fields + self.jumps.by, "jumps")
            bad = [f for f in self.jumps.fields if not self.field(f).numeric]
            if bad:
                raise ValueError(f"jumps.fields must be numeric: {bad}")
        if self.asset_register is not None:
            reg = self.asset_register
            need([*reg.key, reg.valid_from, reg.valid_to, *([reg.name_field] if reg.name_field else [])], "register")
            if self.field(reg.valid_from).type != "date" or self.field(reg.valid_to).type != "date":
                raise ValueError("register: valid_from and valid_to must be date fields")
            if not self.field(reg.valid_from).required or not all(self.field(k).required for k in reg.key):
                raise ValueError("register: the key fields and valid_from must be required")
            if set(self.unique) != {*reg.key, reg.valid_from}:
                raise ValueError("register: unique must be the key fields and valid_from (one row per asset and date)")
        if self.period == "monthly" and self.deadline.months_after is None:
            raise ValueError("a monthly report's deadline needs months_after")
        if self.period == "annual" and (self.deadline.due_month is None or self.deadline.years_after is None):
            raise ValueError("an annual report's deadline needs due_month and years_after")
        return self

    def field(self, field_id: str) -> FieldSpec:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    @property
    def is_register(self) -> bool:
        return self.asset_register is not None

    def parse_period(self, text: str) -> Period:
        """The submission period of this type (``YYYY-MM`` monthly, ``YYYY`` annual); ``ValueError`` otherwise."""
        period = Period.parse(text)
        if (period.month is None) != (self.period == "annual"):
            want = "YYYY" if self.period == "annual" else "YYYY-MM"
            raise ValueError(f"report type {self.id} is {self.period}: period must be {want}")
        return period

    def due_date(self, period: Period) -> date:
        """Last day (grace included) to submit ``period``."""
        d = self.deadline
        if period.month is None:
            assert d.due_month is not None and d.years_after is not None
            year, month = period.year + d.years_after, d.due_month
        else:
            idx = period.year * 12 + (period.month - 1) + (d.months_after or 0)
            year, m0 = divmod(idx, 12)
            month = m0 + 1
        day = min(d.due_day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=d.grace_days)


class ReportCatalog(_Strict):
    report_types: list[ReportType] = Field(min_length=1)

    @field_validator("report_types")
    @classmethod
    def _unique(cls, value: list[ReportType]) -> list[ReportType]:
        ids = [r.id for r in value]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate report type ids: {dup}")
        return value

    def get(self, report_type_id: str) -> ReportType:
        for r in self.report_types:
            if r.id == report_type_id:
                return r
        raise KeyError(report_type_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.report_types]


def _locate(city: str | Path) -> Path:
    """The report-types file: ``city`` itself when it is one (``*.reports.yaml``), else the file the city
    configuration names (``reports_file``, beside the city file)."""
    if str(city).endswith((".reports.yaml", ".reports.yml")):
        return Path(city)
    try:
        return load_city(city).reports_path
    except CityConfigError as exc:
        raise ReportConfigError(str(exc)) from exc


def parse_report_types(text: str, source: str = "<text>") -> ReportCatalog:
    """Validate a reports YAML text; errors name ``source`` and the place in it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReportConfigError(f"{source}: not valid YAML: {exc}") from exc
    try:
        return ReportCatalog.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            loc = list(e["loc"])
            where = ""
            for i, part in enumerate(loc):
                if isinstance(part, int):
                    where += f"[{part}]"
                    if i >= 1 and loc[i - 1] == "report_types" and isinstance(data, dict):
                        with contextlib.suppress(KeyError, IndexError, TypeError):
                            where += f" ({data['report_types'][part]['id']})"
                else:
                    where += f".{part}" if where else str(part)
            lines.append(f"{source}: {where}: {e['msg']}")
        raise ReportConfigError("\n".join(lines)) from exc
    except (ReportConfigError, ExpressionError) as exc:
        raise ReportConfigError(f"{source}: {exc}") from exc


@cache
def load_report_types(city: str | Path = DEFAULT_CITY) -> ReportCatalog:
    """The report types of ``city``: a packaged city's name, a city file's path, or a ``*.reports.yaml`` path."""
    path = _locate(city)
    if not path.is_file():
        raise ReportConfigError(f"report configuration not found / 找不到报表配置: {path}")
    return parse_report_types(path.read_text(encoding="utf-8"), path.name)
