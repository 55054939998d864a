"""Physical bounds of measured quantities: what no real value can exceed, with its source.

``transcarbon/data/bounds/physical.csv`` holds one row per quantity (``quantity, unit, min, max, status,
source``): the ranges of AIS fields set by ITU-R M.1371-5 and WGS 84, and the largest ships, engines and
shore connections ever built. Readers of measured data (the ship engines) refuse or drop what lies outside.
Plausibility bounds that depend on a city's reporting (per organisation and month) are not here: they are
configuration, in the city's report types (``max``, ``max_per_unit``).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

COLUMNS = ("quantity", "unit", "min", "max", "status", "source")


class BoundsError(ValueError):
    """The bounds file is malformed."""


@dataclass(frozen=True)
class Bound:
    """The range ``[min, max]`` of one quantity in ``unit``, and where it comes from."""

    quantity: str
    unit: str
    min: float
    max: float
    source: str

    def outside(self, expr: pl.Expr) -> pl.Expr:
        """True where a value is present and not finite or outside the range."""
        return expr.is_not_null() & (~expr.is_finite() | (expr < self.min) | (expr > self.max))


@dataclass(frozen=True)
class PhysicalBounds:
    """Every bound of the file, by quantity, and the file's SHA-256."""

    bounds: dict[str, Bound]
    content_hash: str

    def __getitem__(self, quantity: str) -> Bound:
        return self.bounds[quantity]


@cache
def physical_bounds() -> PhysicalBounds:
    """The packaged bounds, validated: every column present, numbers finite with ``min ≤ max``, a source each."""
    data = (resources.files("transcarbon") / "data" / "bounds" / "physical.csv").read_bytes()
    table = pl.read_csv(data, schema_overrides={"min": pl.Float64, "max": pl.Float64})
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise BoundsError(f"physical.csv lacks columns {missing}")
    bounds: dict[str, Bound] = {}
    for row in table.iter_rows(named=True):
        lo, hi = row["min"], row["max"]
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi) or not row["source"]:
            raise BoundsError(f"physical.csv: {row['quantity']}: needs finite min ≤ max and a source")
        bounds[row["quantity"]] = Bound(row["quantity"], row["unit"], lo, hi, row["source"])
    return PhysicalBounds(bounds, hashlib.sha256(data).hexdigest())
