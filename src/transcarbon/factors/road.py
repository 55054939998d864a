"""Road-transport factor sets: COPERT 5 hot-factor parameters, the MEE 2014 guideline's base factors and
corrections, the China ↔ Euro stage map, vehicle classes, powertrains, survival curves, default annual
kilometres and energy economy — validated, hashed and versioned like :mod:`transcarbon.factors.library`.

Each set is one CSV under ``transcarbon/data/road`` declared in that folder's ``sets.yaml`` (name, kind,
version, default, file, titles). Every row carries ``source`` and ``status`` (``verified`` / ``to_check``).
The content hash of a set is the SHA-256 of its file, recorded with every run that used it.

A city replaces a set (e.g. the MEE 2014 base factors read from the guideline's appendix) with a directory of
its own holding a ``sets.yaml`` of the same form: ``RoadFactors.load(extra=that_dir)`` adds its sets, and a
set it marks ``default: true`` becomes the default of its kind in place of the packaged one. Sets of one kind
are never mixed: a run names one set per kind and records its hash.
"""

from __future__ import annotations

import hashlib
import math
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl
import yaml

from transcarbon.factors.library import FactorError, FactorSet

STATUSES = ("verified", "to_check")

COPERT_PARAMS = ("alpha", "beta", "gamma", "delta", "epsilon", "zita", "hta", "rf")
COPERT_KEY = ("category", "fuel", "segment", "euro", "technology", "pollutant", "slope", "load")
COPERT_POLLUTANTS = ("EC", "CO", "NOx", "PM", "VOC")
ENERGY_UNITS = ("MJ/km", "L/100km", "kWh/100km", "Nm3/100km", "kg/100km")
CORRECTION_FACTORS = (
    "speed",
    "temperature",
    "humidity",
    "temp_humidity",
    "altitude",
    "sulphur",
    "load",
    "deterioration",
)
CHINA_STAGES = ("CN0", "CN1", "CN2", "CN3", "CN4", "CN5", "CN6A", "CN6B")
USES = ("operating", "non_operating", "any")

# kind → (required text columns, required numeric columns, optional numeric columns, unique key)
SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "copert_hot": (
        ("category", "fuel", "segment", "euro", "pollutant", "unit"),
        ("vmin", "vmax", *COPERT_PARAMS),
        ("slope", "load", "ef_ref_speed_kmh", "ef_at_ref_speed"),
        COPERT_KEY,
    ),
    "mee2014_bef": (
        ("mee_class", "fuel", "standard", "pollutant"),
        ("bef_g_per_km",),
        (),
        ("mee_class", "fuel", "standard", "pollutant"),
    ),
    "mee2014_corrections": (
        ("factor", "fuel", "standard", "vehicle", "pollutant", "variable"),
        ("value",),
        ("low", "high"),
        ("factor", "fuel", "standard", "vehicle", "pollutant", "low", "high"),
    ),
    "stage_map": (
        ("copert_category", "fuel", "china_stage", "name_zh", "euro"),
        (),
        (),
        ("copert_category", "fuel", "china_stage"),
    ),
    "vehicle_classes": (("class_id", "name_zh", "name_en", "group", "mee_class"), (), (), ("class_id",)),
    "powertrains": (("powertrain", "name_zh", "name_en", "carriers", "nev"), (), (), ("powertrain",)),
    "survival": (
        ("class_id", "use", "model"),
        (),
        ("scale_yr", "shape", "scrappage_age_yr", "legal_max_age_yr"),
        ("class_id", "use"),
    ),
    "annual_km": (("class_id", "use"), ("km_per_year",), (), ("class_id", "use")),
    "energy_economy": (
        ("class_id", "powertrain", "carrier", "unit"),
        ("value", "km_share"),
        (),
        ("class_id", "powertrain", "carrier"),
    ),
}


def _check(ok: bool, path: str, message: str) -> None:
    if not ok:
        raise FactorError(f"{path}: {message}")


def _validate(kind: str, name: str, table: pl.DataFrame) -> pl.DataFrame:
    if kind not in SCHEMAS:
        raise FactorError(f"{name}: unknown road factor kind {kind!r}; known: {', '.join(SCHEMAS)}")
    text, numeric, optional, key = SCHEMAS[kind]
    missing = [c for c in (*text, *numeric, "status", "source") if c not in table.columns]
    _check(not missing, name, f"missing columns {missing}")
    present_optional = [c for c in optional if c in table.columns]
    try:
        table = table.with_columns([pl.col(c).cast(pl.Float64, strict=True) for c in (*numeric, *present_optional)])
    except pl.exceptions.InvalidOperationError as exc:
        raise FactorError(f"{name}: a numeric column holds text: {exc}") from exc
    for c in numeric:
        _check(table[c].null_count() == 0, name, f"column {c} has empty values")
    for c in (*numeric, *present_optional):
        values = table[c].drop_nulls().to_list()
        _check(all(math.isfinite(v) for v in values), name, f"column {c} has a non-finite value")
    _check(table["source"].null_count() == 0, name, "every row needs a source")
    bad_status = sorted(set(table["status"].to_list()) - set(STATUSES))
    _check(not bad_status, name, f"status must be one of {STATUSES}, got {bad_status}")
    key_cols = [c for c in key if c in table.columns]
    dup = table.select(key_cols).is_duplicated()
    if dup.any():
        raise FactorError(f"{name}: duplicate rows for key {key_cols}, first at data row {int(dup.arg_true()[0]) + 2}")
    if kind == "copert_hot":
        _check(
            bool((table["vmin"] > 0).all() and (table["vmin"] < table["vmax"]).all()),
            name,
            "every row needs 0 < vmin < vmax",
        )
        bad = sorted(set(table["pollutant"].to_list()) - set(COPERT_POLLUTANTS))
        _check(not bad, name, f"pollutant must be one of {COPERT_POLLUTANTS}, got {bad}")
        table = table.with_columns(pl.col("technology").fill_null(""))
    elif kind == "mee2014_bef":
        _check(bool((table["bef_g_per_km"] >= 0).all()), name, "base factors must be ≥ 0")
    elif kind == "mee2014_corrections":
        bad = sorted(set(table["factor"].to_list()) - set(CORRECTION_FACTORS))
        _check(not bad, name, f"factor must be one of {CORRECTION_FACTORS}, got {bad}")
        _check(bool((table["value"] > 0).all()), name, "correction factors must be > 0")
    elif kind == "stage_map":
        bad = sorted(set(table["china_stage"].to_list()) - set(CHINA_STAGES))
        _check(not bad, name, f"china_stage must be one of {CHINA_STAGES}, got {bad}")
        table = table.with_columns(pl.col("technology").fill_null(""), pl.col("mee_standard").fill_null(""))
    elif kind == "survival":
        bad = sorted(set(table["model"].to_list()) - {"weibull", "step"})
        _check(not bad, name, f"model must be weibull or step, got {bad}")
        weibull = table.filter(pl.col("model") == "weibull")
        _check(
            bool((weibull["scale_yr"] > 0).all() and (weibull["shape"] > 0).all()),
            name,
            "Weibull rows need scale_yr > 0 and shape > 0",
        )
        step = table.filter(pl.col("model") == "step")
        _check(bool((step["scrappage_age_yr"] > 0).all()), name, "step rows need scrappage_age_yr > 0")
    elif kind == "annual_km":
        _check(bool((table["km_per_year"] > 0).all()), name, "km_per_year must be > 0")
    elif kind == "energy_economy":
        bad = sorted(set(table["unit"].to_list()) - set(ENERGY_UNITS))
        _check(not bad, name, f"unit must be one of {ENERGY_UNITS}, got {bad}")
        _check(bool((table["value"] > 0).all()), name, "energy economy must be > 0")
        shares = table.group_by("class_id", "powertrain").agg(pl.col("km_share").sum())
        _check(
            bool(((shares["km_share"] - 1.0).abs() < 1e-9).all()),
            name,
            "the km_share of the carriers of a class and powertrain must add up to 1",
        )
    if kind in ("survival", "annual_km"):
        bad = sorted(set(table["use"].to_list()) - set(USES))
        _check(not bad, name, f"use must be one of {USES}, got {bad}")
    return table


def _read(directory: Path, spec: dict[str, object]) -> FactorSet:
    file = str(spec["file"])
    raw = (directory / file).read_bytes()
    kind = str(spec["kind"])
    table = _validate(kind, file, pl.read_csv(raw, infer_schema_length=0))
    return FactorSet(
        name=str(spec["name"]),
        kind=kind,
        version=str(spec["version"]),
        default=bool(spec.get("default", False)),
        file=file,
        title_zh=str(spec.get("title_zh", "")),
        title_en=str(spec.get("title_en", "")),
        content_hash=hashlib.sha256(raw).hexdigest(),
        table=table,
    )


def _manifest(directory: Path) -> list[FactorSet]:
    manifest = yaml.safe_load((directory / "sets.yaml").read_text(encoding="utf-8"))
    return [_read(directory, spec) for spec in manifest["sets"]]


class RoadFactors:
    """The road factor sets: the packaged ones, plus a city's own (which may replace a kind's default)."""

    def __init__(self, sets: list[FactorSet]):
        self._sets: dict[str, FactorSet] = {}
        self._defaults: dict[str, str] = {}
        for s in sets:
            if s.name in self._sets:
                raise FactorError(f"two road factor sets are named {s.name!r}")
            self._sets[s.name] = s
            if s.default:
                self._defaults[s.kind] = s.name  # a later directory's default replaces an earlier one's
        for kind in {s.kind for s in sets}:
            if kind not in self._defaults:
                raise FactorError(f"road factor kind {kind!r} has no default set")

    @classmethod
    def load(cls, directory: Path | None = None, extra: Path | None = None) -> RoadFactors:
        """Sets of ``directory`` (default: the packaged ones), then those of ``extra`` (a city's)."""
        if directory is None and extra is None:
            return _packaged()
        sets = _manifest(directory or _data_dir())
        if extra is not None:
            sets += _manifest(extra)
        return cls(sets)

    def sets(self, kind: str | None = None) -> list[FactorSet]:
        return [s for s in self._sets.values() if kind is None or s.kind == kind]

    def get(self, name: str, kind: str | None = None) -> FactorSet:
        found = self._sets.get(name)
        if found is None:
            known = ", ".join(s.name for s in self.sets(kind))
            raise FactorError(f"unknown road factor set {name!r}; known: {known}")
        if kind is not None and found.kind != kind:
            raise FactorError(f"road factor set {name!r} is of kind {found.kind!r}, not {kind!r}")
        return found

    def default(self, kind: str) -> FactorSet:
        if kind not in self._defaults:
            raise FactorError(f"no road factor set of kind {kind!r}; kinds: {', '.join(sorted(self._defaults))}")
        return self._sets[self._defaults[kind]]

    def table(self, kind: str, name: str | None = None) -> pl.DataFrame:
        """The table of the named set of ``kind``, or of the kind's default."""
        return (self.get(name, kind) if name else self.default(kind)).table


def _data_dir() -> Path:
    return Path(str(resources.files("transcarbon") / "data" / "road"))


@cache
def _packaged() -> RoadFactors:
    return RoadFactors(_manifest(_data_dir()))
