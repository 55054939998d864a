"""The synthetic Lianyungang data set: deterministic, on contract, plausible, and labelled synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transcarbon.demo.generator import (
    ACTIVITY_COLUMNS,
    DEFAULT_SEED,
    DemoData,
    generate,
    write_csv,
)
from transcarbon.domain import PERIOD_PATTERN, Fuel, PassengerKind, Sector, Unit

# Public figures (docs/sources/lianyungang.md, [V]).
PORT_CARGO_MT = {2021: 277.0, 2025: 367.0}
PORT_TEU_10K = {2021: 503.49, 2025: 715.98}
DISTRICTS = {"haizhou", "lianyun", "ganyu", "donghai", "guanyun", "guannan"}


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate()


def _year(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))


# --- determinism and runtime -------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(data: DemoData) -> None:
    again = generate(DEFAULT_SEED)
    for name, frame in data.frames().items():
        assert_frame_equal(frame, again.frames()[name], check_exact=True)


def test_other_seed_differs_but_keeps_the_shape(data: DemoData) -> None:
    other = generate(7)
    assert not other.activity.equals(data.activity)
    assert other.activity.select("org_id", "period", "fuel").equals(data.activity.select("org_id", "period", "fuel"))
    assert not other.vehicle_additions.equals(data.vehicle_additions)


# --- activity contract -------------------------------------------------------------------------------


def test_activity_has_exactly_the_contract_columns_and_types(data: DemoData) -> None:
    a = data.activity
    assert tuple(a.columns) == ACTIVITY_COLUMNS
    assert ACTIVITY_COLUMNS == (
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
        "data_quality",
    )
    strings = ("org_id", "period", "sector", "fuel", "unit", "passenger_kind", "region", "data_quality")
    for col in ACTIVITY_COLUMNS:
        assert a.schema[col] == (pl.String if col in strings else pl.Float64), col
    assert a["period"].str.contains(PERIOD_PATTERN).all()
    assert a["period"].str.len_chars().eq(7).all()  # monthly
    assert sorted(a["period"].unique()) == [f"{y}-{m:02d}" for y in range(2020, 2026) for m in range(1, 13)]
    assert set(a["sector"]) <= {s.value for s in Sector}
    assert set(a["fuel"].drop_nulls()) <= {f.value for f in Fuel}
    assert set(a["unit"].drop_nulls()) <= {u.value for u in Unit}
    assert set(a["passenger_kind"].drop_nulls()) <= {k.value for k in PassengerKind}
    assert set(a.filter(pl.col("fuel") == "electricity")["data_quality"]) == {"metered"}
    assert a.filter(pl.col("fuel") != "electricity")["data_quality"].is_null().all()
    assert (a["region"] == "CN-JS").all()


def test_units_suit_the_fuels(data: DemoData) -> None:
    units = data.activity.filter(pl.col("fuel").is_not_null()).group_by("fuel").agg(pl.col("unit").unique())
    allowed = {"natural_gas": {"10^4m3"}, "electricity": {"kWh", "MWh"}}
    for fuel, found in zip(units["fuel"], units["unit"], strict=True):
        assert set(found) <= allowed.get(fuel, {"t"}), fuel


def test_no_negative_or_missing_numbers(data: DemoData) -> None:
    a = data.activity
    for col in ("amount", "freight_tkm", "passenger_pkm", "throughput_t"):
        assert (a[col].drop_nulls() >= 0).all(), col
        assert a[col].drop_nulls().is_finite().all(), col
    # amount and unit are given exactly on rows with a fuel
    assert (a["fuel"].is_null() == a["amount"].is_null()).all()
    assert (a["fuel"].is_null() == a["unit"].is_null()).all()
    # passenger_kind only with p·km
    assert (a["passenger_kind"].is_null() | a["passenger_pkm"].is_not_null()).all()


def test_one_row_per_org_month_fuel_and_activity_on_one_row(data: DemoData) -> None:
    a = data.activity
    assert a.select("org_id", "period", "fuel").is_unique().all()
    with_activity = a.filter(pl.any_horizontal(pl.col("freight_tkm", "passenger_pkm", "throughput_t").is_not_null()))
    assert with_activity.select("org_id", "period").is_unique().all()
    # every enterprise reports every month
    months = a.group_by("org_id").agg(pl.col("period").n_unique())
    assert (months["period"] == 72).all()


def test_row_count_is_in_the_expected_range(data: DemoData) -> None:
    assert 8_000 <= data.activity.height <= 20_000


def test_every_org_id_exists(data: DemoData) -> None:
    known = set(data.organisations["org_id"])
    for name in ("activity", "vehicle_additions", "shore_power", "port_throughput", "milestones"):
        assert set(data.frames()[name]["org_id"]) <= known, name


def test_activity_sector_matches_the_organisation(data: DemoData) -> None:
    joined = data.activity.join(data.organisations.select("org_id", pl.col("sector").alias("org_sector")), on="org_id")
    assert (joined["sector"] == joined["org_sector"]).all()


# --- organisations -----------------------------------------------------------------------------------


def test_about_sixty_organisations_cover_every_sector(data: DemoData) -> None:
    o = data.organisations
    assert 55 <= o.height <= 70
    assert o["org_id"].is_unique().all()
    assert o["org_id"].str.contains(r"^LYG-[A-Z]+-\d{3}$").all()
    assert set(o["kind"]) == {"enterprise", "department"}
    enterprises = o.filter(pl.col("kind") == "enterprise")
    assert set(enterprises["sector"]) == {s.value for s in Sector}
    assert enterprises["sector"].null_count() == 0
    assert set(o["district"]) == DISTRICTS
    assert set(data.activity["sector"]) == {s.value for s in Sector}


def test_everything_is_labelled_synthetic(data: DemoData) -> None:
    o = data.organisations
    assert o["synthetic"].all()
    assert o["name_zh"].str.starts_with("（示例）").all()
    assert o["name_en"].str.starts_with("(synthetic) ").all()
    m = data.milestones
    assert m["evidence_zh"].str.starts_with("【示例】").all()
    assert m["evidence_en"].str.starts_with("[synthetic] ").all()


# --- magnitudes and designed trends --------------------------------------------------------------------


def test_port_throughput_matches_the_public_figures(data: DemoData) -> None:
    pt = _year(data.port_throughput).group_by("year").agg(pl.col("cargo_t", "containers_teu").sum())
    by_year = {r["year"]: r for r in pt.iter_rows(named=True)}
    for year, mt in PORT_CARGO_MT.items():
        assert by_year[year]["cargo_t"] / 1e6 == pytest.approx(mt, rel=0.05)
    for year, teu in PORT_TEU_10K.items():
        assert by_year[year]["containers_teu"] / 1e4 == pytest.approx(teu, rel=0.05)
    # the activity rows carry the same throughput
    act = _year(data.activity).group_by("year").agg(pl.col("throughput_t").sum())
    for year, mt in PORT_CARGO_MT.items():
        assert act.filter(pl.col("year") == year)["throughput_t"][0] / 1e6 == pytest.approx(mt, rel=0.05)


def test_bulk_collection_modes_add_up(data: DemoData) -> None:
    pt = data.port_throughput
    total = pt["bulk_by_rail_t"] + pt["bulk_by_water_t"] + pt["bulk_by_road_t"]
    assert (total == pt["bulk_cargo_t"]).all()
    assert (pt["bulk_cargo_t"] <= pt["cargo_t"]).all()
    assert (pt.select(pl.all().exclude("period", "org_id", "port_area")).min().row(0)) >= (0,) * 8


def test_shore_power_more_than_doubles(data: DemoData) -> None:
    kwh = _year(data.shore_power).group_by("year").agg(pl.col("kwh").sum()).sort("year")["kwh"].to_list()
    assert kwh[0] == pytest.approx(1.2e6, rel=0.05)  # ≈ 120万 kWh in 2020 [V]
    assert kwh[-1] >= 2.0 * kwh[0]
    assert (data.shore_power["ship_calls_connected"] >= 1).all()


def test_seasonality_and_covid_dips(data: DemoData) -> None:
    bus = data.ridership.filter(pl.col("mode") == "bus").sort("period")["trips"].to_list()
    assert bus[1] < 0.6 * bus[0]  # 2020-02: COVID-19 and the New Year
    assert bus[12 * 2 + 3] < bus[12 * 3 + 3]  # 2022-04 below 2023-04
    freight = (
        _year(data.activity)
        .filter(pl.col("sector") == "road_freight")
        .group_by("period")
        .agg(pl.col("freight_tkm").sum())
        .sort("period")["freight_tkm"]
        .to_list()
    )
    for year_start in range(0, 72, 12):  # the New Year month is the year's weakest January/February
        jan, feb, mar = freight[year_start : year_start + 3]
        assert min(jan, feb) < mar


# --- CSV -----------------------------------------------------------------------------------------------


def test_write_csv_and_calc_accepts_it(data: DemoData, tmp_path: Path) -> None:
    paths = write_csv(data, tmp_path)
    assert set(paths) == set(data.frames())
    header = (tmp_path / "activity.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(ACTIVITY_COLUMNS)
    back = pl.read_csv(tmp_path / "activity.csv", schema_overrides={"period": pl.String})
    assert back.height == data.activity.height
    assert back["amount"].sum() == pytest.approx(data.activity["amount"].sum())

    cli = pytest.importorskip("transcarbon.cli")
    from typer.testing import CliRunner

    year_file = tmp_path / "activity_2025.csv"
    data.activity.filter(pl.col("period").str.starts_with("2025")).write_csv(year_file)
    result = CliRunner().invoke(cli.app, ["calc", str(year_file), "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out["by_sector"]) == {s.value for s in Sector}
    assert 1.5e6 < out["total"]["co2_t"] < 4e6  # t CO2 a year for the reporting enterprises
