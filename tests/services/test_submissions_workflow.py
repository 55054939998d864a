"""The workflow in the services: a 100,000-row upload, an import failing half-way (no rows, raw file
kept), the same file twice, audit verification catching an edited row, and — on PostgreSQL — two
concurrent approvals of one submission, of which exactly one wins."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select, text

import transcarbon.services.submissions as wf
from platform_fixtures import csv_bytes, example_row, principal, seed, service_context
from transcarbon.services import audit, filestore
from transcarbon.services.submissions import WorkflowError
from transcarbon.store import db
from transcarbon.store.models import ActivityRecord, ImportBatch, ReportRow, Submission, UploadedFile


@pytest.fixture
def env(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    db.upgrade(db_url)
    seed(db_url)
    engine = db.make_engine(db_url)
    yield db.session_factory(engine), service_context(tmp_path)
    engine.dispose()


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
    with pytest.raises(wf.ValidationError) as exc:
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


def test_slot_versions_newest_first(env) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    rt = ctx.catalog.get("shore_power")
    sent = [
        wf.upload(
            factory,
            ctx,
            principal("admin"),
            report_type="shore_power",
            org_id="PRT",
            period=period,
            file_name=f"s{k}.csv",
            data=csv_bytes(rt, [example_row(rt, kwh=30000 + k)]),
        )
        for k, period in enumerate(("2024-03", "2024-03", "2024-04"))
    ]
    with factory() as s:
        slot = wf.slot_versions(s, sent[0].submission)
        assert [(v.id, v.version, v.state) for v in slot] == [
            (sent[1].submission.id, 2, "draft"),
            (sent[0].submission.id, 1, "superseded"),
        ]
        assert [v.id for v in wf.slot_versions(s, sent[2].submission)] == [sent[2].submission.id]


def test_audit_verify_catches_an_edited_row(env) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    rt = ctx.catalog.get("port_throughput")
    res = wf.upload(
        factory,
        ctx,
        principal("admin"),
        report_type="port_throughput",
        org_id="PRT",
        period="2024-03",
        file_name="p.csv",
        data=csv_bytes(rt, [example_row(rt)]),
    )
    with db.transaction(factory) as s:
        wf.transition(s, ctx, principal("admin"), res.submission.id, "submit")
    with db.transaction(factory) as s:
        wf.transition(s, ctx, principal("analyst"), res.submission.id, "approve")
    with factory() as s:
        assert audit.verify(s).ok
        target = s.scalars(select(audit.AuditEntry.id).where(audit.AuditEntry.action == "submission.approve")).one()
    with factory() as s, s.begin():
        s.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = :i"), {"i": target})
    with factory() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_id == target


@pytest.mark.postgres
def test_concurrent_approvals_exactly_one_wins(env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("postgresql"):
        pytest.skip("needs TRANSCARBON_TEST_DATABASE_URL (PostgreSQL)")
    factory, ctx = env
    rt = ctx.catalog.get("shore_power")
    res = wf.upload(
        factory,
        ctx,
        principal("admin"),
        report_type="shore_power",
        org_id="PRT",
        period="2024-03",
        file_name="s.csv",
        data=csv_bytes(rt, [example_row(rt)]),
    )
    with db.transaction(factory) as s:
        wf.transition(s, ctx, principal("admin"), res.submission.id, "submit")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(name: str) -> None:
        try:
            with factory() as s, s.begin():
                sub = wf.get_visible(s, ctx.catalog, principal("analyst"), res.submission.id)
                seen = sub.lock_version
                barrier.wait(timeout=10)  # both have read the same version before either writes
                wf.transition(s, ctx, principal("analyst"), res.submission.id, "approve", expected_lock_version=seen)
                time.sleep(0.2)  # hold the row lock a moment so the other must wait on it
            outcomes.append("won")
        except WorkflowError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=approve, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["wf.conflict", "won"]
    with factory() as s:
        assert s.get(Submission, res.submission.id).state == "approved"  # type: ignore[union-attr]
        approvals = s.scalar(
            select(func.count()).select_from(audit.AuditEntry).where(audit.AuditEntry.action == "submission.approve")
        )
        assert approvals == 1 and audit.verify(s).ok
