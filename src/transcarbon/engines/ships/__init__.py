"""Ship emission inventory from AIS (IMO4 method, EPA option, shore power) on one machine: input readers
(:mod:`.ais_readers`, :mod:`.nmea`, :mod:`.registry`, :mod:`.shore_power_sessions`, :mod:`.zones`), ship
parameters (:mod:`.params`, :mod:`.tables`), the per-partition kernel (:mod:`.kernel` and its steps) and
the partitioned driver (:mod:`.driver`, :func:`run_ais_inventory`).
"""

from transcarbon.engines.ships.driver import ShipInventoryResult, run_ais_inventory
from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.options import InventoryOptions

__all__ = ["InventoryOptions", "ShipInputError", "ShipInventoryResult", "run_ais_inventory"]
