"""Energy → fuel → CO2 (reference/road.md 'Fuel → CO2', road-additions.md 'EC to litres and CO2')."""

import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.road import fuel


def test_guidebook_carbon_balance_diesel():
    assert_allclose(fuel.guidebook_co2_kg_per_kg_fuel(1.86), 3.1695, atol=5e-5)


def test_ndrc_factors_diesel():
    # NDRC 2015 set A: 43.33 GJ/t, 0.0202 tC/GJ, 98% → 3.145 t CO2/t; 0.0726 kg CO2 per MJ
    assert_allclose(fuel.co2_kg_per_kg_fuel(43.33, 0.0202, 0.98), 3.145, atol=5e-4)
    assert_allclose(fuel.co2_kg_from_energy(1.0, 0.0202, 0.98), 0.0726, atol=5e-5)
    assert_allclose(fuel.fuel_kg(433.3, 43.33), 10.0)


def test_litres_per_100km_and_electricity():
    # Rigid 14-20 t Euro V SCR at 50 km/h: 7.317 MJ/km → 20.1 L/100 km (36.40 MJ/L)
    assert_allclose(fuel.litres_per_100km(7.317, 43.33, 0.84), 20.1, atol=0.05)
    assert_allclose(fuel.electricity_kwh(36.0), 10.0)
    assert_allclose(fuel.electricity_co2_kg(36.0, 0.5306), 5.306)


def test_energy_economy_to_mj_per_km():
    mj_per_km = fuel.mj_per_km
    assert mj_per_km(34.0, "L/100km", ncv_mj_per_kg=42.652, density_kg_per_l=0.84) == pytest.approx(
        0.34 * 0.84 * 42.652
    )
    assert mj_per_km(127.0, "kWh/100km") == pytest.approx(1.27 * 3.6)
    assert mj_per_km(38.0, "Nm3/100km", ncv_mj_per_m3=38.931) == pytest.approx(0.38 * 38.931)
    assert mj_per_km(32.0, "kg/100km", ncv_mj_per_kg=51.498) == pytest.approx(0.32 * 51.498)
    assert mj_per_km(2.5, "MJ/km") == 2.5
    with pytest.raises(ValueError, match="net calorific value"):
        mj_per_km(8.0, "L/100km")
    with pytest.raises(ValueError, match="unknown"):
        mj_per_km(8.0, "mpg")
