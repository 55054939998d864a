"""Log in and out with a password (browser session cookie + CSRF token); who am I; one's own password and API
tokens (list, revoke)."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response

from transcarbon.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    CurrentUser,
    DbId,
    SessionDep,
    StateDep,
    cookies_secure,
)
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.api.schemas import LoginIn, MeOut, PasswordChangeIn, TokenInfoOut
from transcarbon.services import users
from transcarbon.services.users import Principal

router = APIRouter(prefix="/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


def _me(p: Principal, csrf: str | None = None) -> MeOut:
    return MeOut(
        id=p.user_id, username=p.username, role=p.role, org_id=p.org_id, department_id=p.department_id, csrf_token=csrf
    )


@router.post("/login", response_model=MeOut, summary="Log in (sets the session cookie; returns the CSRF token)")
def login(body: LoginIn, request: Request, response: Response, session: SessionDep, state: StateDep) -> MeOut:
    remote = request.client.host if request.client else "-"
    policy = users.LoginPolicy.from_settings(state.settings)
    with session.begin():
        outcome = users.login(session, body.username, body.password, remote=remote, policy=policy)
        user = outcome.user
        principal = Principal.of(user) if user is not None else None
    if outcome.retry_after is not None:
        seconds = max(1, math.ceil(outcome.retry_after.total_seconds()))
        raise Problem(429, "auth.throttled", headers={"Retry-After": str(seconds)}, seconds=seconds)
    if principal is None or outcome.session_token is None:
        raise Problem(401, "auth.bad_credentials")
    token = outcome.session_token
    max_age = int(policy.session_lifetime.total_seconds())
    secure = cookies_secure(request, state.settings)
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")
    csrf = users.csrf_token(token)
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/")
    return _me(principal, csrf)


@router.post("/logout", status_code=204, summary="End the browser session (on the server, whatever else is sent)")
def logout(request: Request, response: Response, session: SessionDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with session.begin():
            users.logout(session, cookie)
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut, summary="The caller (and, for a browser session, its CSRF token)")
def me(request: Request, principal: CurrentUser) -> MeOut:
    cookie = request.cookies.get(SESSION_COOKIE)
    auth = request.headers.get("authorization")
    return _me(principal, users.csrf_token(cookie) if cookie and not auth else None)


@router.post("/password", status_code=204, summary="Change one's own password (every browser session ends)")
def change_password(body: PasswordChangeIn, principal: CurrentUser, session: SessionDep) -> Response:
    with session.begin():
        users.change_password(
            session, users.get_user(session, principal.username), body.current_password, body.new_password
        )
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/tokens", response_model=list[TokenInfoOut], summary="One's own API tokens (never the tokens)")
def my_tokens(principal: CurrentUser, session: SessionDep) -> list[TokenInfoOut]:
    user = users.get_user(session, principal.username)
    return [TokenInfoOut.model_validate(t) for t in users.list_tokens(session, user)]


@router.delete("/tokens/{token_id}", response_model=TokenInfoOut, summary="Revoke one of one's own API tokens")
def revoke_my_token(token_id: DbId, principal: CurrentUser, session: SessionDep) -> TokenInfoOut:
    with session.begin():
        row = users.revoke_token(
            session, users.get_user(session, principal.username), token_id, actor=principal.username
        )
        return TokenInfoOut.model_validate(row)
