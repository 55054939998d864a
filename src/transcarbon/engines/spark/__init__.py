"""The ship and road engines on Apache Spark (``--engine spark``): the same kernels
(:func:`transcarbon.engines.ships.kernel.run_partition`, :func:`transcarbon.engines.road.kernel.run_partition`) run
per partition of the partitioned layout (:mod:`transcarbon.engines.layout`) in Spark's Python workers through
``groupBy(...).applyInArrow``; each partition's additive aggregates come back to the driver, which sums them with
the Polars engine's own assembly (:func:`transcarbon.engines.ships.driver.assemble`,
:func:`transcarbon.engines.road.driver.assemble`). Results equal the Polars engine's to float summation order.

- :mod:`.session`: the Spark session (``local[*]`` by default, any master URL) and the engine's lineage record;
- :mod:`.ships`: :func:`.ships.run_ais_inventory_spark`, one task per MMSI bucket (whole ships, all days);
- :mod:`.road`: :func:`.road.run_trajectories_spark`, one task per local day × vehicle bucket, each point also sent
  to the neighbouring day when it lies in that day's halo.

PySpark is an optional dependency (``pip install transcarbon[spark]``, Java 17+): it is imported when a function
here is called, never at import time.
"""

from transcarbon.engines.spark.road import run_trajectories_spark
from transcarbon.engines.spark.session import SparkUnavailable, spark_session
from transcarbon.engines.spark.ships import run_ais_inventory_spark

__all__ = ["SparkUnavailable", "run_ais_inventory_spark", "run_trajectories_spark", "spark_session"]
