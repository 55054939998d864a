"""Demo accounts, one per role, for ``start``, tests and benchmarks.

The passwords are public demo values: the accounts are created only on the synthetic demo database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from transcarbon.demo.builder import demo_present
from transcarbon.demo.workflow import DEPARTMENT, DEPARTMENT_ORG, REPORTER, REPORTER_ORG, REVIEWER, demo_org
from transcarbon.services import users


@dataclass(frozen=True)
class DemoUser:
    """A demo account: its role and, for reporters and department users, its organisation."""

    username: str
    role: str
    password: str
    org_kind: str | None = None  # reporters and department users belong to an organisation of this kind
    org_sector: str | None = None
    department_id: str | None = None


DEMO_PASSWORD = "demo-password-2025"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "admin", DEMO_PASSWORD),
    DemoUser(REVIEWER, "analyst", DEMO_PASSWORD),
    DemoUser("auditor", "auditor", DEMO_PASSWORD),
    DemoUser(REPORTER, "reporter", DEMO_PASSWORD, org_kind=REPORTER_ORG[0], org_sector=REPORTER_ORG[1]),
    DemoUser(DEPARTMENT, "department", DEMO_PASSWORD, org_kind=DEPARTMENT_ORG[0], department_id="transport_bureau"),
)


def ensure_demo_users(session: Session, *, actor: str = "demo") -> list[tuple[str, str, str | None]]:
    """Create the demo accounts that are missing; return (username, role, org_id) of all of them.

    Their passwords are public: refused (``RuntimeError``) unless the database holds the synthetic demo
    data set, so that no demo account can appear on a real database.
    """
    if not demo_present(session):  # marked as the demo when it was created, and holding the demo data set
        raise RuntimeError("demo accounts are only created on the synthetic demo database (transcarbon demo build)")

    out = []
    for du in DEMO_USERS:
        existing = users.find_user(session, du.username)
        if existing is None:
            org_id = demo_org(session, du.org_kind, du.org_sector) if du.org_kind else None
            existing = users.create_user(
                session,
                username=du.username,
                role=du.role,
                actor=actor,
                password=du.password,
                org_id=org_id,
                department_id=du.department_id,
                display_name=f"{du.username} (demo)",
            )
        out.append((existing.username, existing.role, existing.org_id))
    return out
