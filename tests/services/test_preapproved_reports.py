"""Pre-approved report rows: one approved submission per (organisation, period), with the upload path's row and
content hashes, the raw CSV kept (or only its row), one audit entry, and read back like reviewed uploads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_fixtures import example_row, seed
from transcarbon.city.reports import ReportType, load_report_types
from transcarbon.services import audit, filestore
from transcarbon.services.preapproved_reports import store_preapproved
from transcarbon.services.report_data import approved_rows
from transcarbon.services.submissions import rows_hash
from transcarbon.store import db
from transcarbon.store.models import ReportRow, Submission, UploadedFile


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    seed(migrated_db_url)
    engine = db.make_engine(migrated_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def _frame(rt: ReportType) -> pl.DataFrame:
    rows = [
        {"org_id": org, "period": period, **example_row(rt, kwh=kwh)}
        for org, period, kwh in (("PRT", "2024-01", 100.0), ("PRT", "2024-01", 200.0), ("PRT", "2024-02", 300.0))
    ]
    return pl.DataFrame(rows).drop("connected_hours")  # a field the frame leaves out is stored as null


def test_one_approved_submission_per_slot_with_the_upload_hashes(session: Session, tmp_path: Path) -> None:
    rt = load_report_types().get("shore_power")
    frame = _frame(rt)
    with session.begin():
        counts = store_preapproved(
            session,
            rt,
            frame,
            actor="loader",
            data_dir=tmp_path,
            file_name="sp.csv",
            comment="migrated",
            details={"source": "test"},
        )
    assert counts == {"submissions": 2, "rows": 3}
    subs = session.scalars(select(Submission).order_by(Submission.period)).all()
    assert [(s.org_id, s.period, s.version, s.state, s.row_count) for s in subs] == [
        ("PRT", "2024-01", 1, "approved", 2),
        ("PRT", "2024-02", 1, "approved", 1),
    ]
    assert {s.comment for s in subs} == {"migrated"} and {s.decided_by for s in subs} == {"loader"}
    body = frame.with_columns(pl.lit(None).alias("connected_hours")).select(list(rt.columns))
    hashes, _ = rows_hash(body, rt.columns)
    _, january = rows_hash(body.head(2), rt.columns)
    assert subs[0].content_hash == january
    rows = session.scalars(select(ReportRow).order_by(ReportRow.id)).all()
    assert [(r.submission_id, r.row_number, r.row_hash) for r in rows] == [
        (subs[0].id, 2, hashes[0]),
        (subs[0].id, 3, hashes[1]),
        (subs[1].id, 2, hashes[2]),
    ]
    assert rows[0].data["connected_hours"] is None and rows[2].data["kwh"] == 300.0
    kept = session.get(UploadedFile, subs[0].file_sha256)
    assert kept is not None and kept.first_name == "sp.csv"
    assert filestore.read(tmp_path, kept).decode("utf-8").startswith("org_id,period,")
    total, entries = audit.entries(session, action="submissions.load_preapproved")
    assert total == 1 and entries[0]["object_id"] == "shore_power" and '"source":"test"' in entries[0]["details"]
    read = approved_rows(session, "shore_power", [2024])
    assert read.height == 3 and read["kwh"].sum() == 600.0


def test_without_a_data_dir_only_the_file_row_is_kept_and_an_empty_frame_stores_nothing(session: Session) -> None:
    rt = load_report_types().get("shore_power")
    with session.begin():
        assert store_preapproved(
            session, rt, _frame(rt).head(0), actor="loader", data_dir=None, file_name="e.csv", comment="-"
        ) == {"submissions": 0, "rows": 0}
        store_preapproved(session, rt, _frame(rt), actor="loader", data_dir=None, file_name="sp.csv", comment="-")
    kept = session.scalars(select(UploadedFile)).one()
    assert kept.path == filestore.relative_path(kept.sha256)
    assert audit.entries(session, action="submissions.load_preapproved")[0] == 1
