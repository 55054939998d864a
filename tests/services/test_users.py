"""Users: finding accounts by name and id, listing them, and the login policy built from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from platform_fixtures import seed
from transcarbon.services import users
from transcarbon.services.users import LoginPolicy, UserError
from transcarbon.settings import Settings
from transcarbon.store import db


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    db.upgrade(db_url)
    seed(db_url)
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_find_get_and_list(session: Session) -> None:
    listed = users.list_users(session)
    assert [u.id for u in listed] == sorted(u.id for u in listed) and len(listed) == 9
    root = users.find_user(session, "root")
    assert root is not None and root.role == "admin"
    assert users.find_user(session, "nobody") is None
    assert users.get_user_by_id(session, root.id) is root
    with pytest.raises(UserError) as exc:
        users.get_user_by_id(session, 10**6)
    assert exc.value.key == "user.not_found" and exc.value.values == {"username": "1000000"}


def test_login_policy_from_settings(tmp_path: Path) -> None:
    assert LoginPolicy.from_settings(Settings(data_dir=tmp_path)) == LoginPolicy()
    policy = LoginPolicy.from_settings(
        Settings(
            data_dir=tmp_path,
            login_max_failures=3,
            login_max_failures_per_remote=7,
            login_window_minutes=2.5,
            session_hours=0.5,
        )
    )
    assert policy == LoginPolicy(
        max_failures=3, max_failures_per_remote=7, window=timedelta(minutes=2.5), session_lifetime=timedelta(minutes=30)
    )


DEPARTMENTS = ["transport_bureau", "development_reform_commission"]


def test_unknown_organisation_or_department_refused_for_every_role(session: Session) -> None:
    for role in ("admin", "analyst", "auditor"):
        with pytest.raises(UserError) as exc:
            users.create_user(
                session, username=f"x{role}", role=role, actor="t", org_id="NOPE", departments=DEPARTMENTS
            )
        assert exc.value.key == "wf.unknown_org"
        with pytest.raises(UserError) as exc:
            users.create_user(
                session, username=f"y{role}", role=role, actor="t", department_id="nope", departments=DEPARTMENTS
            )
        assert exc.value.key == "user.unknown_department"


def test_update_refuses_an_unknown_department(session: Session) -> None:
    dept = users.get_user(session, "dept")
    with pytest.raises(UserError) as exc:
        users.update_user(session, dept, actor="t", department_id="no_such_department", departments=DEPARTMENTS)
    assert exc.value.key == "user.unknown_department" and exc.value.values["department"] == "no_such_department"
    users.update_user(session, dept, actor="t", department_id="development_reform_commission", departments=DEPARTMENTS)
    assert dept.department_id == "development_reform_commission"
