"""What every sector builder shares: :class:`OrgSeries` (one organisation's 72 months of fuel use and
activity), year-to-month helpers, and the energy of a vehicle fleet from its stock and kilometres."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from transcarbon.demo.fleets import STOCK_YEARS, Fleet
from transcarbon.demo.seasons import HVAC_FACTOR, N_MONTHS, T_MID, FloatArray, lognormal_noise, ramp
from transcarbon.domain import Sector

Rng = np.random.Generator


@dataclass
class OrgSeries:
    """One organisation's monthly fuel use (contract units) and activity."""

    org_id: str
    sector: Sector
    fuels: dict[str, FloatArray] = field(default_factory=dict)  # fuel -> amount; electricity in kWh
    freight_tkm: FloatArray | None = None
    passenger_pkm: FloatArray | None = None
    throughput_t: FloatArray | None = None
    passenger_kind: str | None = None

    def add_fuel(self, fuel: str, amount: FloatArray) -> None:
        self.fuels[fuel] = self.fuels.get(fuel, np.zeros(N_MONTHS)) + amount


def monthly_stock(stock: np.ndarray) -> FloatArray:
    """Vehicles in service each month, interpolated between year-end stocks (2019 … 2025)."""
    return np.interp(T_MID, STOCK_YEARS + 1.0, stock.astype(np.float64))


def per_year(values: list[float] | tuple[float, ...]) -> FloatArray:
    """Values of 2020 … 2025 as an array."""
    return np.asarray(values, dtype=np.float64)


def linear_ramp(pair: tuple[float, float]) -> FloatArray:
    """A 2020 → 2025 linear ramp of a pair of values, per month."""
    return ramp(np.linspace(pair[0], pair[1], 6))


def fleet_energy(
    fleet: Fleet, per_km: dict[str, dict[str, float]], km_month: FloatArray, rng: Rng, s: OrgSeries
) -> FloatArray:
    """Add a fleet's fuels to ``s`` from its monthly stock and km per vehicle; return vehicle-km."""
    vkm_total = np.zeros(N_MONTHS)
    for power, stock in fleet.stock().items():
        vkm = monthly_stock(stock) * km_month * lognormal_noise(rng, 0.02)
        vkm_total += vkm
        for fuel, per in per_km[power].items():
            hvac = HVAC_FACTOR if fuel == "electricity" else HVAC_FACTOR**0.3
            s.add_fuel(fuel, vkm * per * hvac)
    return vkm_total
