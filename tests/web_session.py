"""Signing a test client in through the sign-in form, as a browser does: the form first (its login-CSRF cookie and
hidden token), then the post; returns the session's CSRF token for the pages' forms."""

from __future__ import annotations

from fastapi.testclient import TestClient

from transcarbon.demo.accounts import DEMO_PASSWORD


def form_token(html: str) -> str:
    """The value of the first ``csrf`` hidden field of a page."""
    return html.split('name="csrf" value="')[1].split('"')[0]


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    client.cookies.clear()
    token = form_token(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies.get("tc_csrf") or ""
