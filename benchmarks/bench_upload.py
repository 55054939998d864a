"""Validate + import time of a 100,000-row report (activity contract), as CSV and as the XLSX template.

    .venv/bin/python benchmarks/bench_upload.py [--rows 100000] [--database-url URL]

Prints read+validate time (dry run) and upload time (keep raw file, validate, store as a draft) for each
form, on a fresh SQLite file unless a database URL is given (its schema is reset: use a scratch DB).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import transcarbon.services.submissions as wf
from platform_fixtures import principal, seed, service_context
from transcarbon.city.reports import load_report_types
from transcarbon.store import db


def activity_frame(n: int, period: str) -> pl.DataFrame:
    i = pl.int_range(0, n, eager=True)
    return pl.DataFrame(
        {
            "org_id": ["FRT"] * n,
            "period": [period] * n,
            "sector": ["road_freight"] * n,
            "fuel": ["diesel"] * n,
            "amount": (10 + (i % 50)).cast(pl.Float64),
            "unit": ["t"] * n,
            "freight_tkm": (400_000 + (i % 50) * 10_000).cast(pl.Float64),
            "passenger_pkm": pl.Series([None] * n, dtype=pl.Float64),
            "passenger_kind": pl.Series([None] * n, dtype=pl.String),
            "region": pl.Series([None] * n, dtype=pl.String),
            "throughput_t": pl.Series([None] * n, dtype=pl.Float64),
        }
    )


def xlsx_bytes(frame: pl.DataFrame) -> bytes:
    """The rows in a workbook shaped like the template's data sheet (openpyxl, write-only mode)."""
    import io

    from openpyxl import Workbook

    from transcarbon.services.templates import data_sheet_name, header_text

    rt = load_report_types().get("energy_activity")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(data_sheet_name())
    ws.append([header_text(f) for f in rt.fields])
    for row in frame.iter_rows():
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tc-bench-"))
    url = args.database_url or f"sqlite:///{(tmp / 'bench.db').as_posix()}"
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        e = create_engine(url, isolation_level="AUTOCOMMIT")
        with e.connect() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
        e.dispose()
    db.upgrade(url)
    seed(url)
    factory = db.session_factory(db.make_engine(url))
    ctx = service_context(tmp)
    who = principal("reporter")
    print(f"rows: {args.rows:,}  database: {url.split('://')[0]}")
    for form, period in (("csv", "2024-03"), ("xlsx", "2024-04")):
        frame = activity_frame(args.rows, period)
        t0 = time.perf_counter()
        data = frame.write_csv().encode() if form == "csv" else xlsx_bytes(frame)
        build = time.perf_counter() - t0
        with factory() as s:
            t0 = time.perf_counter()
            out = wf.dry_run(
                s,
                ctx,
                who,
                report_type="energy_activity",
                org_id="FRT",
                period=period,
                file_name=f"big.{form}",
                data=data,
            )
            validate = time.perf_counter() - t0
        assert out.ok, out.errors[:3]
        t0 = time.perf_counter()
        res = wf.upload(
            factory,
            ctx,
            who,
            report_type="energy_activity",
            org_id="FRT",
            period=period,
            file_name=f"big.{form}",
            data=data,
        )
        upload = time.perf_counter() - t0
        assert res.submission.row_count == args.rows
        print(
            f"{form:>4}: file {len(data) / 1e6:6.1f} MB (built in {build:5.2f} s) | read+validate {validate:5.2f} s"
            f" ({args.rows / validate:,.0f} rows/s) | upload (keep + validate + import) {upload:5.2f} s"
            f" ({args.rows / upload:,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()
