"""Hand calculations through the whole accounting path (CSV → checks → factors → kernel → aggregates)."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcarbon.factors.library import FactorLibrary
from transcarbon.services.accounting import AccountingOptions, compute_inventory, inventory_json
from transcarbon.services.activity_csv import COLUMNS, read_activity_csv
from transcarbon.services.validation import ValidationError

HEADER = ",".join(COLUMNS)


def run(library: FactorLibrary, *rows: str, **options: object) -> dict:
    regions = library.default("regions").table["code"].to_list()
    frame = read_activity_csv(("\n".join([HEADER, *rows]) + "\n").encode(), "t.csv", regions=regions)
    inv = compute_inventory(frame.with_columns(record_id=pl.col("row")), library, AccountingOptions(**options))
    return inventory_json(inv)


@pytest.mark.parametrize(
    ("factor_set", "ncv", "cc", "of"),
    [("energy_statistics", 42.652, 0.02020, 0.98), ("ndrc_land_2015", 43.33, 0.02020, 0.98)],
)
def test_1000_t_diesel_under_each_named_set(
    library: FactorLibrary, factor_set: str, ncv: float, cc: float, of: float
) -> None:
    out = run(library, "A,2023-05,road_freight,diesel,1000,t,,,,CN-JS,", factor_set=factor_set, gwp="AR5")
    t = out["total"]
    energy = 1000 * ncv  # GJ
    co2 = energy * cc * of * 44 / 12
    # IPCC 2006 road diesel: CH4 3.9 kg/TJ, N2O 3.9 kg/TJ; AR5 GWP 28 and 265
    ch4 = n2o = energy / 1000 * 3.9 / 1000
    assert out["factor_set"] == factor_set
    assert t["energy_gj"] == pytest.approx(energy, rel=1e-12)
    assert t["scope1_co2_t"] == pytest.approx(co2, rel=1e-12)
    assert t["scope2_co2_t"] == 0
    assert t["co2_t"] == pytest.approx(co2, rel=1e-12)
    assert t["ch4_t"] == pytest.approx(ch4, rel=1e-12)
    assert t["co2e_t"] == pytest.approx(co2 + 28 * ch4 + 265 * n2o, rel=1e-12)
    assert t["energy_tce"] == pytest.approx(energy / 29.3076, rel=1e-12)  # tce by the NCV in use (GB/T 2589)
    assert t["freight_tkm"] is None and t["intensity_kgco2_per_converted_tkm"] is None


def test_sets_differ_and_published_per_tonne_factors(library: FactorLibrary) -> None:
    a = run(library, "A,2023,road_freight,diesel,1,t,,,,,", factor_set="ndrc_land_2015")["total"]["co2_t"]
    b = run(library, "A,2023,road_freight,diesel,1,t,,,,,", factor_set="energy_statistics")["total"]["co2_t"]
    assert a == pytest.approx(3.145, abs=5e-4)  # NDRC 2015 land-transport guide (Set A): 3.145 tCO2/t
    assert b == pytest.approx(3.096, abs=5e-4)  # Set B: 3.096 tCO2/t


def test_1000_mwh_with_the_years_regional_factor(library: FactorLibrary) -> None:
    out = run(library, "B,2022-03,urban_bus,electricity,1000,MWh,,,,east_china,")
    t = out["total"]
    assert t["scope2_co2_t"] == pytest.approx(1000 * 1000 * 0.5617 / 1000, rel=1e-12)  # MEE 2022 East China
    assert t["scope1_co2_t"] == 0 and t["ch4_t"] == 0
    assert t["energy_gj"] == pytest.approx(1e6 * 0.0036)
    assert t["energy_tce"] == pytest.approx(1e6 * 0.0036 / 29.3076)
    assert t["energy_tce"] == pytest.approx(1e6 * 0.1229 / 1000, rel=5e-3)  # GB/T 2589 calorific equivalent
    assert t["co2e_t"] == pytest.approx(t["co2_t"])


@pytest.mark.parametrize(
    ("sector", "kind", "coefficient"),
    [
        ("road_passenger", "", 0.1),
        ("urban_bus", "", 0.1),
        ("taxi", "", 0.1),
        ("rail", "", 1.0),
        ("waterway_passenger", "berth", 1.0),
        ("waterway_passenger", "seat", 1 / 3),
        ("civil_aviation", "domestic", 0.072),
        ("civil_aviation", "international", 0.075),
    ],
)
def test_converted_turnover_per_mode(library: FactorLibrary, sector: str, kind: str, coefficient: float) -> None:
    out = run(library, f"C,2023,{sector},,,,500,9000,{kind},,")
    s = out["by_sector"][sector]
    assert s["converted_tkm"] == pytest.approx(500 + 9000 * coefficient, rel=1e-12)
    assert s["passenger_pkm"] == 9000 and s["freight_tkm"] == 500
    assert s["co2_t"] == 0 and s["intensity_kgco2_per_converted_tkm"] == 0


def test_intensity_and_sector_sums(library: FactorLibrary) -> None:
    out = run(
        library,
        "A,2023-01,road_freight,diesel,100,t,2000000,,,,",
        "A,2023-02,road_freight,diesel,50,t,1000000,,,,",
        "T,2023-01,taxi,gasoline,10,t,,400000,,,",
        "T,2023-01,taxi,electricity,20000,kWh,,100000,,,",
    )
    rf = out["by_sector"]["road_freight"]
    assert rf["intensity_kgco2_per_converted_tkm"] == pytest.approx(rf["co2_t"] * 1000 / 3_000_000)
    for m in ("co2_t", "co2e_t", "energy_gj", "energy_tce", "scope2_co2_t"):
        assert out["total"][m] == pytest.approx(sum(s[m] for s in out["by_sector"].values()), rel=1e-12)
    assert out["by_sector"]["taxi"]["converted_tkm"] == pytest.approx(50_000)
    # default region CN-JS, 2023 provincial factor 0.5827 kg/kWh
    assert out["by_sector"]["taxi"]["scope2_co2_t"] == pytest.approx(20000 * 0.5827 / 1000)


def test_fallback_to_an_earlier_year_and_a_coarser_region(library: FactorLibrary) -> None:
    later = library.resolve_grid("CN-JS", 2025)
    assert (later.region, later.year, later.kgco2_per_kwh) == ("CN-JS", 2023, 0.5827)
    assert "latest earlier year" in later.fallbacks[0]
    coarse = library.resolve_grid("CN-SH", 2022)
    assert (coarse.region, coarse.year, coarse.kgco2_per_kwh) == ("east_china", 2022, 0.5617)
    assert "CN-SH → east_china" in coarse.fallbacks[0]
    # Tibet 2021: no provincial factor, Southwest grid published from 2022 only → national 2021
    both = library.resolve_grid("CN-XZ", 2021)
    assert (both.region, both.year, both.kgco2_per_kwh) == ("national", 2021, 0.5568)
    early = library.resolve_grid("east_china", 2020)
    assert (early.year, early.kgco2_per_kwh) == (2021, 0.5992) and "earliest later year" in early.fallbacks[0]
    assert library.resolve_grid("CN-JS", 2022).fallbacks == ()


def test_fallback_reaches_the_numbers(library: FactorLibrary) -> None:
    out = run(library, "B,2025-06,rail,electricity,1000,kWh,,,,CN-SH,")
    assert out["total"]["scope2_co2_t"] == pytest.approx(1000 * 0.5500 / 1000)  # east_china 2023


def test_marine_fuel_uses_imo_cf(library: FactorLibrary) -> None:
    out = run(library, "S,2023-01,waterway_freight,hfo,100,t,5000000,,,,")
    t = out["total"]
    assert t["scope1_co2_t"] == pytest.approx(100 * 3.114)
    assert t["energy_gj"] == pytest.approx(100 * 40.2)
    assert t["ch4_t"] == pytest.approx(100 * 40.2 / 1000 * 7 / 1000)


def test_natural_gas_by_volume(library: FactorLibrary) -> None:
    out = run(library, "G,2023-01,urban_bus,natural_gas,10,10^4m3,,,,,")
    energy = 10 * 389.31
    assert out["total"]["energy_gj"] == pytest.approx(energy)
    assert out["total"]["scope1_co2_t"] == pytest.approx(energy * 0.01532 * 0.99 * 44 / 12)
    assert out["total"]["energy_tce"] == pytest.approx(energy / 29.3076)
    # oil-field gas, 9,310 kcal/m3: GB/T 2589's 1.3300 kgce/m3 (not the gas-field 1.2143, 9.5% lower)
    assert out["total"]["energy_tce"] == pytest.approx(100_000 * 1.3300 / 1000, rel=5e-3)


@pytest.mark.parametrize("gwp,ch4,n2o", [("SAR", 21, 310), ("AR4", 25, 298), ("AR5", 28, 265), ("AR6", 29.8, 273)])
def test_gwp_sets(library: FactorLibrary, gwp: str, ch4: float, n2o: float) -> None:
    t = run(library, "A,2023,road_passenger,gasoline,10,t,,,,,", gwp=gwp)["total"]
    assert t["co2e_t"] == pytest.approx(t["co2_t"] + ch4 * t["ch4_t"] + n2o * t["n2o_t"], rel=1e-12)


def test_fuel_missing_from_a_set_is_refused_by_row(library: FactorLibrary) -> None:
    from transcarbon.services.validation import ValidationError

    with pytest.raises(ValidationError) as exc:
        run(
            library,
            "A,2023,road_freight,diesel,1,t,,,,,",
            "D,2023,civil_aviation,jet_kerosene,5,t,,,,,",
            factor_set="ndrc_land_2015",
        )
    assert exc.value.errors[0].row == 3
    assert "ndrc_land_2015" in exc.value.errors[0].message_en
    # the set's transcribed LNG NCV (41.868 GJ/t, the fuel-oil value) is withheld: LNG is refused, not mis-counted
    with pytest.raises(ValidationError) as lng:
        run(library, "B,2023,urban_bus,lng,5,t,,,,,", factor_set="ndrc_land_2015")
    assert lng.value.errors[0].column == "fuel" and lng.value.errors[0].value == "lng"


same_fuel = st.sampled_from(["gasoline", "diesel", "lpg", "lng", "fuel_oil", "kerosene", "hfo", "mdo"])
amounts = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(fuel=same_fuel, tonnes=amounts)
def test_mass_units_round_trip(fuel: str, tonnes: float) -> None:
    library = FactorLibrary.load()
    t = run(library, f"A,2023,other,{fuel},{tonnes!r},t,,,,,")["total"]
    kg = run(library, f"A,2023,other,{fuel},{tonnes * 1000!r},kg,,,,,")["total"]
    for m in ("co2_t", "energy_gj", "energy_tce", "ch4_t"):
        assert kg[m] == pytest.approx(t[m], rel=1e-9)
    # energy given directly must give the same CO2 as the mass it came from
    gj = run(library, f"A,2023,other,{fuel},{t['energy_gj']!r},GJ,,,,,")["total"]
    tce = run(library, f"A,2023,other,{fuel},{t['energy_gj'] / 29.3076!r},tce,,,,,")["total"]
    assert gj["co2_t"] == pytest.approx(t["co2_t"], rel=1e-9)
    assert tce["co2_t"] == pytest.approx(t["co2_t"], rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(kwh=amounts, year=st.integers(2019, 2026))
def test_electricity_units_round_trip(kwh: float, year: int) -> None:
    library = FactorLibrary.load()
    a = run(library, f"E,{year},rail,electricity,{kwh!r},kWh,,,,,")["total"]
    b = run(library, f"E,{year},rail,electricity,{kwh / 1000!r},MWh,,,,,")["total"]
    c = run(library, f"E,{year},rail,electricity,{kwh * 0.0036!r},GJ,,,,,")["total"]
    for other in (b, c):
        assert other["co2_t"] == pytest.approx(a["co2_t"], rel=1e-9)
    assert a["energy_gj"] == pytest.approx(kwh * 0.0036, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(m3=amounts)
def test_gas_and_liquid_volume_round_trip(m3: float) -> None:
    library = FactorLibrary.load()
    a = run(library, f"G,2023,urban_bus,natural_gas,{m3!r},m3,,,,,")["total"]
    b = run(library, f"G,2023,urban_bus,natural_gas,{m3 / 1e4!r},10^4m3,,,,,")["total"]
    assert b["co2_t"] == pytest.approx(a["co2_t"], rel=1e-9)
    litres = run(library, f"A,2023,road_freight,diesel,{m3 * 1000!r},L,,,,,")["total"]
    cubic = run(library, f"A,2023,road_freight,diesel,{m3!r},m3,,,,,")["total"]
    tonnes = run(library, f"A,2023,road_freight,diesel,{m3 * 0.84!r},t,,,,,")["total"]
    assert litres["co2_t"] == pytest.approx(cubic["co2_t"], rel=1e-9)
    assert math.isclose(cubic["co2_t"], tonnes["co2_t"], rel_tol=1e-9)


@pytest.mark.parametrize(("options", "named"), [({"factor_set": "nope"}, "energy_statistics"), ({"gwp": "AR9"}, "AR5")])
def test_unknown_sets_are_refused_before_and_during_the_computation(
    library: FactorLibrary, options: dict[str, str], named: str
) -> None:
    from transcarbon.services.accounting import check_options
    from transcarbon.services.factor_sets import FactorUnavailable

    with pytest.raises(FactorUnavailable, match=named):
        check_options(library, AccountingOptions(**options))
    with pytest.raises(FactorUnavailable, match=named):
        run(library, "A,2023,road_freight,diesel,1,t,,,,,", **options)


def test_calculate_file_checks_the_options_before_the_rows(library: FactorLibrary) -> None:
    from transcarbon.services.accounting import calculate_file
    from transcarbon.services.factor_sets import FactorUnavailable
    from transcarbon.services.validation import ValidationError

    good = f"{HEADER}\nA,2023,road_freight,diesel,1,t,,,,CN-JS,\n".encode()
    bad = f"{HEADER}\nA,2023,trucks,diesel,1,t,,,,,\n".encode()
    assert inventory_json(calculate_file(good, "a.csv", AccountingOptions())) == run(
        library, "A,2023,road_freight,diesel,1,t,,,,CN-JS,"
    )
    with pytest.raises(FactorUnavailable):
        calculate_file(bad, "a.csv", AccountingOptions(factor_set="nope"))
    with pytest.raises(ValidationError):
        calculate_file(bad, "a.csv", AccountingOptions())


def test_jet_kerosene_100_t_gives_315_3_t_co2(library: FactorLibrary) -> None:
    t = run(library, "J,2024,civil_aviation,jet_kerosene,100,t,,,,,")["total"]
    # IPCC 2006: NCV 44.1 GJ/t, 19.5 kg C/GJ, oxidation 100% → 100 × 44.1 × 0.0195 × 44/12 = 315.315 t
    assert t["energy_gj"] == pytest.approx(4410.0)
    assert t["co2_t"] == pytest.approx(315.315, rel=1e-12)
    assert round(t["co2_t"], 1) == 315.3


def _per_unit(library: FactorLibrary, factor_set: str, fuel: str, unit: str) -> dict[str, float]:
    sector = "civil_aviation" if fuel == "jet_kerosene" else "other"
    return run(library, f"X,2023,{sector},{fuel},1,{unit},,,,,", factor_set=factor_set)["total"]


def test_energy_in_gj_and_tce_agree_for_every_fuel_of_every_set(library: FactorLibrary) -> None:
    """One record's energy in GJ and in tce describe the same energy (29.3076 GJ/tce) under every set."""
    for fs in library.sets("fuel_properties"):
        for fuel, ncv_unit in fs.table.select("fuel", "ncv_unit").iter_rows():
            unit = "10^4m3" if ncv_unit == "GJ/10^4m3" else "t"
            t = _per_unit(library, fs.name, fuel, unit)
            assert t["energy_gj"] / t["energy_tce"] == pytest.approx(29.3076, rel=5e-3), (fs.name, fuel)


def test_every_sets_natural_gas_agrees_with_the_standard_coal_reference(library: FactorLibrary) -> None:
    """The NCV of natural gas in every set and GB/T 2589's coefficient describe the same gas (within 0.5%)."""
    reference = library.default("standard_coal").table
    coal = dict(zip(reference["fuel"], reference["kgce_per_unit"], strict=True))
    for fs in library.sets("fuel_properties"):
        t = _per_unit(library, fs.name, "natural_gas", "10^4m3")
        assert t["energy_gj"] == pytest.approx(1e4 * coal["natural_gas"] / 1000 * 29.3076, rel=5e-3), fs.name


def test_default_sets_ncvs_agree_with_the_standard_coal_reference(library: FactorLibrary) -> None:
    """The default set's NCVs and GB/T 2589's reference coefficients agree within 0.5% for every shared fuel, so
    converting by the NCV (what the kernel does) and by the reference table give the same tce."""
    reference = library.default("standard_coal").table
    fs = library.default("fuel_properties")
    shared = fs.table.join(reference, on="fuel")
    assert set(shared["fuel"]) >= {"gasoline", "diesel", "fuel_oil", "kerosene", "lpg", "natural_gas", "lng"}
    for fuel, ncv, ncv_unit, kgce in shared.select("fuel", "ncv", "ncv_unit", "kgce_per_unit").iter_rows():
        per_unit_gj = ncv / 1e4 if ncv_unit == "GJ/10^4m3" else ncv / 1000  # GJ per m3 or per kg
        assert per_unit_gj == pytest.approx(kgce * 29.3076 / 1000, rel=5e-3), fuel


def test_an_lng_ship_takes_the_marine_methane_slip(library: FactorLibrary) -> None:
    out = run(library, "S,2023,waterway_freight,lng,100,t,,,,,", gwp="AR5")["total"]
    energy = 100 * 51.498  # GJ, energy-statistics NCV
    co2 = energy * 0.01532 * 0.99 * 44 / 12
    # IMO4 LNG-Otto medium-speed: CH4 5.5 g/kWh, N2O 0.02 g/kWh over SFOC 156 g/kWh → 35.2564 and 0.1282 kg/t
    ch4, n2o = 100 * 35.2564 / 1000, 100 * 0.1282 / 1000
    assert out["co2_t"] == pytest.approx(co2, rel=1e-12)
    assert out["ch4_t"] == pytest.approx(ch4, rel=1e-12) and out["n2o_t"] == pytest.approx(n2o, rel=1e-12)
    assert out["co2e_t"] == pytest.approx(co2 + 28 * ch4 + 265 * n2o, rel=1e-12)
    road_proxy = co2 + 28 * energy * 92 / 1e6 + 265 * energy * 3 / 1e6  # what the road natural-gas row gave
    assert out["co2e_t"] / road_proxy - 1 > 0.25
    port = run(library, "P,2023,port,lng,100,t,,,,,", gwp="AR5")["total"]
    assert port["ch4_t"] == pytest.approx(ch4, rel=1e-12)
    given_in_gj = run(library, f"S,2023,waterway_freight,lng,{energy!r},GJ,,,,,", gwp="AR5")["total"]
    assert given_in_gj["ch4_t"] == pytest.approx(ch4, rel=1e-12)


def test_catalyst_gasoline_rows(library: FactorLibrary) -> None:
    t = run(library, "T,2023,taxi,gasoline,10,t,,,,,")["total"]
    energy = 10 * 43.070
    assert t["ch4_t"] == pytest.approx(energy * 3.8 / 1e6) and t["n2o_t"] == pytest.approx(energy * 5.7 / 1e6)


def test_urea_solution_is_scope_1_process_co2(library: FactorLibrary) -> None:
    out = run(library, "A,2024-03,road_freight,urea_solution,10,t,,,,,")
    t = out["total"]
    assert t["scope1_co2_t"] == pytest.approx(10 * 0.325 * 12 / 60 * 44 / 12, rel=1e-12)  # 2.3833 t
    assert t["energy_gj"] == 0 and t["energy_tce"] == 0 and t["ch4_t"] == 0 and t["n2o_t"] == 0
    litres = run(library, "A,2024-03,road_freight,urea_solution,1000,L,,,,,")["total"]
    assert litres["co2_t"] == pytest.approx(1.09 * 0.325 * 12 / 60 * 44 / 12, rel=1e-12)
    stronger = run(library, "A,2024-03,road_freight,urea_solution,10,t,,,,,", urea_purity=0.40)["total"]
    assert stronger["co2_t"] == pytest.approx(10 * 0.40 * 12 / 60 * 44 / 12, rel=1e-12)
    from transcarbon.services.validation import ValidationError

    with pytest.raises(ValidationError):
        run(library, "A,2024-03,road_freight,urea_solution,10,GJ,,,,,")


def test_data_quality_and_uncertainty_of_two_records(library: FactorLibrary) -> None:
    """Approach 1 through the whole path: metered diesel (±2.5%, factor ±4.2%) and reported electricity (±5%,
    grid ±5%); grade from the CO2-weighted scores (metered 0 + factor to check 1; reported 1 + to check 1)."""
    header = f"{HEADER},data_quality"
    csv = f"{header}\nA,2023,road_freight,diesel,100,t,,,,CN-JS,,metered\nB,2023,rail,electricity,1000,kWh,,,,CN-JS,,\n"
    frame = read_activity_csv(csv.encode(), "q.csv", regions=library.default("regions").table["code"].to_list())
    inv = compute_inventory(frame.with_columns(record_id=pl.col("row")), library, AccountingOptions())
    c1 = 100 * 42.652 * 0.0202 * 0.98 * 44 / 12
    c2 = 1000 * 0.5827 / 1000
    u = math.sqrt((0.025 * c1) ** 2 + (0.042 * c1) ** 2 + (0.05 * c2) ** 2 + (0.05 * c2) ** 2)
    assert inv.total_quality["co2_u_t"] == pytest.approx(u, rel=1e-9)
    assert inv.total_quality["quality_score"] == pytest.approx((1 * c1 + 2 * c2) / (c1 + c2))
    assert inv.total_quality["quality_grade"] == "B"
    assert inv.lines["data_quality"].to_list() == ["metered", "reported"]
    with pytest.raises(ValidationError):
        bad = f"{header}\nA,2023,road_freight,diesel,100,t,,,,CN-JS,,guessed\n"
        read_activity_csv(bad.encode(), "q.csv", regions=["CN-JS"])
