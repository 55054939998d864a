"""Road-vehicle emissions: pure functions over numbers, NumPy arrays and Polars frames.

- :mod:`.copert`: COPERT Tier 3 hot factors at a speed (clamped to each row's validity range), emissions counted
  by time below the minimum speed, cold-start excess (EMEP/EEA guidebook 2019);
- :mod:`.mee2014`: the China MEE 2014 guideline's base factors × correction factors, E = Σ P · EF · VKT;
- :mod:`.fuel`: energy (MJ) → fuel mass → CO2 with China factors passed in, the guidebook's carbon balance,
  electricity at a grid factor;
- :mod:`.inventory`: the bottom-up inventory, fleet × kilometres × energy intensity and factors.

The fleet stock-turnover model shared with the scenarios is :mod:`transcarbon.methods.fleet`.
"""

from __future__ import annotations

METHOD_VERSION = "1.0.0"
"""Version of the road methods, recorded with every road run; bump it when a formula or convention changes."""

POLLUTANT_COLUMNS: dict[str, str] = {"NOx": "nox", "PM": "pm10", "CO": "co", "VOC": "voc"}
"""COPERT pollutant rows → output ids (``<id>_kg``). COPERT exhaust PM is all below 2.5 µm, reported as PM10
(= PM2.5) [EMEP/EEA 2019]; the guidebook's VOC is the non-methane part vein calls NMHC."""
