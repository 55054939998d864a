"""Hand-worked inventory cases through the kernel (the Fourth IMO GHG Study method, checked by hand): modes, low load,
shore power, gaps, registry defaults, LNG, battery-electric, ECA switch and the EPA option."""

import polars as pl
import pytest

from ship_fixtures import BULK, HOURS, eastward, registry, run, track, zones
from transcarbon.engines.ships.shore_power_sessions import validate_shore_power


def curve(load):
    return 0.455 * load**2 - 0.710 * load + 1.280


ETA = 0.867 * 0.917  # bulk carrier bin 3, table 44


def test_underway_cruise_hand_case():
    res = run(eastward(1, HOURS, 12.0, 120.0, 33.0), registry(BULK))
    p_me = 9000 * (12 / 14) ** 3 / ETA  # 7128.77 kW
    load = p_me / 9000
    fuel_g = p_me * 175 * curve(load) + 260 * 195  # ME + AE at sea (table 17 bin 3: 260 kW), no boiler
    tot = res.summary["total"]
    assert res.summary["by_mode"]["cruise"]["fuel_t"] == pytest.approx(fuel_g / 1e6, rel=1e-3)
    assert tot["co2_t"] == pytest.approx(fuel_g * 3.114 / 1e6, rel=1e-3)
    assert tot["nox_t"] == pytest.approx((p_me * 17.0 + 260 * 13.0) / 1e6, rel=1e-3)  # tier I, no LLAF
    assert tot["sox_t"] == pytest.approx(fuel_g * 2 * 0.97753 * 0.005 / 1e6, rel=1e-3)  # 0.5% S
    assert tot["ch4_t"] == pytest.approx((p_me * 0.01 + 260 * 0.01) / 1e6, rel=1e-3)
    assert tot["n2o_t"] == pytest.approx((p_me * 0.031 + 260 * 0.04) / 1e6, rel=1e-3)
    assert res.summary["interpolated_h"] == 0 and res.summary["excluded_h"] == 0


def test_manoeuvring_low_load_llaf_on_nox_not_co2():
    res = run(eastward(1, HOURS, 6.0, 119.37, 34.75), registry(BULK))
    p_me = 9000 * (6 / 14) ** 3 / ETA  # 891.1 kW, L = 0.099
    load = p_me / 9000
    llaf_nox = (0.1255 * load**-1.5 + 10.4496) / (0.1255 * 0.2**-1.5 + 10.4496)
    assert llaf_nox == pytest.approx(1.22, abs=0.01)
    by = res.summary["by_mode"]["manoeuvring"]
    fuel_g = p_me * 175 * curve(load) + 680 * 195 + 120 * 340  # aux 680, boiler 120 kW manoeuvring
    assert by["co2_t"] == pytest.approx(fuel_g * 3.114 / 1e6, rel=1e-3)  # no CO2 LLAF on top of the curve
    assert by["nox_t"] == pytest.approx((p_me * 17.0 * llaf_nox + 680 * 13.0 + 120 * 2.1) / 1e6, rel=1e-3)


def test_anchorage_and_berth_hand_cases():
    ais = pl.concat([track(1, HOURS, 119.58, 34.81, 0.0), track(2, HOURS, 119.402, 34.739, 0.0)])
    res = run(ais, registry(BULK, {**BULK, "mmsi": "2"}))
    assert res.summary["by_mode"]["anchorage"]["fuel_t"] == pytest.approx((250 * 195 + 130 * 340) / 1e6, rel=1e-6)
    assert res.summary["by_mode"]["berth"]["fuel_t"] == pytest.approx((150 * 195 + 130 * 340) / 1e6, rel=1e-6)
    assert res.summary["by_mode"]["cruise"]["fuel_t"] == 0


def test_shore_power_gross_grid_net_and_flag():
    hours = [i * 0.2 for i in range(51)]  # 10 h at the shore-power berth
    ais = pl.concat([track(1, hours, 119.402, 34.739, 0.0), track(2, hours[:26], 119.402, 34.739, 0.0)])
    sessions = validate_shore_power(
        pl.DataFrame(
            {
                "mmsi": ["1"],
                "berth_id": ["SP1"],
                "connect_time": ["2024-05-01T01:00:00Z"],
                "disconnect_time": ["2024-05-01T09:00:00Z"],
                "kwh": ["1000"],
            }
        )
    )
    res = run(ais, registry(BULK, {**BULK, "mmsi": "2"}), sessions)
    sp = res.summary["shore_power"]
    ef = res.lineage["grid_factor"]["kgco2_per_kwh"]
    assert ef == pytest.approx(0.5827) and res.lineage["grid_factor"]["fallbacks"]  # 2024 → 2023 proxy year
    gross = 150 * 8 * 195 * 3.114 / 1e6  # displaced auxiliary fuel (boilers stay on by default)
    assert sp["kwh"] == pytest.approx(1000.0)
    assert sp["connected_h"] == pytest.approx(8.0)
    assert sp["avoided_co2_gross_t"] == pytest.approx(gross, rel=1e-6)
    assert sp["grid_co2_t"] == pytest.approx(1000 * ef / 1000)
    assert sp["avoided_co2_net_t"] == pytest.approx(gross - 1000 * ef / 1000)
    # ship 1 burns aux fuel only for the 2 unconnected hours, boilers all 10 h
    ship1 = res.ship_day_mode.filter(pl.col("mmsi") == 1)["fuel_t"].sum()
    assert ship1 == pytest.approx((150 * 2 * 195 + 130 * 10 * 340) / 1e6, rel=1e-6)
    # the displaced energy is still reported, as shore-supplied
    assert res.lineage["data_quality"]["shore_kwh_modelled"] == pytest.approx(150 * 8)
    # ship 2: capable, 5 h at a shore-power berth, never connected → flagged
    assert sp["calls_over_3h_not_connected"] == 1
    assert res.calls.filter(pl.col("mmsi") == 2)["over_limit_not_connected"].to_list() == [True]


def test_shore_power_without_meters_counts_the_modelled_kwh():
    """A connection without a meter reading is not zero-carbon: the grid term takes the modelled kWh."""
    hours = [i * 0.2 for i in range(51)]  # 10 h at the shore-power berth
    session = {
        "mmsi": ["1"],
        "berth_id": ["SP1"],
        "connect_time": ["2024-05-01T01:00:00Z"],
        "disconnect_time": ["2024-05-01T09:00:00Z"],
    }
    res = run(
        track(1, hours, 119.402, 34.739, 0.0),
        registry(BULK),
        validate_shore_power(pl.DataFrame({**session, "kwh": [""]})),
    )
    sp = res.summary["shore_power"]
    ef = res.lineage["grid_factor"]["kgco2_per_kwh"]
    modelled = 150 * 8  # auxiliary 150 kW at berth (IMO4 table 17, bulk 35–60k DWT) × 8 h connected
    gross = modelled * 195 * 3.114 / 1e6
    assert sp["kwh"] == pytest.approx(modelled) and sp["kwh_metered"] == 0
    assert sp["kwh_modelled_used"] == pytest.approx(modelled) and sp["kwh_basis"] == "modelled"
    assert sp["grid_co2_t"] == pytest.approx(modelled * ef / 1000)
    assert sp["avoided_co2_net_t"] == pytest.approx(gross - modelled * ef / 1000)  # net = gross − modelled × EF
    assert sp["avoided_co2_net_t"] < 0.2 * sp["avoided_co2_gross_t"]  # not the gross, as zero kWh made it
    assert res.lineage["data_quality"]["shore_kwh_modelled_used"] == pytest.approx(modelled)
    # where a reading exists the metered kWh count, and both are reported
    metered = run(
        track(1, hours, 119.402, 34.739, 0.0),
        registry(BULK),
        validate_shore_power(pl.DataFrame({**session, "kwh": ["1000"]})),
    ).summary["shore_power"]
    assert (metered["kwh"], metered["kwh_metered"], metered["kwh_basis"]) == (1000.0, 1000.0, "metered")
    assert metered["kwh_modelled"] == pytest.approx(modelled)


def test_boilers_on_shore_power_zero_emissions_while_connected():
    hours = [i * 0.2 for i in range(11)]  # 2 h
    sessions = validate_shore_power(
        pl.DataFrame(
            {
                "mmsi": ["1"],
                "connect_time": ["2024-04-30T00:00:00Z"],
                "disconnect_time": ["2024-05-02T00:00:00Z"],
                "kwh": ["600"],
            }
        )
    )
    res = run(track(1, hours, 119.402, 34.739, 0.0), registry(BULK), sessions, boilers_on_shore_power=True)
    assert res.summary["total"]["fuel_t"] == pytest.approx(0, abs=1e-9)  # 1e-9 t: float time rounding
    assert res.summary["total"]["nox_t"] == pytest.approx(0, abs=1e-9)
    assert res.summary["shore_power"]["avoided_co2_gross_t"] == pytest.approx(2 * (150 * 195 + 130 * 340) * 3.114 / 1e6)


def test_gap_interpolated_and_gap_excluded():
    hours = [0.0, 0.2, 0.4, 1.4, 1.6, 4.6, 4.8]
    res = run(eastward(1, hours, 12.0, 120.0, 33.0), registry(BULK))
    assert res.summary["interpolated_h"] == pytest.approx(1.0)
    assert res.summary["excluded_h"] == pytest.approx(3.0)
    p_me = 9000 * (12 / 14) ** 3 / ETA
    fuel_g = (p_me * 175 * curve(p_me / 9000) + 260 * 195) * (0.2 + 0.2 + 1.0 + 0.2 + 0.2)
    assert res.summary["total"]["fuel_t"] == pytest.approx(fuel_g / 1e6, rel=2e-3)


def test_missing_registry_fields_use_defaults_and_flags():
    ais = pl.concat([eastward(7, HOURS, 10.0, 120.0, 33.0), eastward(8, HOURS, 10.0, 120.0, 33.2)])
    res = run(ais, registry({"mmsi": "7", "ship_type": "general_cargo"}))
    s = {r["mmsi"]: r for r in res.ships.iter_rows(named=True)}
    assert s[7]["mcr_kw"] == 3500 and s[7]["vref_kn"] == 13.0  # registry_defaults.csv, general cargo
    for flag in (
        "size_default",
        "mcr_default",
        "vref_default",
        "draught_design_default",
        "build_year_default",
        "fuel_default",
        "engine_default",
        "shore_power_unknown",
    ):
        assert flag in s[7]["dq_flags"]
    assert "not_in_registry" in s[8]["dq_flags"] and s[8]["ship_type"] == "miscellaneous_other"
    assert res.summary["total"]["co2_t"] > 0


def test_lng_ship_with_pilot_fuel():
    lng = {**BULK, "engine_type": "LNG-Otto-SS", "fuel": "LNG", "build_year": "2015", "engine_rpm": ""}
    res = run(eastward(1, HOURS, 12.0, 120.0, 33.0), registry(lng))
    p_me = 9000 * (12 / 14) ** 3 / ETA
    gas_g = p_me * 148 * curve(p_me / 9000) + 260 * 156  # table 19: LNG-Otto-SS 148, AE LNG 156
    pilot_g = p_me * 0.8  # pilot MDO 0.8 g/kWh
    tot = res.summary["total"]
    assert tot["fuel_t"] == pytest.approx((gas_g + pilot_g) / 1e6, rel=1e-3)
    assert tot["co2_t"] == pytest.approx((gas_g * 2.75 + pilot_g * 3.206) / 1e6, rel=1e-3)
    assert tot["ch4_t"] == pytest.approx((p_me * 2.5 + 260 * 5.5) / 1e6, rel=1e-3)  # methane slip
    assert tot["sox_t"] == pytest.approx(pilot_g * 2 * 0.97753 * 0.001 / 1e6, rel=1e-3)  # pilot MDO 0.1% S only


def test_battery_electric_has_no_nox_and_long_stay_uses_type_power():
    elec = {**BULK, "mmsi": "3", "engine_type": "battery_electric", "fuel": ""}
    tanker = {**BULK, "mmsi": "4", "ship_type": "oil_tanker", "dwt": "50000"}
    hours = [i * 0.2 for i in range(5 * 24 * 5 + 1)]  # 5 days at berth
    ais = pl.concat([eastward(3, HOURS, 10.0, 120.0, 33.0), track(4, hours, 119.402, 34.739, 0.0)])
    res = run(ais, registry(elec, tanker))
    e = res.ship_day_mode.filter(pl.col("mmsi") == 3)
    assert e["nox_t"].sum() == 0 and e["co2_t"].sum() == 0 and e["me_kwh"].sum() > 0
    t = res.ship_day_mode.filter(pl.col("mmsi") == 4)
    # oil tanker bin 4 at berth: aux 720 kW, boiler 2700 kW for all 120 h
    assert t["fuel_t"].sum() == pytest.approx(120 * (720 * 195 + 2700 * 340) / 1e6, rel=1e-6)


def test_eca_cap_01_switches_hfo_to_mdo():
    res = run(eastward(1, HOURS, 12.0, 120.0, 34.0), registry(BULK), z=zones(eca_pct=0.1))
    p_me = 9000 * (12 / 14) ** 3 / ETA
    fuel_g = p_me * 165 * curve(p_me / 9000) + 260 * 185  # MDO base SFOC (SSD 165, AE 185)
    assert res.summary["total"]["co2_t"] == pytest.approx(fuel_g * 3.206 / 1e6, rel=1e-3)


def test_epa_option_runs_and_differs():
    a = run(eastward(1, HOURS, 12.0, 120.0, 33.0), registry(BULK))
    b = run(eastward(1, HOURS, 12.0, 120.0, 33.0), registry(BULK), method="epa")
    p_epa = 9000 * (12 / (14 / 0.94)) ** 3  # EPA: V_max = V_ref / 0.94, no weather/fouling factors
    assert b.intervals["load"][0] == pytest.approx(p_epa / 9000, rel=1e-6)
    assert b.summary["total"]["co2_t"] < a.summary["total"]["co2_t"]
    assert b.lineage["method"]["option"] == "epa"
