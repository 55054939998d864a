"""A scenario as a YAML file: its schema (pydantic), its validation with errors that name the key and the fix in
Chinese and English, and the time paths it is written in. ``docs/scenarios.md`` documents every key.

The smallest valid file is the issue's ``fleet`` section alone::

    base_year: 2020
    end_year: 2035
    fleet:
      classes:
        - id: private_car
          survival: {weibull: {scale: 14.46, shape: 4.79}}   # S(age) = exp(-(age/scale)^shape)
          sales: {constant: 100000}                          # or {by_year: {2015: 90000, ...}}
          nev_sales_share: {2020: 0.05, 2025: 0.20, 2030: 0.40}

Conventions: a vehicle sold in model year MY has age CY − MY in calendar year CY and S(0) = 1; shares interpolate
linearly between the years given, hold the last value after and are 0 before the first; other paths (activity,
intensity, grid factor) interpolate the same way but hold their first value before it; ``constant`` sales apply to
every model year from ``base_year − 40``; ``by_year`` sales are 0 before their first year and grow by ``growth``
after their last (0: held).
"""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transcarbon.i18n import t
from transcarbon.methods.scenarios.carbon import CARRIERS

Path_ = dict[int, float]
"""A time path: values at some years (see the module docstring for how they fill the others)."""
POWERTRAINS = ("gasoline", "diesel", "cng", "lng", "hybrid", "phev", "bev", "fcev")
"""The road powertrains (``data/road/powertrains.csv``)."""
NEV = frozenset({"phev", "bev", "fcev"})
CLEAN = frozenset({"cng", "lng"})
KINDS = ("baseline", "policy", "custom")
ROAD_SECTORS = ("road_freight", "road_passenger", "urban_bus", "taxi", "road_private")
FIRST_YEAR, LAST_YEAR = 1950, 2100
HISTORY_YEARS = 40
"""``constant`` sales apply to every model year from ``base_year − 40``."""


class SpecError(ValueError):
    """A scenario file refused: every problem with its key, what is wrong and the fix, in Chinese and English."""

    def __init__(self, file: str, problems: list[tuple[str, str, dict[str, object]]]):
        self.file = file
        self.problems = problems  # (key path, catalog key, values)
        super().__init__("\n".join(self.render()))

    def render(self, limit: int = 20) -> list[str]:
        """One line per problem (the first ``limit``), Chinese then English, naming the file and the key."""
        out = []
        for key, msg, values in self.problems[:limit]:
            for lang in ("zh", "en"):
                out.append(t("scn.spec.problem", lang, file=self.file, path=key, problem=t(msg, lang, **values)))
        if len(self.problems) > limit:
            out.append(t("scn.spec.more", "zh", count=len(self.problems) - limit))
            out.append(t("scn.spec.more", "en", count=len(self.problems) - limit))
        return out


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Model):
    zh: str
    en: str


class Weibull(Model):
    scale: float = Field(gt=0, le=100)
    shape: float = Field(gt=0, le=50)


class Step(Model):
    age: float = Field(gt=0, le=60)


class Survival(Model):
    weibull: Weibull | None = None
    step: Step | None = None

    @model_validator(mode="after")
    def _one(self) -> Survival:
        if (self.weibull is None) == (self.step is None):
            raise ValueError("scn.spec.survival_one")
        return self


class Sales(Model):
    constant: float | None = Field(default=None, ge=0)
    by_year: Path_ | None = None
    growth: float = Field(default=0.0, ge=-0.5, le=0.5)

    @model_validator(mode="after")
    def _one(self) -> Sales:
        if (self.constant is None) == (self.by_year is None):
            raise ValueError("scn.spec.sales_one")
        return self


class RegistryFilter(Model):
    """The register's rows of a scenario class (empty uses or services: any)."""

    classes: list[str] = Field(min_length=1)
    uses: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)


class FleetClass(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: Names | None = None
    sector: str = "road_private"
    commercial: bool = False
    registry: RegistryFilter | None = None
    km_group: str | None = None
    survival: Survival
    sales: Sales
    powertrain: str = "gasoline"
    nev_sales_share: Path_ | None = None
    sales_shares: dict[str, Path_] = Field(default_factory=dict)
    km_per_year: float = Field(default=0.0, ge=0, le=500_000)
    km_index: Path_ = Field(default_factory=dict)
    """Kilometres per vehicle relative to ``km_per_year`` by calendar year (held outside its years; default 1)."""
    km_decline: float = Field(default=0.0, ge=0, le=0.5)
    energy_mj_per_km: dict[str, dict[str, float]] = Field(default_factory=dict)
    efficiency_gain: dict[str, float] = Field(default_factory=dict)
    load_t: float = Field(default=0.0, ge=0, le=100)
    occupancy: float = Field(default=0.0, ge=0, le=200)
    pollutants_g_per_km: dict[str, dict[str, Path_]] = Field(default_factory=dict)
    in_additions: bool = True
    bus: bool = False


class Fleet(Model):
    reference_model_year: int | None = None
    classes: list[FleetClass] = Field(min_length=1)


class Activity(Model):
    by_year: Path_
    growth: float = Field(default=0.0, ge=-0.5, le=0.5)


class InventoryLink(Model):
    """The inventory sectors a mode stands for and the activity measure it reads from them."""

    sectors: list[str] = Field(min_length=1)
    activity: Literal["freight_tkm", "passenger_pkm", "throughput_t"]


class ModeSpec(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: Names | None = None
    sector: str
    unit: str
    activity: Activity
    intensity_gj: float = Field(gt=0)
    intensity_change: Path_ | float = 0.0
    mix: dict[str, Path_ | float]
    land: bool = False
    receives: Literal["rail", "water"] | None = None
    converted: float = Field(default=0.0, ge=0, le=10)
    commercial: bool = False
    freight: bool = False
    inventory: InventoryLink | None = None


class Freight(Model):
    bulk_tonnes: Activity
    rail_water_share: Path_
    road_haul_km: float = Field(gt=0, le=3000)
    rail_fraction: float = Field(ge=0, le=1)
    rail_haul_km: float = Field(ge=0, le=5000)
    water_haul_km: float = Field(ge=0, le=10000)
    truck_class: str


class Passenger(Model):
    passenger_km: Activity
    public_transport_share: Path_
    car_class: str
    bus_class: str


class PortSpec(Model):
    throughput_t: Activity
    berth_gj_per_t: float = Field(ge=0, le=1)
    shore_power_uptake: Path_
    shore_efficiency: float = Field(gt=0, le=1)
    berth_carrier: str = "fuel_oil"
    berth_sector: str = "waterway_freight"


class AirportSpec(Model):
    movements: Activity
    apu_gj_per_movement: float = Field(ge=0, le=100)
    substitute_use: Path_
    electricity_per_fuel: float = Field(gt=0, le=2)
    apu_carrier: str = "jet_kerosene"


class Grid(Model):
    kg_per_kwh: Path_ | float


class UncertainInput(Model):
    input: str
    dist: Literal["triangular", "uniform", "normal", "lognormal"]
    params: list[float] = Field(min_length=2, max_length=3)


class Correlation(Model):
    inputs: tuple[str, str]
    rho: float = Field(gt=-1, lt=1)


class Sensitivity(Model):
    samples: int = Field(default=128, ge=16, le=4096)


class Uncertainty(Model):
    inputs: list[UncertainInput] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
    sensitivity: Sensitivity | None = None


class Calibration(Model):
    source: Literal["platform"] = "platform"
    tolerance: float = Field(default=0.05, gt=0, le=0.5)
    fit_survival: bool = True
    public_stock: Path_ = Field(default_factory=dict)
    """Published totals of registered vehicles by year (all classes), checked when no register is held."""


class ScenarioSpec(Model):
    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_\-]{0,79}$")
    extends: str | None = None
    name: Names | None = None
    kind: Literal["baseline", "policy", "custom"] = "custom"
    base_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    end_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    observed_until: int | None = None
    seed: int = Field(default=20200101, ge=0)
    draws: int = Field(default=1, ge=1, le=100_000)
    levers: dict[str, int] = Field(default_factory=dict)
    levers_file: str | None = None
    fleet: Fleet
    modes: list[ModeSpec] = Field(default_factory=list)
    freight: Freight | None = None
    passenger: Passenger | None = None
    port: PortSpec | None = None
    airport: AirportSpec | None = None
    grid: Grid | None = None
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    calibration: Calibration | None = None

    @field_validator("levers")
    @classmethod
    def _levels(cls, v: dict[str, int]) -> dict[str, int]:
        if any(level not in (1, 2, 3, 4) for level in v.values()):
            raise ValueError("scn.spec.level")
        return v

    def class_ids(self) -> list[str]:
        return [c.id for c in self.fleet.classes]

    @property
    def last_observed(self) -> int:
        """The last year whose values are observed (held by every lever and never perturbed by Monte Carlo)."""
        return self.observed_until if self.observed_until is not None else self.base_year


# --------------------------------------------------------------------------- checks beyond the schema

Problem = tuple[str, str, dict[str, object]]


def _path_problems(key: str, path: Path_, y0: int, y1: int, share: bool) -> list[Problem]:
    out: list[Problem] = []
    for year, value in path.items():
        if not FIRST_YEAR <= year <= LAST_YEAR:
            out.append((f"{key}.{year}", "scn.spec.year_range", {"low": FIRST_YEAR, "high": LAST_YEAR}))
        if share and not 0.0 <= value <= 1.0:
            out.append((f"{key}.{year}", "scn.spec.share_range", {"value": value}))
    return out


def semantic_problems(spec: ScenarioSpec) -> list[Problem]:
    """What the schema cannot see: year order, shares, known powertrains, carriers, classes and sectors."""
    out: list[Problem] = []
    y0, y1 = spec.base_year, spec.end_year
    if y1 <= y0:
        out.append(("end_year", "scn.spec.end_after_base", {"base": y0}))
    if spec.observed_until is not None and not y0 <= spec.observed_until <= y1:
        out.append(("observed_until", "scn.spec.observed_range", {"base": y0, "end": y1}))
    ids = spec.class_ids()
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append((f"fleet.classes[{dup}]", "scn.spec.duplicate", {"id": dup}))
    known_p = ", ".join(POWERTRAINS)
    known_k = ", ".join(CARRIERS)
    for c in spec.fleet.classes:
        key = f"fleet.classes[{c.id}]"
        if c.sector not in ROAD_SECTORS:
            out.append((f"{key}.sector", "scn.spec.unknown", {"value": c.sector, "known": ", ".join(ROAD_SECTORS)}))
        if c.powertrain not in POWERTRAINS:
            out.append((f"{key}.powertrain", "scn.spec.unknown", {"value": c.powertrain, "known": known_p}))
        shares = dict(c.sales_shares)
        if c.nev_sales_share is not None:
            if "bev" in shares:
                out.append((f"{key}.nev_sales_share", "scn.spec.nev_and_bev", {}))
            shares["bev"] = c.nev_sales_share
        for p, path in shares.items():
            if p not in POWERTRAINS:
                out.append((f"{key}.sales_shares.{p}", "scn.spec.unknown", {"value": p, "known": known_p}))
            elif p == c.powertrain:
                out.append((f"{key}.sales_shares.{p}", "scn.spec.share_of_default", {"powertrain": p}))
            out += _path_problems(f"{key}.sales_shares.{p}", path, y0, y1, share=True)
        for p, carriers in c.energy_mj_per_km.items():
            if p not in POWERTRAINS:
                out.append((f"{key}.energy_mj_per_km.{p}", "scn.spec.unknown", {"value": p, "known": known_p}))
            for k, v in carriers.items():
                if k not in CARRIERS:
                    out.append((f"{key}.energy_mj_per_km.{p}.{k}", "scn.spec.unknown", {"value": k, "known": known_k}))
                if not 0 < v <= 500:
                    out.append((f"{key}.energy_mj_per_km.{p}.{k}", "scn.spec.positive", {"value": v}))
        for p, g in c.efficiency_gain.items():
            if p not in POWERTRAINS and p != "all":
                out.append((f"{key}.efficiency_gain.{p}", "scn.spec.unknown", {"value": p, "known": known_p}))
            if not -0.2 <= g <= 0.2:
                out.append((f"{key}.efficiency_gain.{p}", "scn.spec.gain_range", {"value": g}))
        if c.energy_mj_per_km and c.km_per_year <= 0:
            out.append((f"{key}.km_per_year", "scn.spec.km_needed", {}))
        if c.sales.by_year is not None:
            out += _path_problems(f"{key}.sales.by_year", c.sales.by_year, y0, y1, share=False)
    for m in spec.modes:
        key = f"modes[{m.id}]"
        for k in m.mix:
            if k not in CARRIERS:
                out.append((f"{key}.mix.{k}", "scn.spec.unknown", {"value": k, "known": known_k}))
    if spec.port is not None and spec.port.berth_sector not in {m.sector for m in spec.modes}:
        out.append(("port.berth_sector", "scn.spec.berth_sector", {"value": spec.port.berth_sector}))
    if spec.freight and spec.freight.truck_class not in ids:
        out.append(("freight.truck_class", "scn.spec.unknown_class", {"value": spec.freight.truck_class}))
    if spec.freight:
        out += _path_problems("freight.rail_water_share", spec.freight.rail_water_share, y0, y1, share=True)
    if spec.passenger:
        for k in ("car_class", "bus_class"):
            if getattr(spec.passenger, k) not in ids:
                out.append((f"passenger.{k}", "scn.spec.unknown_class", {"value": getattr(spec.passenger, k)}))
        out += _path_problems(
            "passenger.public_transport_share", spec.passenger.public_transport_share, y0, y1, share=True
        )
    for section, key, carrier in (
        (spec.port, "port.berth_carrier", "berth_carrier"),
        (spec.airport, "airport.apu_carrier", "apu_carrier"),
    ):
        if section is not None and getattr(section, carrier) not in CARRIERS:
            out.append((key, "scn.spec.unknown", {"value": getattr(section, carrier), "known": known_k}))
    names = [u.input for u in spec.uncertainty.inputs]
    for corr in spec.uncertainty.correlations:
        for n in corr.inputs:
            if n not in names:
                out.append(("uncertainty.correlations", "scn.spec.unknown_input", {"value": n}))
    return out


# --------------------------------------------------------------------------- reading


def _loc(loc: tuple[str | int, ...], raw: Any) -> str:
    """A pydantic location as the YAML key path, with class and mode ids instead of list indices."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int) and isinstance(node, list):
            entry = node[item] if item < len(node) else None
            label = entry.get("id") if isinstance(entry, dict) else None
            parts[-1] = f"{parts[-1]}[{label if label is not None else item}]" if parts else f"[{item}]"
            node = entry
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def _from_pydantic(exc: ValidationError, raw: Any) -> list[Problem]:
    out: list[Problem] = []
    for e in exc.errors():
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x in ("function-after", "[key]")))
        key = _loc(loc, raw) or "(file)"
        kind = e["type"]
        msg = str(e.get("msg", ""))
        if kind == "value_error" and "scn.spec." in msg:
            out.append((key, msg[msg.index("scn.spec.") :].split()[0].rstrip(","), {}))
        elif kind == "missing":
            out.append((key, "scn.spec.missing", {}))
        elif kind == "extra_forbidden":
            out.append((key, "scn.spec.extra", {}))
        elif kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
            out.append((key, "scn.spec.number", {"value": str(e.get("input"))[:40]}))
        elif kind.startswith(("greater", "less")):
            out.append((key, "scn.spec.bound", {"value": e.get("input"), "bound": msg}))
        elif kind == "literal_error":
            out.append((key, "scn.spec.choice", {"value": str(e.get("input"))[:40], "known": msg}))
        else:
            out.append((key, "scn.spec.invalid", {"detail": msg[:200]}))
    return out


def load_raw(text: str, file: str) -> dict[str, Any]:
    """The YAML text as a mapping, or :class:`SpecError` naming where it is not valid YAML."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "?"
        raise SpecError(file, [("(file)", "scn.spec.yaml", {"where": where})]) from exc
    if not isinstance(raw, dict):
        raise SpecError(file, [("(file)", "scn.spec.not_mapping", {})])
    return raw


def validate(raw: dict[str, Any], file: str) -> ScenarioSpec:
    """The scenario of a mapping, or :class:`SpecError` listing every problem with its key and fix."""
    try:
        spec = ScenarioSpec.model_validate(raw)
    except ValidationError as exc:
        raise SpecError(file, _from_pydantic(exc, raw)) from exc
    problems = semantic_problems(spec)
    if problems:
        raise SpecError(file, problems)
    return spec


def parse_spec(text: str, file: str) -> ScenarioSpec:
    """The scenario of a YAML text (:func:`load_raw`, :func:`validate`)."""
    return validate(load_raw(text, file), file)


def dump_spec(spec: ScenarioSpec) -> str:
    """The scenario as YAML (what a web run stores with its lineage)."""
    return yaml.safe_dump(spec.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)
