"""The activity CSV contract: read, check every cell, and return a typed frame or every error.

Header (exact set of columns; an unknown or missing column is refused; ``data_quality`` may be added)::

    org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t

Rules, each reported per row with its column, value and fix (see ``i18n/messages.yaml``):

- ``org_id``, ``period`` (YYYY or YYYY-MM) and ``sector`` are required; sector, fuel, unit and
  passenger_kind take only their listed values; numbers are plain non-negative numbers.
- a fuel needs an amount and a unit the fuel can be measured in; an amount or unit needs a fuel;
- a row needs a fuel or some activity (t·km, p·km, throughput);
- passenger p·km only for sectors with a passenger mode; waterway needs seat|berth and civil
  aviation domestic|international; other sectors take no passenger_kind;
- region, when given, is a known region code (empty: the city's default region, recorded at
  calculation time);
- data_quality, when the column is there, is metered, reported, estimated or defaulted (empty: reported);
- urea_solution (AdBlue/AUS32, process CO2 of SCR after-treatment) is given by mass or volume, not energy.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from transcarbon.domain import PERIOD_PATTERN, SECTOR_MODE, DataQuality, Fuel, Mode, PassengerKind, Sector, Unit
from transcarbon.services.validation import Check, RowError, ValidationError, file_error, run_checks

COLUMNS = (
    "org_id",
    "period",
    "sector",
    "fuel",
    "amount",
    "unit",
    "freight_tkm",
    "passenger_pkm",
    "passenger_kind",
    "region",
    "throughput_t",
)
OPTIONAL_COLUMNS = ("data_quality",)
"""Columns a file may add to :data:`COLUMNS`; left out, they are empty."""
NUMERIC = ("amount", "freight_tkm", "passenger_pkm", "throughput_t")

_LIQUID_UNITS = ("t", "kg", "L", "m3", "GJ", "tce")
UNITS_BY_FUEL: dict[str, tuple[str, ...]] = {
    **{f.value: _LIQUID_UNITS for f in Fuel},
    Fuel.NATURAL_GAS.value: ("m3", "10^4m3", "t", "kg", "GJ", "tce"),
    Fuel.ELECTRICITY.value: ("kWh", "MWh", "GJ", "tce"),
    Fuel.UREA_SOLUTION.value: ("t", "kg", "L", "m3"),
}
"""Units each fuel may be reported in (``m3`` of natural gas is at standard conditions)."""

PASSENGER_KINDS_BY_MODE: dict[str, tuple[str, ...]] = {
    Mode.WATERWAY.value: (PassengerKind.SEAT.value, PassengerKind.BERTH.value),
    Mode.AVIATION.value: (PassengerKind.DOMESTIC.value, PassengerKind.INTERNATIONAL.value),
}


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(values)


def read_activity_csv(data: bytes, file: str, *, regions: Iterable[str]) -> pl.DataFrame:
    """Parse and check an activity CSV; return the typed frame (with ``row`` numbers) or raise.

    Raises :class:`ValidationError` with every problem found; nothing is returned half-checked.
    """
    try:
        raw = pl.read_csv(data, infer_schema_length=0, encoding="utf8")
    except Exception as exc:  # polars raises several types for malformed bytes
        raise ValidationError([file_error(file, "csv.unreadable", detail=str(exc)[:160])]) from exc
    header_errors = _header_errors(raw.columns, file)
    if header_errors:
        raise ValidationError(header_errors)
    if raw.is_empty():
        raise ValidationError([file_error(file, "csv.empty", row=2)])
    frame = typed_activity(raw)
    checked = frame.with_columns(
        pl.col("fuel")
        .replace_strict({f: ", ".join(us) for f, us in UNITS_BY_FUEL.items()}, default=None, return_dtype=pl.String)
        .alias("_units_allowed")
    )
    errors = run_checks(checked, activity_checks(raw, regions), file, raw=raw)
    if errors:
        raise ValidationError(errors)
    return frame


def _header_errors(columns: list[str], file: str) -> list[RowError]:
    expected = ",".join(COLUMNS)
    missing = [c for c in COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in (*COLUMNS, *OPTIONAL_COLUMNS)]
    errors = []
    if missing:
        errors.append(
            file_error(
                file, "csv.header_missing", column=",".join(missing), columns=",".join(missing), expected=expected
            )
        )
    if unknown:
        errors.append(
            file_error(
                file, "csv.header_unknown", column=",".join(unknown), columns=",".join(unknown), expected=expected
            )
        )
    return errors


def typed_activity(raw: pl.DataFrame) -> pl.DataFrame:
    """Trim text, turn empty cells into nulls and cast numbers (failed casts become null); an optional column
    that is not there comes back empty."""
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in OPTIONAL_COLUMNS if c not in raw.columns)
    text = [c for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c not in NUMERIC]
    return raw.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"),
        *[pl.col(c).str.strip_chars().replace("", None).alias(c) for c in text],
        *[pl.col(c).str.strip_chars().replace("", None).cast(pl.Float64, strict=False).alias(c) for c in NUMERIC],
    ).with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int64, strict=False).alias("year"))


def activity_checks(raw: pl.DataFrame, regions: Iterable[str]) -> list[Check]:
    """Every rule of the contract as a vectorised check (true on bad rows) over the typed frame.

    ``raw`` is the untyped text, needed to tell an empty cell from one that is not a number.
    """
    sectors = [s.value for s in Sector]
    fuels = [f.value for f in Fuel]
    units = [u.value for u in Unit]
    kinds = [k.value for k in PassengerKind]
    qualities = [q.value for q in DataQuality]
    raw_given = {c: raw.get_column(c).str.strip_chars().replace("", None).is_not_null() for c in NUMERIC}
    mode = pl.col("sector").replace_strict(
        {s.value: m.value for s, m in SECTOR_MODE.items()}, default=None, return_dtype=pl.String
    )
    activity_given = pl.any_horizontal(
        pl.col(c).is_not_null() for c in ("freight_tkm", "passenger_pkm", "throughput_t")
    )
    has_pkm = pl.col("passenger_pkm").fill_null(0) > 0
    unit_ok = pl.concat_str("fuel", pl.lit("|"), "unit").is_in(
        [f"{f}|{u}" for f, us in UNITS_BY_FUEL.items() for u in us]
    )
    checks = [
        Check("org_id", pl.col("org_id").is_null(), "val.required"),
        Check("period", pl.col("period").is_null(), "val.required"),
        Check("period", pl.col("period").is_not_null() & ~pl.col("period").str.contains(PERIOD_PATTERN), "val.period"),
        Check("sector", pl.col("sector").is_null(), "val.required"),
        Check(
            "sector",
            pl.col("sector").is_not_null() & ~pl.col("sector").is_in(sectors),
            "val.enum",
            {"allowed": _allowed(sectors)},
        ),
        Check(
            "fuel",
            pl.col("fuel").is_not_null() & ~pl.col("fuel").is_in(fuels),
            "val.enum",
            {"allowed": _allowed(fuels)},
        ),
        Check(
            "unit",
            pl.col("unit").is_not_null() & ~pl.col("unit").is_in(units),
            "val.enum",
            {"allowed": _allowed(units)},
        ),
        Check(
            "passenger_kind",
            pl.col("passenger_kind").is_not_null() & ~pl.col("passenger_kind").is_in(kinds),
            "val.enum",
            {"allowed": _allowed(kinds)},
        ),
        Check("region", pl.col("region").is_not_null() & ~pl.col("region").is_in(list(regions)), "val.region"),
        Check(
            "data_quality",
            pl.col("data_quality").is_not_null() & ~pl.col("data_quality").is_in(qualities),
            "val.enum",
            {"allowed": _allowed(qualities)},
        ),
    ]
    for c in NUMERIC:
        checks.append(Check(c, pl.lit(raw_given[c]) & pl.col(c).is_null(), "val.number"))
        checks.append(Check(c, pl.col(c) < 0, "val.non_negative"))
    fuel_ok = pl.col("fuel").is_in(fuels)
    checks += [
        Check("amount", fuel_ok & pl.col("amount").is_null() & ~pl.lit(raw_given["amount"]), "val.required"),
        Check("unit", fuel_ok & pl.col("unit").is_null(), "val.required"),
        Check(
            "unit",
            fuel_ok & pl.col("unit").is_in(units) & ~unit_ok,
            "val.unit_for_fuel",
            row_params={"fuel": "fuel", "unit": "unit", "allowed": "_units_allowed"},
        ),
        Check(
            "fuel",
            pl.col("fuel").is_null() & (pl.lit(raw_given["amount"]) | pl.col("unit").is_not_null()),
            "val.amount_without_fuel",
        ),
        Check("fuel", pl.col("fuel").is_null() & ~activity_given & ~pl.lit(raw_given["amount"]), "val.empty_row"),
        Check(
            "passenger_pkm",
            has_pkm & mode.is_in([Mode.NONE.value]),
            "val.passenger_not_allowed",
            row_params={"sector": "sector"},
        ),
    ]
    for m, allowed in PASSENGER_KINDS_BY_MODE.items():
        kind_ok = pl.col("passenger_kind").is_in(allowed).fill_null(False)
        checks.append(
            Check(
                "passenger_kind",
                (mode == m) & has_pkm & ~kind_ok,
                "val.passenger_kind_needed",
                {"allowed": _allowed(allowed)},
                {"sector": "sector"},
            )
        )
    checks.append(
        Check(
            "passenger_kind",
            ~mode.is_in(list(PASSENGER_KINDS_BY_MODE)) & mode.is_not_null() & pl.col("passenger_kind").is_not_null(),
            "val.passenger_kind_not_allowed",
            row_params={"sector": "sector"},
        )
    )
    return checks
