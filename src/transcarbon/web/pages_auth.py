"""Sign in and out (the platform's browser session: HttpOnly cookie + CSRF token), and the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from transcarbon.api.deps import CSRF_COOKIE, SESSION_COOKIE
from transcarbon.services import users
from transcarbon.services.database import transaction
from transcarbon.web.common import Page

router = APIRouter()


def _safe_next(value: str | None, fallback: str) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return fallback


def _home(page: Page) -> str:
    if page.principal.role in ("reporter",):
        return page.path("submissions")
    return page.path("cockpit")


@router.get("/", name="web.home")
def home(page: Page) -> Response:
    if page.principal.user_id is None:
        return RedirectResponse(page.path("login_page"), status_code=303)
    return RedirectResponse(_home(page), status_code=303)


@router.get("/login", name="web.login_page")
def login_page(page: Page, next: str | None = None) -> Response:
    return page.render("login.html", {"next": _safe_next(next, ""), "error": None, "username": ""})


@router.post("/login", name="web.login_submit")
def login_submit(
    page: Page,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    remote = page.request.client.host if page.request.client else "-"
    policy = users.LoginPolicy.from_settings(page.state.settings)
    with transaction(page.state.factory) as session:
        outcome = users.login(session, username, password, remote=remote, policy=policy)
        role = outcome.user.role if outcome.user is not None else None
    if outcome.throttled or outcome.session_token is None:
        key = "web.login.throttled" if outcome.throttled else "web.login.failed"
        return page.render(
            "login.html",
            {"next": _safe_next(next, ""), "error": page.t(key), "username": username},
            status=429 if outcome.throttled else 401,
        )
    target = _safe_next(next, page.path("submissions") if role == "reporter" else page.path("cockpit"))
    response = RedirectResponse(target, status_code=303)
    max_age = int(policy.session_lifetime.total_seconds())
    secure = page.state.settings.cookie_secure
    token = outcome.session_token
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")
    response.set_cookie(
        CSRF_COOKIE, users.csrf_token(token), max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/"
    )
    return response


@router.post("/logout", name="web.logout")
def logout(page: Page, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if page.session_token and page.principal.user_id is not None and page.csrf_ok(csrf):
        with transaction(page.state.factory) as session:
            users.logout(session, page.session_token, actor=page.principal.username)
    response = RedirectResponse(page.path("login_page"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
