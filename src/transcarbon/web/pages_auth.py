"""Sign in and out (the platform's browser session: HttpOnly cookie + CSRF token), one's own account (password
change), and the home page.

The sign-in form carries a CSRF token of its own (login CSRF): a random value set in a short-lived cookie when
the form is shown and sent back in the form; a sign-in without the matching pair is refused, so another site
cannot sign a browser in under an account of its choosing. Signing out ends the session on the server whatever
the form sends."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from transcarbon.api.deps import CSRF_COOKIE, SESSION_COOKIE, cookies_secure
from transcarbon.services import users
from transcarbon.services.database import transaction
from transcarbon.services.users import UserError
from transcarbon.web.common import Page

router = APIRouter()
LOGIN_CSRF_COOKIE = "tc_login_csrf"


def _safe_next(value: str | None, fallback: str) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return fallback


def _home(page: Page) -> str:
    if page.principal.role in ("reporter",):
        return page.path("submissions")
    if page.principal.role == "public":  # a public account reads what anyone does: the portal
        return page.path("public")
    return page.path("cockpit")


@router.get("/", name="web.home")
def home(page: Page) -> Response:
    if page.principal.user_id is None:  # anyone without an account: the public portal
        return RedirectResponse(page.path("public"), status_code=303)
    return RedirectResponse(_home(page), status_code=303)


def _login_form(page: Page, *, next: str, error: str | None, username: str, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page.render(
        "login.html", {"next": next, "error": error, "username": username, "login_csrf": token}, status=status
    )
    secure = cookies_secure(page.request, page.state.settings)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=secure, path="/")
    return response


@router.get("/login", name="web.login_page")
def login_page(page: Page, next: str | None = None) -> Response:
    return _login_form(page, next=_safe_next(next, ""), error=None, username="")


@router.post("/login", name="web.login_submit")
def login_submit(
    page: Page,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = page.request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return _login_form(
            page, next=_safe_next(next, ""), error=page.t("web.csrf.text"), username=username, status=403
        )
    remote = page.request.client.host if page.request.client else "-"
    policy = users.LoginPolicy.from_settings(page.state.settings)
    with transaction(page.state.factory) as session:
        outcome = users.login(session, username, password, remote=remote, policy=policy)
        role = outcome.user.role if outcome.user is not None else None
    if outcome.throttled or outcome.session_token is None:
        key = "web.login.throttled" if outcome.throttled else "web.login.failed"
        return _login_form(
            page,
            next=_safe_next(next, ""),
            error=page.t(key),
            username=username,
            status=429 if outcome.throttled else 401,
        )
    target = _safe_next(next, page.path("submissions") if role == "reporter" else page.path("cockpit"))
    response = RedirectResponse(target, status_code=303)
    max_age = int(policy.session_lifetime.total_seconds())
    secure = cookies_secure(page.request, page.state.settings)
    token = outcome.session_token
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")
    response.set_cookie(
        CSRF_COOKIE, users.csrf_token(token), max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout", name="web.logout")
def logout(page: Page) -> Response:
    if page.session_token:  # ended on the server whatever the form holds: a stolen cookie stops working too
        page.session.rollback()
        with transaction(page.state.factory) as session:
            users.logout(session, page.session_token)
    response = RedirectResponse(page.path("login_page"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/account", name="web.account")
def account_page(page: Page, done: str | None = None, error: str | None = None) -> Response:
    if page.principal.user_id is None:
        return RedirectResponse(page.path("login_page", query={"next": page.path("account")}), status_code=303)
    return page.render("account.html", {"done": done, "error": error})


@router.post("/account/password", name="web.password_change")
def password_change(
    page: Page,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    confirm_password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if page.principal.user_id is None:
        return RedirectResponse(page.path("login_page"), status_code=303)
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    if new_password != confirm_password:
        return RedirectResponse(page.path("account", query={"error": page.t("web.account.mismatch")}), 303)
    try:
        page.session.rollback()
        with transaction(page.state.factory) as session:
            users.change_password(
                session, users.get_user(session, page.principal.username), current_password, new_password
            )
    except UserError as exc:
        return RedirectResponse(page.path("account", query={"error": page.t(exc.key, **exc.values)}), 303)
    response = RedirectResponse(page.path("login_page", query={"next": page.path("account")}), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
