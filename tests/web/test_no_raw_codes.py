"""No raw code in the words people read (issue 12, point 2): every page each role reaches from the cockpit by
following links, in Chinese, has no status, warning category, sector, fuel, report type or indicator id in its
visible text. Visible text: tags, scripts and styles stripped; what sits in a closed ``<details>`` fold (the
technical details: hashes, JSON parameters) and what is marked ``lang="en"`` (a citation or a note in the
language it was written in) is not read. The browser tests read pages as Chromium renders them
(tests/web/test_browser.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from raw_codes import VisibleText, code_pattern, crawl, raw_codes
from web_session import sign_in

ROLES = ("analyst", "reporter", "department", "auditor", "admin", "public")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.slow
def test_no_raw_code_on_any_page_a_role_reaches(client: TestClient, role: str) -> None:
    client.cookies.clear()
    if role != "public":
        sign_in(client, role)
    client.get("/cockpit?lang=zh")
    pages = crawl(client, "/cockpit" if role != "public" else "/")
    assert pages, role
    pattern = code_pattern()
    found = {url: hits for url, text in pages.items() if (hits := raw_codes(text, pattern))}
    assert found == {}, f"{role}: raw codes on {len(found)} of {len(pages)} pages"


def test_the_check_catches_a_raw_code() -> None:
    parser = VisibleText()
    parser.feed('<td>in_progress</td><script>"off_track"</script><details><summary>技术</summary>diesel</details>')
    pattern = re.compile(r"(?<![\w.-])(in_progress|off_track|diesel)(?![\w-])")
    assert [h.strip() for h in raw_codes(parser.text, pattern)] == ["in_progress"]
