"""Vehicle and vessel fleets of the demo: stock by power type, additions, energy per kilometre.

A fleet is given by its size at the end of 2019 … 2025, its power-type mix at the end of 2019, and
the power-type mix of the vehicles it adds in 2020 and in 2025 (linear in between). Each year a share
``r`` of every power type's stock retires and the fleet adds what it needs to reach its size:

    stock(y, p) = stock(y − 1, p) − retired(y, p) + added(y, p),   retired = r · stock(y − 1, p)

in whole vehicles (largest-remainder rounding), so stock and additions always agree and the new-energy
share of the stock lags that of the additions, as in a real fleet.

Energy per vehicle-km by category and power type (contract units: t, 10^4m3, kWh). Sources are
typical published values, rounded; the brief's anchors are ≈1.2 kWh/km for an electric city bus and
0.03–0.05 kg diesel per t·km for trucks:

- city bus: battery-electric 1.2 kWh/km (× a heating/air-conditioning month factor); LNG 32 kg/100 km;
  CNG 38 m³/100 km; diesel 25 kg/100 km (≈30 L); diesel hybrid 19 kg/100 km;
- taxi: battery-electric 16 kWh/100 km; CNG 7.5 m³/100 km; gasoline 6.2 kg/100 km (≈8.5 L);
- car: gasoline 6.0 kg/100 km; battery-electric 15 kWh/100 km; plug-in hybrid half and half;
- coach: diesel 20 kg/100 km; LNG 19 kg/100 km; battery-electric 95 kWh/100 km;
- sanitation truck: diesel 20 kg/100 km; battery-electric 100 kWh/100 km.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transcarbon.demo.seasons import YEARS, FloatArray

IntArray = npt.NDArray[np.int64]

#: Power types of ``vehicle_additions`` and ``fleet_stock``.
POWER_TYPES: tuple[str, ...] = ("bev", "phev", "fcev", "lng", "cng", "diesel", "gasoline", "hybrid")
#: Power types that count as new energy (新能源): battery, plug-in hybrid and fuel-cell vehicles.
NEW_ENERGY: frozenset[str] = frozenset({"bev", "phev", "fcev"})
#: Power types that count as clean energy (清洁能源) on top of new energy.
CLEAN_ENERGY: frozenset[str] = frozenset({"lng", "cng"})

#: Stock years: end of 2019 (the opening stock) to end of 2025.
STOCK_YEARS = np.arange(YEARS[0] - 1, YEARS[-1] + 1)

# Energy per vehicle-km: category -> power type -> {fuel: amount per km in contract units}.
PER_KM: dict[str, dict[str, dict[str, float]]] = {
    "bus": {
        "bev": {"electricity": 1.2},
        "lng": {"lng": 0.32e-3},
        "cng": {"natural_gas": 0.38e-4},
        "diesel": {"diesel": 0.25e-3},
        "hybrid": {"diesel": 0.19e-3},
        "phev": {"diesel": 0.12e-3, "electricity": 0.5},
    },
    "taxi": {
        "bev": {"electricity": 0.16},
        "cng": {"natural_gas": 0.075e-4},
        "gasoline": {"gasoline": 0.062e-3},
        "hybrid": {"gasoline": 0.045e-3},
    },
    "car": {
        "bev": {"electricity": 0.15},
        "gasoline": {"gasoline": 0.060e-3},
        "phev": {"gasoline": 0.030e-3, "electricity": 0.075},
        "hybrid": {"gasoline": 0.045e-3},
    },
    "coach": {
        "bev": {"electricity": 0.95},
        "lng": {"lng": 0.19e-3},
        "diesel": {"diesel": 0.20e-3},
    },
    "sanitation": {
        "bev": {"electricity": 1.0},
        "diesel": {"diesel": 0.20e-3},
    },
}

#: kWh of a battery-electric truck per kg of diesel a diesel truck burns for the same work:
#: 11.85 kWh/kg diesel × 40% engine efficiency ÷ 85% battery-to-wheel efficiency.
BEV_KWH_PER_KG_DIESEL = 5.6
#: kg of LNG per kg of diesel for the same work: energy ratio 42.65/51.50 × 1.10 (spark-ignition penalty).
LNG_KG_PER_KG_DIESEL = 0.911
#: kg of urea solution (AdBlue, AUS32) per kg of diesel of an SCR-fitted diesel truck (China IV and later):
#: dosing ≈ 3–5% of the diesel volume × 1.09/0.84 density ratio (assumed, typical); its process CO2 is then
#: ≈ 0.3% of the diesel's.
UREA_KG_PER_KG_DIESEL = 0.04


@dataclass(frozen=True)
class Fleet:
    """A fleet: size at the end of 2019 … 2025, the 2019 stock mix, the mix of vehicles added in 2020
    and in 2025 (linear in between), and the share of the stock retired each year."""

    org_id: str
    category: str
    size: tuple[float, ...]
    stock_2019: dict[str, float]
    added_2020: dict[str, float]
    added_2025: dict[str, float]
    retire_rate: float = 0.10

    def kinds(self) -> list[str]:
        return sorted(set(self.stock_2019) | set(self.added_2020) | set(self.added_2025))

    def _flows(self) -> tuple[IntArray, IntArray]:
        """Stock (kinds × 7 stock years) and additions (kinds × 6 years), whole vehicles."""
        kinds = self.kinds()
        size = np.rint(np.asarray(self.size, dtype=np.float64)).astype(np.int64)
        stock = np.zeros((len(kinds), len(STOCK_YEARS)), dtype=np.int64)
        added = np.zeros((len(kinds), len(YEARS)), dtype=np.int64)
        stock[:, 0] = largest_remainder(np.array([self.stock_2019.get(k, 0.0) for k in kinds]), int(size[0]))
        a0 = np.array([self.added_2020.get(k, 0.0) for k in kinds])
        a1 = np.array([self.added_2025.get(k, 0.0) for k in kinds])
        for y in range(len(YEARS)):
            prev = stock[:, y]
            retired = np.minimum(prev, np.rint(self.retire_rate * prev).astype(np.int64))
            n_add = int(size[y + 1] - (prev.sum() - retired.sum()))
            if n_add < 0:  # the fleet shrinks faster than it retires: retire more, add nothing
                retired = np.minimum(prev, retired + largest_remainder(prev.astype(np.float64), -n_add))
                n_add = int(size[y + 1] - (prev.sum() - retired.sum()))
            mix = a0 + (a1 - a0) * y / (len(YEARS) - 1)
            added[:, y] = largest_remainder(mix, max(n_add, 0))
            stock[:, y + 1] = prev - retired + added[:, y]
        return stock, added

    def stock(self) -> dict[str, IntArray]:
        """Whole vehicles by power type at the end of each stock year (2019 … 2025)."""
        stock, _ = self._flows()
        return {k: stock[i] for i, k in enumerate(self.kinds())}

    def additions(self) -> dict[str, IntArray]:
        """Vehicles added in 2020 … 2025 by power type."""
        _, added = self._flows()
        return {k: added[i] for i, k in enumerate(self.kinds())}


def largest_remainder(values: FloatArray, total: int) -> IntArray:
    """Round non-negative ``values`` to integers that sum to ``total``."""
    scaled = values * (total / values.sum()) if values.sum() > 0 else np.zeros_like(values)
    base = np.floor(scaled).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        base[np.argsort(-(scaled - base), kind="stable")[:rest]] += 1
    return base
