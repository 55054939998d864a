"""Approved report rows as a frame: the one place evaluation reads the data-collection tables.

Only approved submissions count (DHIS2: unapproved data stay out of analytics). A slot (report type ×
organisation × period) can in principle hold several approved versions over time; the latest version
wins. Fields are typed from the report type's configuration (numbers as Float64, the rest as text).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, ReportType, load_report_types
from transcarbon.store.models import ReportRow, Submission

BASE_SCHEMA: dict[str, type[pl.DataType]] = {
    "submission_id": pl.Int64,
    "report_row_id": pl.Int64,
    "org_id": pl.String,
    "period": pl.String,
    "year": pl.Int64,
    "month": pl.Int64,
    "version": pl.Int64,
    "content_hash": pl.String,
    "row_number": pl.Int64,
}


def _schema(rt: ReportType | None) -> dict[str, type[pl.DataType]]:
    fields = {} if rt is None else {f.id: (pl.Float64 if f.numeric else pl.String) for f in rt.fields}
    return {**BASE_SCHEMA, **fields}


def approved_rows(
    session: Session, report_type: str, years: Iterable[int] | None = None, *, catalog: ReportCatalog | None = None
) -> pl.DataFrame:
    """Rows of the latest approved version per (report type, organisation, period) of ``report_type``.

    Columns: ``submission_id, report_row_id, org_id, period, year, month`` (null for annual periods),
    ``version, content_hash, row_number`` and one column per field of the report type (of ``catalog``, the
    city's report types; default: the packaged city's). ``years`` limits the periods to those years (None: all).
    """
    try:
        rt: ReportType | None = (catalog or load_report_types()).get(report_type)
    except KeyError:
        rt = None
    schema = _schema(rt)
    year_list = None if years is None else sorted({int(y) for y in years})
    latest = (
        select(
            Submission.report_type, Submission.org_id, Submission.period, func.max(Submission.version).label("version")
        )
        .where(Submission.report_type == report_type, Submission.state == "approved")
        .group_by(Submission.report_type, Submission.org_id, Submission.period)
        .subquery()
    )
    q = (
        select(
            Submission.id,
            ReportRow.id,
            Submission.org_id,
            Submission.period,
            Submission.version,
            Submission.content_hash,
            ReportRow.row_number,
            ReportRow.data,
        )
        .join(
            latest,
            (latest.c.report_type == Submission.report_type)
            & (latest.c.org_id == Submission.org_id)
            & (latest.c.period == Submission.period)
            & (latest.c.version == Submission.version),
        )
        .join(ReportRow, ReportRow.submission_id == Submission.id)
        .where(Submission.state == "approved")
    )
    if year_list is not None:
        q = q.where(func.substr(Submission.period, 1, 4).in_([str(y) for y in year_list]))
    rows = session.execute(q.order_by(Submission.id, ReportRow.row_number)).all()
    fields = [c for c in schema if c not in BASE_SCHEMA]
    records = []
    for sid, rid, org, period, version, chash, rn, data in rows:
        month = int(period[5:7]) if len(period) == 7 else None
        rec: dict[str, object] = {
            "submission_id": sid,
            "report_row_id": rid,
            "org_id": org,
            "period": period,
            "year": int(period[:4]),
            "month": month,
            "version": version,
            "content_hash": chash,
            "row_number": rn,
        }
        for f in fields:
            v = data.get(f)
            if v is not None and schema[f] == pl.Float64:
                try:
                    v = float(str(v)) if str(v).strip() != "" else None
                except ValueError:
                    v = None
            elif v is not None:
                v = str(v)
            rec[f] = v
        records.append(rec)
    return pl.DataFrame(records, schema=schema, orient="row")


def approved_submissions(session: Session, report_types: Iterable[str], years: Iterable[int] | None) -> pl.DataFrame:
    """Id, type, organisation, period, version and content hash of every approved submission of the
    given types and years (None: every period) — the evaluation's input fingerprint."""
    q = (
        select(
            Submission.id,
            Submission.report_type,
            Submission.org_id,
            Submission.period,
            Submission.version,
            Submission.content_hash,
        )
        .where(Submission.report_type.in_(list(report_types)), Submission.state == "approved")
        .order_by(Submission.id)
    )
    if years is not None:
        q = q.where(func.substr(Submission.period, 1, 4).in_([str(y) for y in sorted({int(y) for y in years})]))
    return pl.DataFrame(
        [tuple(r) for r in session.execute(q).all()],
        schema={
            "submission_id": pl.Int64,
            "report_type": pl.String,
            "org_id": pl.String,
            "period": pl.String,
            "version": pl.Int64,
            "content_hash": pl.String,
        },
        orient="row",
    )
