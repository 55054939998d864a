"""Ship method formulas against hand-computed and published values (Fourth IMO GHG Study 2020, US EPA port guidance)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.ships import (
    ANCHORAGE,
    BERTH,
    CRUISE,
    MANOEUVRING,
    SLOW_CRUISE,
    geo,
    low_load,
    modes,
    power,
    sfoc,
    shore_power,
)
from transcarbon.methods.ships import emission_factors as ef


def test_sfoc_check_value_182_53():
    # check value: SSD HFO ≥2001 base 175 g/kWh at L = 0.4837 → 175 × 1.04303 = 182.53
    assert_allclose(sfoc.main_engine_sfoc_g_per_kwh(175.0, 0.4837), 182.53, atol=0.005)
    assert_allclose(sfoc.sfoc_curve_factor(0.4837), 1.04303, atol=5e-6)
    # turbines keep the base value
    assert_allclose(sfoc.main_engine_sfoc_g_per_kwh(305.0, 0.3, is_turbine=True), 305.0)


def test_build_year_band():
    assert list(sfoc.build_year_band([1983, 1984, 2000, 2001])) == [0, 1, 1, 2]


def test_main_engine_power_hand_case():
    # bulk carrier bin 3: MCR 9000 kW, V_ref 14 kn, T_design 12 m, η_w 0.867, η_f 0.917, f = 1
    # at 12 kn and 9.6 m: 9000 · 0.8^0.66 · (12/14)^3 / (0.867 · 0.917)
    expected = 9000 * 0.8**0.66 * (12 / 14) ** 3 / (0.867 * 0.917)
    got = power.main_engine_power_kw(12.0, 9.6, 9000.0, 14.0, 12.0, 0.867, 0.917, 1.0)
    assert_allclose(got, expected, rtol=1e-12)
    assert_allclose(expected, 6152.52, rtol=1e-6)  # 9000·0.86305·0.629738/0.795039
    # container bins 8–9 deliver 75% MCR at V_ref
    assert_allclose(power.main_engine_power_kw(22.0, 14.0, 60000.0, 22.0, 14.0, 1.0, 1.0, 0.75), 45000.0)
    assert_allclose(power.engine_load([12000.0, 4500.0], 9000.0), [1.0, 0.5])
    assert_allclose(power.engine_load(10.0, 9000.0, floor=0.02), 0.02)


def test_engine_type_from_rpm_and_small_ships():
    assert list(power.engine_type_from_rpm([100, 300, 301, 900, 901, np.nan])) == [
        "SSD",
        "SSD",
        "MSD",
        "MSD",
        "HSD",
        "",
    ]
    aux, boiler = power.small_ship_auxiliaries([100.0, 400.0, 9000.0], [90.0, 90.0, 150.0], [70.0, 70.0, 130.0])
    assert_allclose(aux, [0.0, 20.0, 150.0])
    assert_allclose(boiler, [0.0, 0.0, 130.0])


@pytest.mark.parametrize(
    ("pollutant", "at_002", "at_010"),
    [("nox", 4.63, 1.22), ("hc", 21.18, 2.20), ("co", 9.68, 1.96), ("pm", 7.29, 1.38), ("co2", 3.28, 1.25)],
)
def test_llaf_published_values(pollutant, at_002, at_010):
    a, x, b = low_load.COEFFICIENTS[pollutant]
    assert_allclose(low_load.llaf(0.02, a, x, b), at_002, atol=0.006)
    assert_allclose(low_load.llaf(0.10, a, x, b), at_010, atol=0.006)
    assert_allclose(low_load.llaf([0.0, 0.2, 0.5], a, x, b), [1.0, 1.0, 1.0])
    # below the table's 2% the factor stays at its 2% value instead of diverging
    assert_allclose(low_load.llaf(0.001, a, x, b), low_load.llaf(0.02, a, x, b))


def test_sox_pm_and_co2():
    # 1 t HFO at 0.5% S → 1e6 · 2 · 0.97753 · 0.005 g SO2 = 9775.3 g
    assert_allclose(ef.sox_g(1e6, 0.5), 9775.3, rtol=1e-9)
    # PM10 HFO at 0.5% S, SFOC 180 g/kWh: 1.35 + 180 · 7 · 0.02247 · (0.005 − 0.0246) = 0.795 g/kWh
    assert_allclose(ef.pm10_g_per_kwh(180.0, 0.5, 1.35, 0.0246), 1.35 + 180 * 7 * 0.02247 * (0.005 - 0.0246))
    assert_allclose(ef.pm10_g_per_kwh(180.0, 0.5, 1.35, 0.0246), 0.79506, atol=1e-4)
    assert_allclose(ef.co2_t(10.0, 3.114), 31.14)


def test_pm10_reads_sfc_in_g_per_kwh():
    """IMO4 eq. 16–17 take SFC in g/kWh and S as a mass fraction (a "kg/kWh" reading is a slip).

    The check is the magnitude: with g/kWh the sulphate term moves PM10 with sulphur as the study
    reports (HFO 2.7% S ≈ 1.42 g/kWh, distillate 0.1% S ≈ 0.19 g/kWh); with kg/kWh it would shrink a
    thousandfold and PM10 would not depend on sulphur at all (1.3500 and 0.2300).
    """
    # HFO, 2.7% S, SFOC 185 g/kWh: 1.35 + 185 · 7 · 0.02247 · (0.027 − 0.0246)
    #   = 1.35 + 185 · 0.15729 · 0.0024 = 1.35 + 0.069837 = 1.419837 g/kWh
    assert_allclose(ef.pm10_g_per_kwh(185.0, 2.7, 1.35, 0.0246), 1.419837, atol=1e-6)
    # MDO, 0.1% S, SFOC 185 g/kWh: 0.23 + 185 · 0.15729 · (0.001 − 0.0024)
    #   = 0.23 − 0.040739 = 0.189261 g/kWh
    assert_allclose(ef.pm10_g_per_kwh(185.0, 0.1, 0.23, 0.0024), 0.189261, atol=1e-6)
    # the kg/kWh reading would give 1.35007 and 0.22996: a sulphur effect of < 0.1 mg/kWh
    assert ef.pm10_g_per_kwh(185.0, 2.7, 1.35, 0.0246) - ef.pm10_g_per_kwh(185.0, 0.5, 1.35, 0.0246) > 0.6


def test_nox_tier_sulphur_cap_and_switch():
    assert list(ef.nox_tier_from_build_year([1999, 2000, 2010, 2011, 2020])) == [0, 1, 1, 2, 2]
    assert_allclose(ef.effective_sulphur_pct([0.5, 2.5, 0.1], [np.nan, 0.5, 0.5]), [0.5, 0.5, 0.1])
    sw = ef.eca_switches_to_distillate(np.array(["HFO", "HFO", "LNG"]), np.array([0.5, 0.1, 0.1]))
    assert list(sw) == [False, True, False]


def test_modes_imo4_and_epa():
    v = np.array([0.0, 0.5, 2.0, 4.0, 4.0, 8.0, 12.0, 12.0, 0.5])
    load = np.array([0.0, 0.0, 0.0, 0.03, 0.03, 0.2, 0.5, 0.8, 0.0])
    berth = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0], bool)
    anch = np.zeros(9, bool)
    port = np.array([1, 1, 0, 1, 0, 1, 0, 0, 0], bool)
    got = modes.classify_imo4(v, load, berth, anch, port)
    assert list(got) == [BERTH, BERTH, ANCHORAGE, MANOEUVRING, SLOW_CRUISE, MANOEUVRING, SLOW_CRUISE, CRUISE, ANCHORAGE]
    epa = modes.classify_epa(
        np.array([0.5, 2.0, 6.0, 12.0]),
        np.array([0, 0, 0.1, 0.7]),
        np.array([1, 0, 0, 0], bool),
        np.array([0, 1, 0, 0], bool),
    )
    assert list(epa) == [BERTH, ANCHORAGE, MANOEUVRING, CRUISE]


def test_shore_power_gross_net_and_flag():
    assert_allclose(shore_power.overlap_h([0, 5, 10], [4, 9, 11], [2, 2, np.nan], [6, 6, np.nan]), [2, 1, 0])
    # gross 10 t CO2 displaced; 5000 kWh at 0.5827 kg/kWh → 2.9135 t; net 7.0865 t
    assert_allclose(shore_power.net_avoided_co2_t(10.0, 5000.0, 0.5827), 10.0 - 2.9135)
    flag = shore_power.stayed_without_connecting(
        [True, True, False, True], [True, True, True, False], [5.0, 2.5, 10.0, 10.0], [0.0, 0.0, 0.0, 0.0]
    )
    assert list(flag) == [True, False, False, False]


def test_haversine():
    # one degree of latitude = 60.04 nm on the 3440.065 nm sphere
    assert_allclose(geo.haversine_nm(119.0, 34.0, 119.0, 35.0), np.pi / 180 * 3440.065, rtol=1e-12)
    assert_allclose(geo.implied_speed_kn([6.0, 1.0], [0.5, 0.0]), [12.0, np.nan])


def test_consecutive_haversine_and_llaf_all_match_the_single_forms():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(118, 122, 500), rng.uniform(33, 36, 500)
    assert_allclose(
        geo.consecutive_haversine_nm(lon, lat),
        geo.haversine_nm(lon[:-1], lat[:-1], lon[1:], lat[1:]),
        rtol=1e-12,
        atol=1e-12,
    )
    load = np.concatenate(([0.0, 0.001, 0.02, 0.1, 0.19999, 0.2, 0.7, 1.0], rng.uniform(0, 1, 100)))
    got = low_load.llaf_all(load)
    for p in ("nox", "hc", "co", "pm"):
        assert_allclose(got[p], low_load.llaf(load, *low_load.COEFFICIENTS[p]), rtol=1e-14)
