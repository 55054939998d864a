"""The city engine on a small hand-made city: CO2 by hand, the bulk-cargo and public-transport shifts moving
kilometres and t·km as the ASIF identity says, the indicators, and the oil peak year."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.fleet import survival_by_age
from transcarbon.methods.scenarios import carbon, indicators
from transcarbon.methods.scenarios.engine import Bulk, CityInputs, Mode, Port, Transit, concat, run_city
from transcarbon.methods.scenarios.road_fleet import FleetInputs

YEARS = np.arange(2020, 2026)
MY = np.arange(2010, 2026)
K = len(carbon.CARRIERS)
GAS, DIESEL, ELEC = (carbon.CARRIERS.index(k) for k in ("gasoline", "diesel", "electricity"))
F = np.zeros(K)
F[GAS], F[DIESEL] = 0.0679, 0.0726  # t CO2 per GJ


def city(bev_share=0.0, bulk_share=None, pt_share=None, port=None, km_decline=0.0, observed_until=2020):
    """Cars (gasoline/BEV), trucks (diesel) and buses (diesel/BEV): 1,000 vehicles a year each, 10-year step life."""
    c, p = 3, 3  # classes car, truck, bus; powertrains gasoline, diesel, bev
    shares = np.zeros((1, c, p, MY.size))
    shares[0, 0, 0], shares[0, 0, 2] = 1 - bev_share, bev_share
    shares[0, 1, 1] = 1.0
    shares[0, 2, 1] = 1.0
    energy = np.zeros((1, c, p, K))
    energy[0, 0, 0, GAS] = 2.5  # MJ/km
    energy[0, 0, 2, ELEC] = 0.7
    energy[0, 1, 1, DIESEL] = 10.0
    energy[0, 2, 1, DIESEL] = 12.0
    fleet = FleetInputs(
        model_years=MY,
        years=YEARS,
        sales=np.full((1, c, MY.size), 1000.0),
        shares=shares,
        survival=np.broadcast_to(survival_by_age(20, np.nan, np.nan, 10.0), (1, c, 21)).copy(),
        km_new=np.array([[10_000.0, 50_000.0, 60_000.0]]),
        km_decline=np.full((1, c), km_decline),
        energy_ref=energy,
        efficiency_gain=np.zeros((1, c, p)),
        reference_model_year=2020,
        pollutant_factors=np.zeros((c, p, MY.size, 1)),
    )
    ones = np.ones((1, YEARS.size))
    rail_mix = np.zeros((1, K, YEARS.size))
    rail_mix[0, ELEC] = 1.0
    modes = (
        Mode("rail", "rail", "t·km", ones * 1e9, ones * 1e-4, rail_mix, land=True, receives="rail", converted=1.0),
    )
    bulk = None
    if bulk_share is not None:
        bulk = Bulk(
            tonnes=ones * 1e6,
            share=np.array([bulk_share]),
            road_haul_km=np.array([100.0]),
            rail_fraction=np.array([1.0]),
            rail_haul_km=np.array([300.0]),
            water_haul_km=np.array([0.0]),
            truck_class=1,
        )
    transit = None
    if pt_share is not None:
        transit = Transit(ones * 1e9, np.array([pt_share]), car_class=0, bus_class=2)
    return CityInputs(
        years=YEARS,
        classes=("car", "truck", "bus"),
        class_sector=("road_private", "road_freight", "urban_bus"),
        class_commercial=np.array([False, True, True]),
        class_load_t=np.array([[0.0, 10.0, 0.0]]),
        class_occupancy=np.array([[1.5, 0.0, 40.0]]),
        class_km_index=np.ones((1, 3, YEARS.size)),
        powertrains=("gasoline", "diesel", "bev"),
        nev=np.array([False, False, True]),
        clean=np.array([False, False, False]),
        additions_excluded=np.array([False, False, False]),
        bus_classes=np.array([False, False, True]),
        fleet=fleet,
        modes=modes,
        bulk=bulk,
        transit=transit,
        port=port,
        airport=None,
        carrier_co2=F,
        grid_kg_per_kwh=np.full((1, YEARS.size), 0.6),
        observed_until=observed_until,
    )


def test_co2_and_oil_by_hand():
    out = run_city(city())
    stock = 10 * 1000  # ten model years alive with a 10-year step
    car_gj = stock * 10_000 * 2.5 / 1000
    truck_gj = stock * 50_000 * 10.0 / 1000
    bus_gj = stock * 60_000 * 12.0 / 1000
    assert_allclose(out.co2_direct_t[0, 0], car_gj * 0.0679)
    assert_allclose(out.co2_direct_t[0, 1], truck_gj * 0.0726)
    rail_kwh = 1e9 * 1e-4 / 0.0036
    assert_allclose(out.co2_electricity_t[0, out.sectors.index("rail")], rail_kwh * 0.6 / 1000)
    assert_allclose(out.oil_land_tce[0], (car_gj + truck_gj + bus_gj) / 29.3076)
    assert out.peak_year[0] == 2020  # flat: the first year is the maximum


def test_bulk_shift_moves_truck_kilometres_to_rail():
    share = [0.80, 0.80, 0.82, 0.84, 0.86, 0.86]
    base = run_city(city())
    out = run_city(city(bulk_share=share))
    moved_t = 1e6 * (np.array(share) - 0.80)
    truck_vkm_removed = moved_t * 100 / 10.0  # t·km on the road ÷ load
    truck_gj = base.energy_gj[0, 1, DIESEL] - out.energy_gj[0, 1, DIESEL]
    assert_allclose(truck_gj, truck_vkm_removed * 10.0 / 1000, rtol=1e-5)
    rail_gj = out.energy_gj[0, out.sectors.index("rail"), ELEC] - base.energy_gj[0, out.sectors.index("rail"), ELEC]
    assert_allclose(rail_gj, moved_t * 300 * 1e-4, rtol=1e-5)
    assert_allclose(out.indicators["rail_water_bulk_share"][0], np.array(share) * 100)
    assert out.indicators["truck_co2_intensity"][0, -1] == pytest.approx(0.0, abs=1e-6)  # same trucks


def test_levers_change_nothing_up_to_the_last_observed_year():
    share = [0.80, 0.81, 0.82, 0.84, 0.86, 0.88]
    base = run_city(city(observed_until=2022))
    out = run_city(city(bulk_share=share, observed_until=2022))
    assert_allclose(out.energy_gj[..., :3], base.energy_gj[..., :3])
    moved_t = 1e6 * (np.array(share[3:]) - 0.82)  # against the share of 2022
    truck_gj = base.energy_gj[0, 1, DIESEL, 3:] - out.energy_gj[0, 1, DIESEL, 3:]
    assert_allclose(truck_gj, moved_t * 100 / 10.0 * 10.0 / 1000, rtol=1e-5)


def test_public_transport_shift_moves_car_kilometres_to_buses():
    share = [0.20, 0.21, 0.22, 0.23, 0.24, 0.25]
    base = run_city(city())
    out = run_city(city(pt_share=share))
    moved = 1e9 * (np.array(share) - 0.20)
    assert_allclose(base.energy_gj[0, 0, GAS] - out.energy_gj[0, 0, GAS], moved / 1.5 * 2.5 / 1000, rtol=1e-5)
    bus = out.sectors.index("urban_bus")
    assert_allclose(out.energy_gj[0, bus, DIESEL] - base.energy_gj[0, bus, DIESEL], moved / 40 * 12 / 1000, rtol=1e-5)


def test_additions_and_bus_shares_and_peak():
    out = run_city(city(bev_share=0.3))
    assert_allclose(out.indicators["nev_sales_share"][0], 100 * 300 / 3000)
    assert out.indicators["new_energy_bus_share"][0, -1] == 0.0
    falling = np.array([[1.0, 3.0, 2.0, 1.0, 0.5, 0.2], [1, 2, 3, 4, 5, 6.0]])
    assert indicators.peak_year(falling, YEARS).tolist() == [2021, indicators.NO_PEAK]


def test_shore_power_against_the_base_year():
    ones = np.ones((1, YEARS.size))
    uptake = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])
    port = Port(
        throughput_t=ones * 1e8,
        berth_gj_per_t=ones * 0.002,
        shore_uptake=uptake,
        shore_efficiency=np.array([0.4]),
        berth_carrier=carbon.CARRIERS.index("fuel_oil"),
        berth_sector="rail",
    )
    base = run_city(city())
    out = run_city(city(port=port))
    fo, rail, i = carbon.CARRIERS.index("fuel_oil"), out.sectors.index("rail"), out.sectors.index("port")
    assert_allclose(
        out.energy_gj[0, rail, fo] - base.energy_gj[0, rail, fo], -1e8 * 0.002 * (uptake[0] - 0.1), rtol=1e-6
    )
    assert_allclose(out.energy_gj[0, i, ELEC], 1e8 * 0.002 * (uptake[0] - 0.1) * 0.4, rtol=1e-6)
    kwh = 1e8 * 0.002 * uptake[0] * 0.4 / 0.0036
    assert_allclose(out.indicators["shore_power_kwh"][0], kwh, rtol=1e-6)
    assert_allclose(out.indicators["shore_power_use_multiple"][0], uptake[0] / 0.1, rtol=1e-6)


def test_draws_and_chunks_join():
    one = run_city(city())
    both = concat([one, one])
    assert both.stock.shape[0] == 2 and both.peak_year.tolist() == [2020, 2020]
