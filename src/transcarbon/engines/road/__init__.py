"""Road-vehicle trajectories (GPS/BeiDou points of trucks, buses, taxis) → COPERT Tier 3 emissions per vehicle ×
day, per H3 cell and per hour.

- :mod:`.inputs`: read and check points (CSV / Parquet) and vehicles (CSV) — errors in Chinese and English;
- :mod:`.vehicles`: vehicles → COPERT parameter arrays (China stages mapped to Euro stages, load interpolated);
- :mod:`.kernel`: :func:`.kernel.run_partition`, the pure per-partition function (cleaning, segment speeds,
  hot factors, idle by time, midnight and hour splits, additive aggregates);
- :mod:`.driver`: :func:`.driver.run_trajectories`, Parquet streamed per day (and vehicle bucket), the summed
  results and the JSON contract ``{"total": {...}, "by_vehicle": {...}}``;
- :mod:`.segments`: COPERT emissions of segments per vehicle kind (shared by the kernel and the GTFS engine);
- :mod:`.gtfs`: :func:`.gtfs.run_gtfs`, bus emissions from a GTFS schedule per route, segment and hour.
"""

from __future__ import annotations

from transcarbon.engines.road.driver import TrajectoryResult, run_trajectories
from transcarbon.engines.road.errors import RoadInputError
from transcarbon.engines.road.kernel import OUTPUTS, TrajectoryOptions, run_partition

__all__ = ["OUTPUTS", "RoadInputError", "TrajectoryOptions", "TrajectoryResult", "run_partition", "run_trajectories"]
