"""One local Spark session (``local[2]``) for the Spark tests, or a clean skip when PySpark or Java is missing (a
failure instead when ``TRANSCARBON_REQUIRE_SPARK=1``, as CI's Spark step sets: there they must run)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    required = os.environ.get("TRANSCARBON_REQUIRE_SPARK") == "1"
    missing = None
    if importlib.util.find_spec("pyspark") is None:
        missing = "pyspark not installed: pip install 'transcarbon[spark]'"
    elif shutil.which("java") is None:
        missing = "java not found (Spark needs Java 17 or newer)"
    if missing:
        if required:
            pytest.fail(missing)
        pytest.skip(missing)
    from transcarbon.engines.spark import spark_session

    session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()
