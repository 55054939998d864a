"""Demo accounts, one per role, for ``start``, tests and benchmarks.

The passwords are public demo values: the accounts are created only on the synthetic demo database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.demo.builder import demo_present
from transcarbon.services import users
from transcarbon.store.models import Organisation, User


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
    DemoUser("analyst", "analyst", DEMO_PASSWORD),
    DemoUser("auditor", "auditor", DEMO_PASSWORD),
    DemoUser("reporter", "reporter", DEMO_PASSWORD, org_kind="enterprise", org_sector="road_freight"),
    DemoUser("department", "department", DEMO_PASSWORD, org_kind="department", department_id="transport_bureau"),
)


def ensure_demo_users(session: Session, *, actor: str = "demo") -> list[tuple[str, str, str | None]]:
    """Create the demo accounts that are missing; return (username, role, org_id) of all of them.

    Their passwords are public: refused (``RuntimeError``) unless the database holds the synthetic demo
    data set, so that no demo account can appear on a real database.
    """
    if not demo_present(session):
        raise RuntimeError("demo accounts are only created on the synthetic demo database (transcarbon demo build)")

    out = []
    for du in DEMO_USERS:
        existing = session.scalars(select(User).where(User.username == du.username)).first()
        if existing is None:
            org_id = None
            if du.org_kind:
                q = select(Organisation.id).where(Organisation.kind == du.org_kind).order_by(Organisation.id)
                if du.org_sector:
                    q = q.where(Organisation.sector == du.org_sector)
                org_id = session.scalars(q).first() or session.scalars(
                    select(Organisation.id).where(Organisation.kind == du.org_kind).order_by(Organisation.id)).first()
            existing = users.create_user(session, username=du.username, role=du.role, actor=actor,
                                         password=du.password, org_id=org_id, department_id=du.department_id,
                                         display_name=f"{du.username} (demo)")
        out.append((existing.username, existing.role, existing.org_id))
    return out
