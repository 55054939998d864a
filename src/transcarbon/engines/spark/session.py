"""The Spark session of a run and what the lineage records of it.

:func:`spark_session` returns the active session when there is one (a notebook, the tests), else builds one on
``master`` (``local[*]``, ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://https://…``; None: the master of the
``spark-submit`` that launched us, else ``local[*]``) with the session time zone UTC (fix times are UTC instants)
and, on a local master, this interpreter as the Python of the workers (so that they import the same
``transcarbon``). On a cluster, the workers' Python and the package come from the submission (``docs/cluster.md``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[*]"
CONF_RECORDED = (
    "spark.executor.instances",
    "spark.executor.cores",
    "spark.executor.memory",
    "spark.sql.shuffle.partitions",
    "spark.sql.adaptive.enabled",
)
"""Settings recorded with the run's lineage when set."""


class SparkUnavailable(RuntimeError):
    """PySpark (or the Java it needs) is not installed: ``str()`` says what to install, in Chinese and English."""


def spark_session(master: str | None = None) -> SparkSession:
    """The active Spark session, or a new one on ``master`` (see the module docstring)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "未安装 PySpark：pip install 'transcarbon[spark]'（并需要 Java 17 或更新版本）"
            " / PySpark is not installed: pip install 'transcarbon[spark]' (Java 17 or newer is needed too)"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # launched by spark-submit, which set the master
    if master is None and not submitted:
        master = DEFAULT_MASTER
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    if master is not None and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        return (
            builder.appName("transcarbon")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
    except Exception as exc:  # the JVM did not start (no Java, a wrong master URL): say so in both languages
        raise SparkUnavailable(f"无法启动 Spark（{master}）：{exc} / Spark could not start on {master}: {exc}") from exc


def engine_record(spark: SparkSession, partitions: int) -> dict[str, object]:
    """The engine and its configuration, for the lineage."""
    conf = spark.sparkContext.getConf()
    return {
        "name": "spark",
        "spark_version": spark.version,
        "master": spark.sparkContext.master,
        "default_parallelism": spark.sparkContext.defaultParallelism,
        "partitions": partitions,
        "conf": {k: conf.get(k) for k in CONF_RECORDED if conf.contains(k)},
    }


def manifest_sha256(spark: SparkSession, url: str) -> tuple[str, dict[str, Any]]:
    """SHA-256 and content of a layout's manifest: read from a local folder, or through the Hadoop file system of
    the session for a URL (``hdfs://``, ``s3a://``, ``gs://`` …; Spark's readers skip files named ``_*``)."""
    import json

    from transcarbon.engines.layout import MANIFEST

    if "://" not in url or url.startswith("file://"):
        raw = (Path(url.removeprefix("file://")) / MANIFEST).read_bytes()
    else:
        jvm: Any = getattr(spark, "_jvm")  # noqa: B009 (PySpark's gateway to the JVM; no public API reads a file)
        path = jvm.org.apache.hadoop.fs.Path(f"{url.rstrip('/')}/{MANIFEST}")
        stream = path.getFileSystem(getattr(spark, "_jsc").hadoopConfiguration()).open(path)  # noqa: B009
        try:
            raw = bytes(jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()
    return hashlib.sha256(raw).hexdigest(), json.loads(raw)


def read_layout(spark: SparkSession, url: str) -> DataFrame:
    """The layout's rows with its partition columns ``day`` and ``bucket``."""
    return spark.read.parquet(url)
