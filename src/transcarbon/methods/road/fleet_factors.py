"""Pollutant factors of a registered fleet: each line (vehicle class × powertrain × China stage) gets the MEE 2014
guideline's corrected factor where the guideline has one, COPERT Tier 3 at a representative speed for China VI
vehicles (which the guideline's tables predate), zero exhaust for battery-electric and fuel-cell vehicles, and
nothing otherwise (the inventory keeps a null and lists it).

Which row a line takes [1]_ [2]_ (the class table gives each class's MEE class and COPERT category and segment):

- MEE 2014 (China 0–V): ``mee_class`` of the class (``mee_class_diesel`` for diesel where given); fuel gasoline
  ``G``, diesel ``D``, CNG and LNG ``CNG`` (the guideline has no LNG rows; LNG engines are gas engines like CNG
  ones: a project assumption), hybrids and the combustion part of plug-in hybrids ``G``; standard 国0 → ``PRE``,
  国I … 国V → ``I`` … ``V``. Pollutants CO, HC, NOx, PM2.5, PM10 → ``co, hc, nox, pm25, pm10``.
- COPERT (China VI-a/b): category and segment of the class; fuel gasoline ``G``, diesel ``D``, CNG ``CNG``,
  hybrids and plug-in hybrids ``G`` (the 2019 hybrid rows give energy only; their exhaust is taken as the petrol
  car's, a project judgement); Euro stage and technology from the stage map (China VI-a → VI A/B/C,
  China VI-b → VI D/E or 6d-TEMP); slope 0 and load 0.5 where the rows have them; EF at ``speed_kmh`` clamped
  to each row's range. NOx, CO → ``nox, co``; PM → ``pm25`` and ``pm10`` (exhaust PM is below 2.5 µm); VOC →
  ``hc`` (COPERT's VOC excludes methane, the guideline's HC does not: a known understatement for gas engines).
- A plug-in hybrid's exhaust factor is scaled by the share of its kilometres on fuel (its combustion share).

References
----------
.. [1] Ministry of Environmental Protection of the PRC (2014). 道路机动车大气污染物排放清单编制技术指南（试行）.
.. [2] EMEP/EEA (2019). Air pollutant emission inventory guidebook, 1.A.3.b.i-iv, Appendix 4 (COPERT 5).
"""

from __future__ import annotations

import polars as pl

from transcarbon.methods.road.copert import hot_factor

KEYS = ("vehicle_class", "powertrain", "stage")
"""Columns identifying a fleet line's factor."""

MEE_FUEL = {"gasoline": "G", "diesel": "D", "cng": "CNG", "lng": "CNG", "hybrid": "G", "phev": "G"}
MEE_STANDARD = {"CN0": "PRE", "CN1": "I", "CN2": "II", "CN3": "III", "CN4": "IV", "CN5": "V"}
MEE_POLLUTANT = {"CO": "co", "HC": "hc", "NOx": "nox", "PM2.5": "pm25", "PM10": "pm10"}
COPERT_FUEL = {"gasoline": "G", "diesel": "D", "hybrid": "G", "phev": "G", "cng": "CNG"}
COPERT_STAGES = ("CN6A", "CN6B")
COPERT_POLLUTANT = {"NOx": ("nox",), "CO": ("co",), "PM": ("pm25", "pm10"), "VOC": ("hc",)}
ZERO_EXHAUST = ("bev", "fcev")
POLLUTANTS = ("nox", "pm25", "pm10", "co", "hc")
COPERT_PARAMETERS = ("alpha", "beta", "gamma", "delta", "epsilon", "zita", "hta", "rf", "vmin", "vmax")

SCHEMA: dict[str, type[pl.DataType]] = {
    "vehicle_class": pl.String,
    "powertrain": pl.String,
    "stage": pl.String,
    "pollutant": pl.String,
    "ef_g_per_km": pl.Float64,
    "method": pl.String,
}


def _mee(lines: pl.DataFrame, classes: pl.DataFrame, mee: pl.DataFrame) -> pl.DataFrame:
    fuel = pl.col("powertrain").replace_strict(MEE_FUEL, default=None)
    keyed = (
        lines.join(
            classes.select("class_id", "mee_class", "mee_class_diesel"),
            left_on="vehicle_class",
            right_on="class_id",
            how="inner",
        )
        .with_columns(
            fuel.alias("fuel"),
            pl.col("stage").replace_strict(MEE_STANDARD, default=None).alias("standard"),
        )
        .with_columns(
            pl.when(
                (pl.col("fuel") == "D") & pl.col("mee_class_diesel").is_not_null() & (pl.col("mee_class_diesel") != "")
            )
            .then(pl.col("mee_class_diesel"))
            .otherwise(pl.col("mee_class"))
            .alias("mee_class")
        )
        .filter(pl.col("fuel").is_not_null(), pl.col("standard").is_not_null())
    )
    rows = mee.select("mee_class", "fuel", "standard", "pollutant", "ef_g_per_km").filter(
        pl.col("pollutant").is_in(list(MEE_POLLUTANT))
    )
    return keyed.join(rows, on=["mee_class", "fuel", "standard"], how="inner").select(
        *KEYS,
        pl.col("pollutant").replace_strict(MEE_POLLUTANT),
        "ef_g_per_km",
        pl.lit("mee2014").alias("method"),
    )


def _copert(
    lines: pl.DataFrame, classes: pl.DataFrame, copert: pl.DataFrame, stages: pl.DataFrame, speed_kmh: float
) -> pl.DataFrame:
    keyed = (
        lines.filter(pl.col("stage").is_in(COPERT_STAGES))
        .join(
            classes.select("class_id", "copert_category", "copert_segment"),
            left_on="vehicle_class",
            right_on="class_id",
            how="inner",
        )
        .with_columns(pl.col("powertrain").replace_strict(COPERT_FUEL, default=None).alias("fuel"))
        .filter(pl.col("fuel").is_not_null())
        .join(
            stages.select("copert_category", "fuel", "china_stage", "euro", "technology"),
            left_on=["copert_category", "fuel", "stage"],
            right_on=["copert_category", "fuel", "china_stage"],
            how="inner",
        )
    )
    rows = copert.filter(
        pl.col("pollutant").is_in(list(COPERT_POLLUTANT)),
        pl.col("slope").fill_null(0.0) == 0.0,
        pl.col("load").is_null() | (pl.col("load") == 0.5),
    )
    joined = keyed.join(
        rows,
        left_on=["copert_category", "copert_segment", "fuel", "euro", "technology"],
        right_on=["category", "segment", "fuel", "euro", "technology"],
        how="inner",
    )
    if joined.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    ef = hot_factor(speed_kmh, *[joined[c].to_numpy() for c in COPERT_PARAMETERS])
    joined = joined.with_columns(pl.Series("ef_g_per_km", ef))
    return pl.concat(
        [
            joined.filter(pl.col("pollutant") == source).select(
                *KEYS, pl.lit(target).alias("pollutant"), "ef_g_per_km", pl.lit("copert").alias("method")
            )
            for source, targets in COPERT_POLLUTANT.items()
            for target in targets
        ]
    )


def fleet_pollutant_factors(
    lines: pl.DataFrame,
    classes: pl.DataFrame,
    mee_corrected: pl.DataFrame,
    copert: pl.DataFrame,
    stages: pl.DataFrame,
    speed_kmh: float,
    combustion_share: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Factors [g/km] per ``vehicle_class, powertrain, stage`` × pollutant with the ``method`` that gave them.

    - ``lines``: the distinct keys of the fleet (``stage`` ``none`` for vehicles without one);
    - ``classes``: the vehicle-class table (``class_id, mee_class, mee_class_diesel, copert_category,
      copert_segment``);
    - ``mee_corrected``: base factors with corrections applied (:func:`.mee2014.corrected_factors`);
    - ``copert``: COPERT hot-factor rows; ``stages``: the China ↔ Euro stage map;
    - ``speed_kmh``: the representative speed of the COPERT rows [km/h];
    - ``combustion_share``: ``vehicle_class, powertrain, share`` — the share of kilometres on fuel of plug-in
      hybrids (default 1).

    Lines with no row keep no factor (the inventory leaves them null and lists them).
    """
    keys = lines.select(*KEYS).unique()
    zero = keys.filter(pl.col("powertrain").is_in(ZERO_EXHAUST)).join(
        pl.DataFrame({"pollutant": list(POLLUTANTS)}), how="cross"
    )
    out = pl.concat(
        [
            _mee(keys, classes, mee_corrected),
            _copert(keys, classes, copert, stages, speed_kmh),
            zero.with_columns(pl.lit(0.0).alias("ef_g_per_km"), pl.lit("zero_exhaust").alias("method")).select(
                list(SCHEMA)
            ),
        ],
        how="vertical_relaxed",
    )
    if combustion_share is not None:
        out = (
            out.join(combustion_share, on=["vehicle_class", "powertrain"], how="left")
            .with_columns((pl.col("ef_g_per_km") * pl.col("share").fill_null(1.0)).alias("ef_g_per_km"))
            .drop("share")
        )
    return out.select(list(SCHEMA)).sort(*KEYS, "pollutant")
