"""Request dependencies: database session, who is calling, and role checks (``Annotated`` aliases).

The web pages share them (the same app state, session cookie and sign-in): ``web`` imports this module,
never the reverse.

Authentication, in order: ``Authorization: Bearer <API token>`` (systems), else the ``tc_session``
cookie (browsers). Cookie-authenticated unsafe requests (POST, PUT, PATCH, DELETE) must carry the
session's CSRF token in ``X-CSRF-Token``; the cookie itself is HttpOnly and SameSite=Lax. No
credentials: the anonymous principal, whose role is ``public``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Path, Request
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.api.problems import Problem
from transcarbon.city.config import CityConfig
from transcarbon.services import job_worker, users
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.submissions import Context
from transcarbon.services.users import Principal
from transcarbon.settings import Settings

SESSION_COOKIE = "tc_session"
CSRF_COOKIE = "tc_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class AppState:
    """What the app keeps for every request (``app.state.tc``): settings, the city, sessions, report-type context."""

    settings: Settings
    city: CityConfig
    factory: sessionmaker[Session]
    ctx: Context


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.tc
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def job_options(state: AppState) -> AccountingOptions:
    """The configured accounting choices the job worker computes with."""
    s = state.settings
    return AccountingOptions(factor_set=s.factor_set, gwp=s.gwp, default_region=s.default_region)


def schedule_recompute(tasks: BackgroundTasks, state: AppState) -> None:
    """Work off the job queue after the response is sent (an approval or un-approval queued a recomputation):
    :func:`transcarbon.services.job_worker.run_pending` with the configured accounting choices."""
    tasks.add_task(job_worker.run_pending, state.factory, job_options(state))


def get_session(state: StateDep) -> Iterator[Session]:
    with state.factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_city(state: StateDep) -> CityConfig:
    return state.city


CityDep = Annotated[CityConfig, Depends(get_city)]


def get_context(state: StateDep) -> Context:
    return state.ctx


ContextDep = Annotated[Context, Depends(get_context)]


def get_principal(request: Request, session: SessionDep) -> Principal:
    try:
        return _principal(request, session)
    finally:
        session.rollback()  # end the read-only lookup, so that the route may begin its own transaction


def _principal(request: Request, session: Session) -> Principal:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        user = users.user_for_token(session, token.strip()) if scheme.lower() == "bearer" and token else None
        if user is None:
            raise Problem(401, "auth.bad_token", headers={"WWW-Authenticate": "Bearer"})
        return Principal.of(user)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        user = users.user_for_session(session, cookie)
        if user is not None:
            if request.method not in SAFE_METHODS and not users.csrf_ok(cookie, request.headers.get(CSRF_HEADER)):
                raise Problem(403, "auth.csrf")
            return Principal.of(user)
    return Principal.anonymous()


OptionalUser = Annotated[Principal, Depends(get_principal)]


def get_current_user(principal: OptionalUser) -> Principal:
    if principal.user_id is None:
        raise Problem(401, "auth.required", headers={"WWW-Authenticate": "Bearer"})
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require(permission: str) -> Callable[[Principal], Principal]:
    """A dependency that lets through only roles holding ``permission`` (401 when anonymous)."""

    def _check(principal: CurrentUser) -> Principal:
        if not principal.may(permission):
            raise Problem(403, "auth.forbidden", role=principal.role)
        return principal

    _check.__name__ = f"require_{permission.replace('.', '_')}"
    return _check


Reader = Annotated[Principal, Depends(require("submissions.read"))]
Uploader = Annotated[Principal, Depends(require("submissions.upload"))]
Submitter = Annotated[Principal, Depends(require("submissions.submit"))]
Reviewer = Annotated[Principal, Depends(require("submissions.review"))]
TemplateReader = Annotated[Principal, Depends(require("report_types.read"))]
CompletenessReader = Annotated[Principal, Depends(require("completeness.read"))]
OrgReader = Annotated[Principal, Depends(require("organisations.read"))]
Admin = Annotated[Principal, Depends(require("users.manage"))]
AuditReader = Annotated[Principal, Depends(require("audit.read"))]

DbId = Annotated[int, Path(ge=1, le=2_147_483_647, description="a database id")]


def cookies_secure(request: Request, settings: Settings) -> bool:
    """Whether cookies get ``Secure``: ``TRANSCARBON_COOKIE_SECURE`` when set, else whether this request came over
    HTTPS (behind a proxy, run uvicorn with ``--proxy-headers`` so that ``X-Forwarded-Proto`` counts)."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"
