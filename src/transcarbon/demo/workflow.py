"""Who files the demo's reports through the workflow, and when.

Every demo submission was uploaded and submitted by its organisation's reporter and approved by the demo analyst
(four eyes): the organisation of the demo ``reporter`` account files as ``reporter``, that of the demo
``department`` account as ``department``; the other synthetic organisations' reporters have no account and file
as ``reporter-<org id>``. A period's report was uploaded and submitted three days before its deadline (09:00,
city time) and approved five days after it, so that the reporting-status grid shows the demo's data on time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportType
from transcarbon.domain import Period
from transcarbon.services.organisations import organisation_ids
from transcarbon.services.preapproved_reports import Handling

REVIEWER = "analyst"
REPORTER = "reporter"
DEPARTMENT = "department"
REPORTER_ORG = ("enterprise", "road_freight")
"""The demo reporter's organisation: the first enterprise of this sector (else the first enterprise)."""
DEPARTMENT_ORG = ("department", None)
CITY_TZ = ZoneInfo("Asia/Shanghai")


def demo_org(session: Session, kind: str, sector: str | None) -> str | None:
    """The organisation a demo account belongs to: the first of its kind and sector, else the first of its kind."""
    candidates = [*organisation_ids(session, kind=kind, sector=sector), *organisation_ids(session, kind=kind)]
    return candidates[0] if candidates else None


def demo_handling(session: Session, rt: ReportType) -> Handling:
    """Who uploaded, submitted and approved the demo's reports of ``rt``, and when."""
    own = {demo_org(session, *REPORTER_ORG): REPORTER, demo_org(session, *DEPARTMENT_ORG): DEPARTMENT}

    def times(period: Period) -> tuple[datetime, datetime, datetime]:
        due = datetime.combine(rt.due_date(period), time(9), tzinfo=CITY_TZ)
        sent = due - timedelta(days=3)
        return sent - timedelta(hours=1), sent, due + timedelta(days=5)

    return Handling(uploader=lambda org: own.get(org) or f"reporter-{org}", approver=REVIEWER, times=times)
