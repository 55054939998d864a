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
def session(migrated_db_url: str) -> Iterator[Session]:
    seed(migrated_db_url)
    engine = db.make_engine(migrated_db_url)
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
            login_backoff_seconds=7,
            login_window_minutes=2.5,
            session_hours=0.5,
        )
    )
    assert policy == LoginPolicy(
        max_failures=3,
        backoff=timedelta(seconds=7),
        window=timedelta(minutes=2.5),
        session_lifetime=timedelta(minutes=30),
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


def test_throttling_is_per_account_and_address_and_cannot_be_extended(session: Session) -> None:
    from datetime import UTC, datetime

    policy = LoginPolicy(max_failures=3, backoff=timedelta(seconds=10), window=timedelta(minutes=15))
    t0 = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)

    def attempt(password: str, remote: str, seconds: float, name: str = "ana") -> users.LoginOutcome:
        with session.begin():
            return users.login(
                session, name, password, remote=remote, policy=policy, now=t0 + timedelta(seconds=seconds)
            )

    session.rollback()
    for i in range(3):  # three free failures
        assert not attempt("wrong password", "10.0.0.66", i).throttled
    refused = attempt("correct horse battery", "10.0.0.66", 3)  # then a wait of 10 s after the last failure
    assert refused.throttled and refused.retry_after == timedelta(seconds=9)
    for s in range(4, 12):  # hammering while waiting is refused unseen and does not lengthen the wait
        assert attempt("wrong password", "10.0.0.66", s).retry_after == timedelta(seconds=12 - s)
    assert attempt("correct horse battery", "10.9.9.9", 6).user is not None  # the user elsewhere: not locked out
    assert attempt("correct horse battery", "10.0.0.66", 7, name="root").user is not None  # other accounts: fine
    assert attempt("wrong password", "10.0.0.66", 12).user is None  # after the wait: counted, the wait doubles
    assert attempt("correct horse battery", "10.0.0.66", 13).retry_after == timedelta(seconds=19)
    assert attempt("correct horse battery", "10.0.0.66", 32).user is not None
    for i in range(3):
        attempt("wrong password", "10.0.0.66", 40 + i)
    assert attempt("correct horse battery", "10.0.0.66", 43).throttled
    with session.begin():
        users.unlock(session, users.get_user(session, "ana"), actor="root", now=t0 + timedelta(seconds=44))
    assert attempt("correct horse battery", "10.0.0.66", 45).user is not None
    assert policy.wait(3) == timedelta(seconds=10) and policy.wait(100) == timedelta(minutes=15)
