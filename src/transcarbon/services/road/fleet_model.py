"""The fleet stock model for faces and the demo: survival by age of a vehicle class and use from the packaged
survival set (:mod:`transcarbon.methods.fleet`; the scenarios run the same curves forward)."""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.factors.road import RoadFactors
from transcarbon.methods.fleet import survival_by_age


def survival(vehicle_class: str, use: str, max_age: int, road: RoadFactors | None = None) -> NDArray[np.float64]:
    """S(0) … S(max_age) of ``vehicle_class`` and ``use`` (a row of use ``any`` serves both uses).

    KeyError naming the class and use when the survival set has no row for them.
    """
    table = (road or RoadFactors.load()).table("survival")
    rows = table.filter(pl.col("class_id") == vehicle_class, pl.col("use").is_in([use, "any"])).sort(
        pl.col("use") == "any"
    )
    if rows.is_empty():
        raise KeyError(f"no survival curve for {vehicle_class} ({use})")
    r = rows.row(0, named=True)
    nan = float("nan")
    scrappage = nan if r["model"] == "weibull" else float(r["scrappage_age_yr"])
    return survival_by_age(max_age, r["scale_yr"] or nan, r["shape"] or nan, scrappage)
