"""Late reporting (``data_late`` per report type): organisations expected to report a type without approved
data for periods already due."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.domain import Period
from transcarbon.services.evaluation.alerts.found import Found
from transcarbon.services.submissions import expected_organisations
from transcarbon.store.models import ActivityRecord, ImportBatch, Submission


def _approved_slots(session: Session, rt: ReportType, year: int) -> set[tuple[str, str]]:
    if rt.feeds == "activity":
        q = (
            select(ActivityRecord.org_id, ActivityRecord.period)
            .distinct()
            .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
            .where(ActivityRecord.year == year, ImportBatch.status == "approved")
        )
    else:
        q = (
            select(Submission.org_id, Submission.period)
            .distinct()
            .where(
                Submission.report_type == rt.id, Submission.state == "approved", Submission.period.startswith(str(year))
            )
        )
    return {(o, p) for o, p in session.execute(q).all()}


def late_reports(session: Session, catalog: ReportCatalog, year: int, as_of: date) -> list[Found]:
    """Per report type: expected organisations without approved data for periods already due."""
    out: list[Found] = []
    for rt in catalog.report_types:
        periods = [Period(year, m) for m in range(1, 13)] if rt.period == "monthly" else [Period(year)]
        due = [str(p) for p in periods if as_of > rt.due_date(p)]
        if not due:
            continue
        orgs = [o.id for o in expected_organisations(session, rt)]
        if not orgs:
            continue
        have = _approved_slots(session, rt, year)
        expected = pl.DataFrame({"org_id": orgs}).join(pl.DataFrame({"period": due}), how="cross")
        present = pl.DataFrame(list(have), schema={"org_id": pl.String, "period": pl.String}, orient="row")
        missing = expected.join(present, on=["org_id", "period"], how="anti")
        if missing.height == 0:
            continue
        per_org = missing.group_by("org_id").agg(pl.len().alias("periods")).sort("org_id")
        share = missing.height / expected.height
        v = {"count": per_org.height, "expected": len(orgs), "missing": missing.height, "year": year}
        out.append(
            Found(
                "data_late",
                "high" if share >= 0.5 else "medium",
                year,
                list(rt.supervisors),
                "eval.warn.report_late",
                {**v, "report": rt.name.zh},
                {**v, "report": rt.name.en},
                report_type=rt.id,
                details={"share_missing": share, "organisations": dict(per_org.iter_rows())},
            )
        )
    return out
