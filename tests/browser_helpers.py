"""What the browser tests share (``tests/web/test_browser*.py``): where Debian's Chromium lies, the marks that skip
them without it, signing in through the form, and which recorded requests left 127.0.0.1. The Playwright fixtures
(``browser``, ``new_page``, ``requests_seen``, ``csp_violations``) are in ``tests/web/conftest.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from transcarbon.demo.accounts import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_MARKS = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.slow,
]


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    # the home page after signing in may evaluate the year on its first view: slow on a loaded machine
    page.get_by_role("button", name="登录").click(timeout=120_000)
    page.wait_for_load_state("domcontentloaded", timeout=120_000)
    assert "/login" not in page.url, f"{username} could not log in"


def left_loopback(urls: list[str]) -> list[str]:
    """The recorded requests that went anywhere but 127.0.0.1 (data:, blob: and about: stay in the page)."""
    return [
        u for u in urls if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).hostname != "127.0.0.1"
    ]
