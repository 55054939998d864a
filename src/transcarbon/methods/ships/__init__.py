"""Ship emissions from AIS activity: the Fourth IMO GHG Study 2020 bottom-up method (IMO4) [1]_, with the
US EPA Ports Emissions Inventory Guidance (2022) [2]_ as a selectable alternative, and shore power.

Pure functions over NumPy arrays (no I/O, no globals other than constants):

- :mod:`.geo`: great-circle distance [nm] and implied speed [kn];
- :mod:`.power`: main-engine power from speed and draught (propeller law), load, engine type from rpm,
  small-ship auxiliary rules;
- :mod:`.sfoc`: the SFOC load curve and base SFOC by engine type, fuel and build year;
- :mod:`.emission_factors`: CO2 by Cf, SOx and PM from fuel sulphur, NOx tier from build year;
- :mod:`.low_load`: low-load adjustment factors (LLAF) for energy-based factors;
- :mod:`.modes`: operating modes (IMO4 speed/distance rules, EPA polygon rules);
- :mod:`.shore_power`: gross / grid / net avoided emissions and the 3-hour non-connection flag.

References
----------
.. [1] Faber, J. et al. (2021). Fourth IMO GHG Study 2020. International Maritime Organization, London.
   Tables as transcribed in gabrielfuenmar/emissions_mtcc_open (MIT licence).
.. [2] US EPA (2022). Ports Emissions Inventory Guidance: Methodologies for Estimating Port-Related and
   Goods Movement Mobile Source Emissions. EPA-420-B-22-011.
"""

from __future__ import annotations

METHOD_NAME = "ships_imo4"
METHOD_VERSION = "1.0.0"

MODES: tuple[str, ...] = ("berth", "anchorage", "manoeuvring", "slow_cruise", "cruise")
"""Operating-mode labels; an interval's ``mode_code`` is the index in this tuple."""

BERTH, ANCHORAGE, MANOEUVRING, SLOW_CRUISE, CRUISE = range(5)

POLLUTANTS: tuple[str, ...] = ("co2", "ch4", "n2o", "nox", "sox", "pm10", "pm25", "co", "hc")
