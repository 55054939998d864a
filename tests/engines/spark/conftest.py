"""One local Spark session (``local[2]``) for the Spark tests, or a clean skip when PySpark or Java is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'transcarbon[spark]'")
    if shutil.which("java") is None:
        pytest.skip("java not found (Spark needs Java 17 or newer)")
    from transcarbon.engines.spark import spark_session

    session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()
