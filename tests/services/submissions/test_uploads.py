"""Uploads: a 100,000-row upload, an import failing half-way (no rows, raw file kept), a refused upload
(raw file kept, refusal logged)."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import func, select

import transcarbon.services.submissions as wf
from platform_fixtures import csv_bytes, example_row, principal
from transcarbon.services import audit, filestore
from transcarbon.services.validation import ValidationError
from transcarbon.store.models import ActivityRecord, ImportBatch, ReportRow, Submission, UploadedFile


def big_activity_csv(n: int, org: str = "FRT", period: str = "2024-03") -> bytes:
    i = pl.int_range(0, n, eager=True)
    frame = pl.DataFrame(
        {
            "org_id": [org] * n,
            "period": [period] * n,
            "sector": ["road_freight"] * n,
            "fuel": ["diesel"] * n,
            "amount": (10 + (i % 50)).cast(pl.Float64),
            "unit": ["t"] * n,
            "freight_tkm": (400_000 + (i % 50) * 10_000).cast(pl.Float64),
            "passenger_pkm": [None] * n,
            "passenger_kind": [None] * n,
            "region": [None] * n,
            "throughput_t": [None] * n,
        },
        schema_overrides={
            "passenger_pkm": pl.Float64,
            "passenger_kind": pl.String,
            "region": pl.String,
            "throughput_t": pl.Float64,
        },
    )
    return frame.write_csv().encode("utf-8")


@pytest.mark.slow
def test_100k_row_upload_validates_and_imports(env) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    data = big_activity_csv(100_000)
    result = wf.upload(
        factory,
        ctx,
        principal("reporter"),
        report_type="energy_activity",
        org_id="FRT",
        period="2024-03",
        file_name="big.csv",
        data=data,
    )
    assert result.submission.row_count == 100_000 and not result.duplicate
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ActivityRecord)) == 100_000
        total = s.scalar(select(func.sum(ActivityRecord.amount)))
    assert total == pytest.approx(sum(10 + (k % 50) for k in range(100_000)))
    # the same bytes again: recognised, nothing new stored
    again = wf.upload(
        factory,
        ctx,
        principal("reporter"),
        report_type="energy_activity",
        org_id="FRT",
        period="2024-03",
        file_name="big-again.csv",
        data=data,
    )
    assert again.duplicate and again.submission.id == result.submission.id
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ActivityRecord)) == 100_000
        assert s.scalar(select(func.count()).select_from(UploadedFile)) == 1


def test_failure_mid_import_leaves_no_rows_and_keeps_the_file(env, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    real_append = audit.append

    def failing_append(session, **kw):  # type: ignore[no-untyped-def]
        if kw.get("action") == "submission.create":  # after the rows went in
            assert session.scalar(select(func.count()).select_from(ReportRow)) == 1
            raise RuntimeError("disk full")
        return real_append(session, **kw)

    monkeypatch.setattr(audit, "append", failing_append)
    rt = ctx.catalog.get("shore_power")
    data = csv_bytes(rt, [example_row(rt)])
    with pytest.raises(RuntimeError, match="disk full"):
        wf.upload(
            factory,
            ctx,
            principal("admin"),
            report_type="shore_power",
            org_id="PRT",
            period="2024-03",
            file_name="s.csv",
            data=data,
        )
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ReportRow)) == 0
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
        kept = s.get(UploadedFile, filestore.sha256(data))
        assert kept is not None and filestore.read(ctx.data_dir, kept) == data
    # the activity path too: no records, no batch
    ea = ctx.catalog.get("energy_activity")
    data2 = csv_bytes(ea, [example_row(ea, org_id="FRT", period="2024-03")])
    monkeypatch.setattr(
        audit,
        "append",
        lambda session, **kw: (
            (_ for _ in ()).throw(RuntimeError("boom"))
            if kw.get("action") == "submission.create"
            else real_append(session, **kw)
        ),
    )
    with pytest.raises(RuntimeError):
        wf.upload(
            factory,
            ctx,
            principal("reporter"),
            report_type="energy_activity",
            org_id="FRT",
            period="2024-03",
            file_name="a.csv",
            data=data2,
        )
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ActivityRecord)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert s.get(UploadedFile, filestore.sha256(data2)) is not None


def test_refused_upload_keeps_file_and_logs(env) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    rt = ctx.catalog.get("public_transport")
    data = csv_bytes(rt, [example_row(rt, passengers=-5)])
    with pytest.raises(ValidationError) as exc:
        wf.upload(
            factory,
            ctx,
            principal("admin"),
            report_type="public_transport",
            org_id="BUS",
            period="2024-03",
            file_name="bad.csv",
            data=data,
        )
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "passengers")]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
        assert s.get(UploadedFile, filestore.sha256(data)) is not None
        actions = list(s.scalars(select(audit.AuditEntry.action).order_by(audit.AuditEntry.id)))
        assert actions[-2:] == ["file.upload", "upload.refused"]
