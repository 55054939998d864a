"""Transitions: audit verification catching an edited approval, and — on PostgreSQL — two concurrent
approvals of one submission, of which exactly one wins."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

import transcarbon.services.submissions as wf
from platform_fixtures import csv_bytes, example_row, principal
from transcarbon.services import audit
from transcarbon.services.submissions import WorkflowError
from transcarbon.store import db
from transcarbon.store.models import Submission


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
def test_concurrent_approvals_exactly_one_wins(env, migrated_db_url: str) -> None:  # type: ignore[no-untyped-def]
    if not migrated_db_url.startswith("postgresql"):
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


def test_four_eyes_the_approver_is_neither_uploader_nor_submitter(env) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import json

    from transcarbon.services.users import Principal

    factory, ctx = env
    rt = ctx.catalog.get("port_throughput")
    ana, other = principal("analyst"), Principal(99, "ana2", "analyst")

    def upload_and_submit(period: str) -> int:
        res = wf.upload(
            factory,
            ctx,
            ana,
            report_type="port_throughput",
            org_id="PRT",
            period=period,
            file_name=f"{period}.csv",
            data=csv_bytes(rt, [example_row(rt)]),
        )
        with db.transaction(factory) as s:
            wf.transition(s, ctx, ana, res.submission.id, "submit")
        return res.submission.id

    sid = upload_and_submit("2024-03")
    with pytest.raises(WorkflowError) as exc, db.transaction(factory) as s:
        wf.transition(s, ctx, ana, sid, "approve")
    assert exc.value.status == 403 and exc.value.key == "wf.four_eyes" and exc.value.values["uploader"] == "ana"
    with db.transaction(factory) as s:
        assert wf.transition(s, ctx, other, sid, "approve").state == "approved"
    with factory() as s:
        entry = s.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "submission.approve")).one()
    assert entry.actor == "ana2"
    assert json.loads(entry.details)["four_eyes"] == {"required": True, "uploader": "ana", "submitter": "ana"}
    sid = upload_and_submit("2024-04")
    with db.transaction(factory) as s:  # configured off: one person may do all three
        assert wf.transition(s, dataclasses.replace(ctx, four_eyes=False), ana, sid, "approve").state == "approved"
