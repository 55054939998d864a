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
- every number is finite and within its plausible maximum per organisation and month (an annual row: twelve
  months), set in the city's report type that feeds activity (``max``; for ``amount``, per unit); the period's
  year lies between the city's first reporting year and next year (:class:`ActivityLimits`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportType, load_report_types
from transcarbon.domain import PERIOD_PATTERN, SECTOR_MODE, DataQuality, Fuel, Mode, PassengerKind, Sector, Unit
from transcarbon.i18n import LANGS, Lang, fuel_name, sector_name
from transcarbon.services.validation import (
    Check,
    RowError,
    Tally,
    ValidationError,
    csv_as_utf8,
    file_error,
    run_checks,
)

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


@dataclass(frozen=True)
class ActivityLimits:
    """What the contract accepts beyond its shape: the years open to reporting (``first_year`` to
    ``last_year``) and the plausible maximum of each number per organisation and month (``max_per_month``:
    column → maximum; ``amount_per_unit``: unit → maximum of ``amount``)."""

    first_year: int
    last_year: int
    max_per_month: dict[str, float]
    amount_per_unit: dict[str, float]

    @classmethod
    def of(cls, rt: ReportType, years: tuple[int, int]) -> ActivityLimits:
        """The limits a report type that feeds activity declares, for the open ``years`` (first, last)."""
        fields = [rt.field(c) for c in NUMERIC if c in rt.columns]
        maxima = {f.id: f.upper for f in fields if f.max_per_unit is None or f.max is not None}
        amount = rt.field("amount").max_per_unit if "amount" in rt.columns else None
        return cls(years[0], years[1], maxima, dict(amount or {}))


def activity_limits(city: CityConfig, today: date | None = None) -> ActivityLimits:
    """The limits of ``city`` (its report type that feeds activity, its open years) on ``today`` (default:
    today in UTC)."""
    catalog = load_report_types(city.reports_path)
    rt = next(r for r in catalog.report_types if r.feeds == "activity")
    return ActivityLimits.of(rt, city.reporting_calendar.open_years(today or datetime.now(UTC).date()))


def hashed_fields(values: Mapping[str, object]) -> list[object]:
    """What a row hash covers: every contract field, then each optional field that is filled (so a row without
    an optional field hashes as it did before that field existed)."""
    return [values.get(c) for c in COLUMNS] + [values[c] for c in OPTIONAL_COLUMNS if values.get(c) is not None]


def read_activity_csv(data: bytes, file: str, *, regions: Iterable[str], limits: ActivityLimits) -> pl.DataFrame:
    """Parse and check an activity CSV; return the typed frame (with ``row`` numbers) or raise.

    Raises :class:`ValidationError` with every problem found; nothing is returned half-checked.
    """
    text = csv_as_utf8(data, file)
    try:
        raw = pl.read_csv(text, infer_schema_length=0, encoding="utf8")
    except Exception as exc:  # polars raises several types for malformed bytes
        raise ValidationError([file_error(file, "csv.unreadable", detail=str(exc)[:160])]) from exc
    header_errors = _header_errors(raw.columns, file)
    if header_errors:
        raise ValidationError(header_errors)
    if raw.is_empty():
        raise ValidationError([file_error(file, "csv.empty", row=2)])
    frame = typed_activity(raw)
    tally = Tally()
    checks = activity_checks(raw, regions, limits)
    errors = run_checks(with_check_columns(frame, limits), checks, file, raw=raw, tally=tally)
    if errors:
        raise ValidationError(errors, tally)
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


def _names(codes: Iterable[str], name: Callable[[str, Lang], str]) -> dict[str, str]:
    """Each code's Chinese and English name → the code."""
    return {n: code for code in codes for lang in LANGS if (n := name(code, lang)) != code}


NAMED_SECTORS = _names([s.value for s in Sector], sector_name)
NAMED_FUELS = _names([f.value for f in Fuel], fuel_name)


def typed_activity(raw: pl.DataFrame) -> pl.DataFrame:
    """Trim text, turn empty cells into nulls and cast numbers (failed casts become null); an optional column
    that is not there comes back empty."""
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in OPTIONAL_COLUMNS if c not in raw.columns)
    text = [c for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c not in NUMERIC]
    named = {"sector": NAMED_SECTORS, "fuel": NAMED_FUELS}  # a name (柴油, Diesel) stands for its code
    return raw.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"),
        *[pl.col(c).str.strip_chars().replace("", None).replace(named.get(c, {})).alias(c) for c in text],
        *[pl.col(c).str.strip_chars().replace("", None).cast(pl.Float64, strict=False).alias(c) for c in NUMERIC],
    ).with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int64, strict=False).alias("year"))


def with_check_columns(frame: pl.DataFrame, limits: ActivityLimits) -> pl.DataFrame:
    """The typed frame with what the checks' messages name per row: the units a row's fuel allows and the
    plausible maximum of its amount in its unit (for its period: a month or twelve)."""
    months = pl.when(pl.col("period").str.len_chars() == 4).then(12.0).otherwise(1.0)
    per_unit = pl.col("unit").replace_strict(limits.amount_per_unit, default=None, return_dtype=pl.Float64)
    return frame.with_columns(
        pl.col("fuel")
        .replace_strict({f: ", ".join(us) for f, us in UNITS_BY_FUEL.items()}, default=None, return_dtype=pl.String)
        .alias("_units_allowed"),
        (months * per_unit).alias("_amount_max"),
    )


def activity_checks(raw: pl.DataFrame, regions: Iterable[str], limits: ActivityLimits) -> list[Check]:
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
    months = pl.when(pl.col("period").str.len_chars() == 4).then(12.0).otherwise(1.0)
    year = pl.col("period").str.slice(0, 4).cast(pl.Int64, strict=False)
    checks.append(
        Check(
            "period",
            pl.col("period").str.contains(PERIOD_PATTERN) & ~year.is_between(limits.first_year, limits.last_year),
            "val.period_range",
            {"first": limits.first_year, "last": limits.last_year},
        )
    )
    for c in NUMERIC:
        finite = pl.col(c).is_finite()
        checks.append(Check(c, pl.lit(raw_given[c]) & pl.col(c).is_null(), "val.number"))
        checks.append(Check(c, pl.col(c).is_not_null() & ~finite, "val.finite"))
        checks.append(Check(c, finite & (pl.col(c) < 0), "val.non_negative"))
        if c in limits.max_per_month:
            checks.append(
                Check(
                    c,
                    finite & (pl.col(c) > months * limits.max_per_month[c]),
                    "val.plausible_max",
                    {"max": f"{limits.max_per_month[c]:g}"},
                )
            )
    if limits.amount_per_unit:
        per_unit = pl.col("unit").replace_strict(limits.amount_per_unit, default=None, return_dtype=pl.Float64)
        checks.append(
            Check(
                "amount",
                pl.col("amount").is_finite() & (pl.col("amount") > months * per_unit),
                "val.plausible_max_unit",
                row_params={"unit": "unit", "max": "_amount_max"},
            )
        )
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
