"""The factor library: versioned factor sets loaded from data files, with content hashes and lookups.

Each set is one CSV file under ``transcarbon/data/factors`` declared in ``sets.yaml`` with a name,
a kind (what it supplies), a version and whether it is the default of its kind. Every row carries a
``source`` and a ``status`` (``verified`` or ``to_check``); the kinds whose values enter the uncertainty of
CO2 (fuel properties, marine fuels, densities, grid, urea) also carry ``u_pct`` (95% half-width [% of the
value]), ``u_status`` and ``u_source``. A set's content hash is the SHA-256 of its file's bytes, so any change
to a value or a source changes the hash recorded with every run.

Grid factors are looked up by (region, year) with an explicit fallback that is returned with the
value (and stored with every result that used it):

1. the region's own factor of the year, else its latest earlier year (flagged as a proxy year);
2. else the same at the parent level: province → regional grid → national;
3. if no level has a year at or before the one asked, the earliest later year at the finest level
   that has any factor (flagged as a later-year proxy).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl
import yaml

UNCERTAINTY_COLUMNS = ("u_pct", "u_status", "u_source")
"""The uncertainty of a row's value: 95% half-width [% of the value], its status and its source."""

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "fuel_properties": ("fuel", "ncv", "ncv_unit", "carbon_content_tc_per_gj", "oxidation", *UNCERTAINTY_COLUMNS),
    "marine_fuels": ("fuel", "cf_tco2_per_t", "lcv_gj_per_t", *UNCERTAINTY_COLUMNS),
    "densities": ("fuel", "unit", "t_per_unit", *UNCERTAINTY_COLUMNS),
    "ch4_n2o": ("mode", "sector", "fuel", "ch4_ef", "n2o_ef", "ef_unit"),
    "standard_coal": ("fuel", "unit", "kgce_per_unit"),
    "grid": ("region", "year", "kgco2_per_kwh", *UNCERTAINTY_COLUMNS),
    "gwp": ("gwp_set", "gas", "gwp100"),
    "converted_turnover": ("mode", "passenger_kind", "tkm_per_pkm"),
    "regions": ("code", "level", "parent"),
    "urea": ("fuel", "purity", *UNCERTAINTY_COLUMNS),
    "activity_quality": ("data_quality", "score", "u_pct"),
    "electricity_primary": ("year", "gce_per_kwh"),
}
_NUMERIC_SUFFIXES = (
    "_per_gj",
    "_per_t",
    "_per_tj",
    "_per_unit",
    "_per_kwh",
    "_per_pkm",
    "_ef",
    "ncv",
    "oxidation",
    "gwp100",
    "year",
    "u_pct",
    "purity",
    "score",
)


class FactorError(ValueError):
    """A factor set is malformed, unknown, or has no value for a lookup."""


@dataclass(frozen=True)
class FactorSet:
    """One versioned factor table."""

    name: str
    kind: str
    version: str
    default: bool
    file: str
    title_zh: str
    title_en: str
    content_hash: str
    table: pl.DataFrame = field(repr=False, compare=False)

    @property
    def ref(self) -> dict[str, str]:
        """What a calculation run records about this set."""
        return {"name": self.name, "version": self.version, "sha256": self.content_hash}


@dataclass(frozen=True)
class GridLookup:
    """A grid factor with where it came from and every fallback taken to reach it."""

    region_asked: str
    year_asked: int
    region: str
    year: int
    kgco2_per_kwh: float
    source: str
    status: str
    fallbacks: tuple[str, ...]
    factor_set: str
    u_pct: float
    """95% half-width of the factor [% of it] (the row's ``u_pct``)."""

    @property
    def is_proxy(self) -> bool:
        return bool(self.fallbacks)


def _read_set(directory: Path, spec: dict[str, object]) -> FactorSet:
    path = directory / str(spec["file"])
    raw = path.read_bytes()
    kind = str(spec["kind"])
    table = pl.read_csv(raw, infer_schema_length=0)  # all text: we cast below, checking each column
    missing = [c for c in (*REQUIRED_COLUMNS[kind], "source") if c not in table.columns]
    if missing:
        raise FactorError(f"{path.name}: missing columns {missing}")
    numeric = [c for c in REQUIRED_COLUMNS[kind] if c.endswith(_NUMERIC_SUFFIXES)]
    try:
        table = table.with_columns(
            [pl.col(c).cast(pl.Int64 if c == "year" else pl.Float64, strict=True) for c in numeric]
        )
    except pl.exceptions.InvalidOperationError as exc:
        raise FactorError(f"{path.name}: a numeric column holds text: {exc}") from exc
    if table["source"].null_count():
        raise FactorError(f"{path.name}: every row needs a source")
    return FactorSet(
        name=str(spec["name"]),
        kind=kind,
        version=str(spec["version"]),
        default=bool(spec.get("default", False)),
        file=str(spec["file"]),
        title_zh=str(spec.get("title_zh", "")),
        title_en=str(spec.get("title_en", "")),
        content_hash=hashlib.sha256(raw).hexdigest(),
        table=table,
    )


class FactorLibrary:
    """All factor sets of one directory, by name and by kind."""

    def __init__(self, sets: list[FactorSet]):
        self._sets = {s.name: s for s in sets}
        for kind in {s.kind for s in sets}:
            defaults = [s.name for s in sets if s.kind == kind and s.default]
            if len(defaults) != 1:
                raise FactorError(f"kind {kind!r} needs exactly one default set, has {defaults}")

    @classmethod
    def load(cls, directory: Path | None = None) -> FactorLibrary:
        """Load and validate every set declared in ``sets.yaml`` of ``directory``."""
        if directory is None:
            return _packaged_library()
        manifest = yaml.safe_load((directory / "sets.yaml").read_text(encoding="utf-8"))
        return cls([_read_set(directory, spec) for spec in manifest["sets"]])

    def sets(self, kind: str | None = None) -> list[FactorSet]:
        return [s for s in self._sets.values() if kind is None or s.kind == kind]

    def get(self, name: str, kind: str | None = None) -> FactorSet:
        try:
            found = self._sets[name]
        except KeyError:
            names = ", ".join(s.name for s in self.sets(kind))
            raise FactorError(f"unknown factor set {name!r}; known: {names}") from None
        if kind is not None and found.kind != kind:
            raise FactorError(f"factor set {name!r} is of kind {found.kind!r}, not {kind!r}")
        return found

    def default(self, kind: str) -> FactorSet:
        return next(s for s in self._sets.values() if s.kind == kind and s.default)

    def gwp(self, gwp_set: str) -> dict[str, float]:
        """GWP-100 values ``{"ch4": .., "n2o": ..}`` of a named IPCC report (SAR, AR4, AR5, AR6)."""
        t = self.default("gwp").table.filter(pl.col("gwp_set") == gwp_set)
        if t.is_empty():
            known = sorted(set(self.default("gwp").table["gwp_set"]))
            raise FactorError(f"unknown GWP set {gwp_set!r}; known: {', '.join(known)}")
        return dict(zip(t["gas"].to_list(), t["gwp100"].to_list(), strict=True))

    def electricity_primary(self, year: int) -> tuple[float, int]:
        """The primary-energy equivalent of a kWh in ``year`` [GJ/kWh] (coal per kWh supplied × 29.3076 GJ/tce)
        and the year it was taken from: the year's own, else the latest earlier, else the earliest later."""
        t = self.default("electricity_primary").table.sort("year")
        earlier = t.filter(pl.col("year") <= year)
        row = (earlier if not earlier.is_empty() else t).row(-1 if not earlier.is_empty() else 0, named=True)
        return float(str(row["gce_per_kwh"])) / 1e6 * 29.3076, int(str(row["year"]))

    def region_chain(self, region: str) -> list[str]:
        """``region`` and its parents up to ``national``: e.g. CN-JS → east_china → national."""
        regions = self.default("regions").table
        parents = dict(zip(regions["code"].to_list(), regions["parent"].to_list(), strict=True))
        if region not in parents:
            raise FactorError(
                f"unknown region {region!r}; use a province code (e.g. CN-JS), "
                f"a regional grid (e.g. east_china) or national"
            )
        chain = [region]
        while parents.get(chain[-1]):
            chain.append(str(parents[chain[-1]]))
        return chain

    def resolve_grid(self, region: str, year: int, set_name: str | None = None) -> GridLookup:
        """Grid factor for (region, year) following the fallback rule in the module docstring."""
        grid = self.get(set_name, "grid") if set_name else self.default("grid")
        chain = self.region_chain(region)
        table = grid.table
        for level in chain:
            rows = table.filter((pl.col("region") == level) & (pl.col("year") <= year)).sort("year")
            if not rows.is_empty():
                return _grid_lookup(grid, region, year, rows.row(-1, named=True), chain)
        for level in chain:
            rows = table.filter(pl.col("region") == level).sort("year")
            if not rows.is_empty():
                return _grid_lookup(grid, region, year, rows.row(0, named=True), chain)
        raise FactorError(f"no grid factor for {region} in set {grid.name}")


def _grid_lookup(grid: FactorSet, region: str, year: int, row: dict[str, object], chain: list[str]) -> GridLookup:
    used_region, used_year = str(row["region"]), int(str(row["year"]))
    fallbacks: list[str] = []
    if used_region != region:
        fallbacks.append(
            f"region {region} → {used_region} (no factor published for {' / '.join(chain[: chain.index(used_region)])})"
        )
    if used_year < year:
        fallbacks.append(f"year {year} → {used_year} (latest earlier year published)")
    elif used_year > year:
        fallbacks.append(f"year {year} → {used_year} (no earlier year published; earliest later year)")
    return GridLookup(
        region_asked=region,
        year_asked=year,
        region=used_region,
        year=used_year,
        kgco2_per_kwh=float(str(row["kgco2_per_kwh"])),
        source=str(row["source"]),
        status=str(row.get("status") or ""),
        fallbacks=tuple(fallbacks),
        factor_set=grid.name,
        u_pct=float(str(row["u_pct"])),
    )


@cache
def _packaged_library() -> FactorLibrary:
    directory = Path(str(resources.files("transcarbon") / "data" / "factors"))
    return FactorLibrary.load(directory)
