"""Calendar shapes of the synthetic demo: months, Chinese New Year, COVID-19 shocks, trend ramps.

Every array here has one value per month of the demo span, 2020-01 … 2025-12 (72 months), so the
generator builds whole monthly series with array arithmetic and no per-row loops.

Shapes (all synthetic, chosen to look like the public record, not taken from any data series):

- **Chinese New Year** (春节): the 15 days around the holiday fall in January or February; activity in
  that window drops by a sector-specific depth (freight and ports ≈ 40–45%, urban trips ≈ 50%), spread
  over the months the window overlaps. Coaches and aviation get the opposite (春运 peak).
- **COVID-19**: a city-wide shock index per month (2020-02 deepest; 2021-08 Jiangsu Delta outbreak;
  2022-04/05 Shanghai lockdown hitting logistics; 2022-12 exit wave; 2023-01 tail). Each sector scales
  the index by its sensitivity (passenger transport > freight > port).
- **Seasonal base** per sector group (tourism peaks in July–August; year-end freight rush).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

FIRST_YEAR = 2020
LAST_YEAR = 2025
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
N_YEARS = len(YEARS)
N_MONTHS = 12 * N_YEARS

MONTH_INDEX = np.arange(N_MONTHS)
YEAR_OF = FIRST_YEAR + MONTH_INDEX // 12
YEAR_INDEX = MONTH_INDEX // 12
MONTH_OF = MONTH_INDEX % 12 + 1
PERIODS: list[str] = [f"{y}-{m:02d}" for y, m in zip(YEAR_OF.tolist(), MONTH_OF.tolist(), strict=True)]
DAYS_IN_MONTH: FloatArray = np.array(
    [
        ((dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.date(y, m, 1)).days
        for y, m in zip(YEAR_OF.tolist(), MONTH_OF.tolist(), strict=True)
    ],
    dtype=np.float64,
)
#: Month midpoints in decimal years, used to interpolate trends given at mid-year.
T_MID: FloatArray = np.asarray(FIRST_YEAR + (MONTH_INDEX + 0.5) / 12.0, dtype=np.float64)

#: Chinese New Year's day (春节, lunar new year) in each demo year.
CNY_DATES = {
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
}

# City-wide COVID-19 shock index (0 = none, 1 = standstill), by period. Synthetic shape.
_COVID_SHOCK = {
    "2020-01": 0.06,
    "2020-02": 0.60,
    "2020-03": 0.30,
    "2020-04": 0.13,
    "2020-05": 0.07,
    "2020-06": 0.04,
    "2020-07": 0.02,
    "2020-08": 0.02,
    "2020-09": 0.01,
    "2021-08": 0.10,
    "2021-09": 0.03,
    "2022-03": 0.10,
    "2022-04": 0.32,
    "2022-05": 0.20,
    "2022-06": 0.06,
    "2022-10": 0.03,
    "2022-11": 0.10,
    "2022-12": 0.28,
    "2023-01": 0.14,
    "2023-02": 0.04,
}

# Seasonal base shapes by month (Jan … Dec), before the Chinese New Year and COVID factors.
SEASONAL: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 12,
    "freight": (1.00, 0.97, 1.02, 1.00, 1.00, 0.99, 0.97, 0.98, 1.01, 1.02, 1.03, 1.05),
    "port": (1.00, 0.96, 1.01, 1.00, 1.01, 1.00, 0.99, 0.99, 1.01, 1.01, 1.02, 1.03),
    "urban": (0.98, 0.98, 1.01, 1.01, 1.01, 0.99, 0.97, 0.97, 1.02, 1.02, 1.02, 1.01),
    "intercity": (1.05, 1.00, 0.92, 0.98, 1.02, 0.95, 1.06, 1.08, 0.97, 1.08, 0.93, 0.94),
    "tourism": (0.45, 0.55, 0.70, 1.00, 1.20, 1.15, 1.70, 1.85, 1.10, 1.15, 0.70, 0.45),
    "aviation": (0.98, 1.00, 0.92, 0.97, 0.98, 0.97, 1.10, 1.12, 0.97, 1.05, 0.95, 0.95),
}

#: Extra electricity of battery-electric vehicles for heating and air conditioning, by month.
HVAC_FACTOR: FloatArray = np.array(
    [1.16, 1.14, 1.04, 0.97, 0.97, 1.04, 1.12, 1.12, 1.00, 0.96, 1.02, 1.12], dtype=np.float64
)[MONTH_OF - 1]


def covid_shock() -> FloatArray:
    """City-wide COVID-19 shock index per month (0 … 1)."""
    return np.array([_COVID_SHOCK.get(p, 0.0) for p in PERIODS], dtype=np.float64)


def cny_weight(before_days: int = 7, after_days: int = 8) -> FloatArray:
    """Share of each month covered by the Chinese New Year window ``[CNY − before, CNY + after)``."""
    weight = np.zeros(N_MONTHS)
    for day in CNY_DATES.values():
        start = day - dt.timedelta(days=before_days)
        for offset in range(before_days + after_days):
            d = start + dt.timedelta(days=offset)
            if FIRST_YEAR <= d.year <= LAST_YEAR:
                weight[(d.year - FIRST_YEAR) * 12 + d.month - 1] += 1.0
    return weight / DAYS_IN_MONTH


def profile(
    seasonal: str = "flat", cny_depth: float = 0.0, covid_sensitivity: float = 0.0, by_days: bool = True
) -> FloatArray:
    """Monthly activity shape: days × seasonal base × Chinese New Year × COVID-19 (mean ≈ 1 per day).

    ``cny_depth`` is the fall of activity inside the holiday window (negative for a holiday peak);
    ``covid_sensitivity`` scales the city-wide shock index (1 = passenger-transport-like).
    """
    shape = np.asarray(SEASONAL[seasonal], dtype=np.float64)[MONTH_OF - 1]
    if by_days:
        shape = shape * DAYS_IN_MONTH / 30.4375
    shape = shape * (1.0 - cny_depth * cny_weight())
    shape = shape * np.clip(1.0 - covid_sensitivity * covid_shock(), 0.05, None)
    return shape


def spread_annual(annual: FloatArray | Sequence[float], shape: FloatArray) -> FloatArray:
    """Split yearly totals over months in proportion to ``shape`` (sums per year are exact)."""
    annual_arr = np.asarray(annual, dtype=np.float64)
    sums = np.bincount(YEAR_INDEX, weights=shape, minlength=N_YEARS)
    return annual_arr[YEAR_INDEX] * shape / sums[YEAR_INDEX]


def ramp(values_by_year: FloatArray | Sequence[float]) -> FloatArray:
    """Interpolate values given for each year's middle to every month (flat beyond the ends)."""
    return np.interp(T_MID, YEARS + 0.5, np.asarray(values_by_year, dtype=np.float64))


def annual_sum(monthly: FloatArray) -> FloatArray:
    """Sum a monthly series per year."""
    return np.bincount(YEAR_INDEX, weights=monthly, minlength=N_YEARS).astype(np.float64)


def lognormal_noise(rng: np.random.Generator, sigma: float, size: int = N_MONTHS) -> FloatArray:
    """Multiplicative noise with mean 1."""
    return rng.lognormal(mean=-0.5 * sigma * sigma, sigma=sigma, size=size)
