"""The green-trip credits pages on the demo: the citizens' page without signing in (figures, by mode, the
methodology in plain Chinese, no raw codes); the admin page by role (methodology hash, rules, queue, partners,
ledger verification); adding a partner shows its secret once; a review decision; the cockpit's figure."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from web_session import form_token, sign_in


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))


def test_public_page_without_sign_in(client: TestClient) -> None:
    client.cookies.clear()
    r = client.get("/public/credits")
    assert r.status_code == 200
    text = visible(r.text)
    for words in (
        "绿色出行碳普惠",
        "累计减排",
        "参与人数",
        "骑行",
        "公交",
        "每次出行的减排量",
        "高碳出行基准",
        "示例数据",
    ):
        assert words in text, words
    for code in ("high_carbon", "walk", "carpool", "to_check", "bike_share"):
        assert code not in text, code
    assert client.get("/public/credits?lang=en").text.count("Green-trip carbon credits") >= 1


def test_admin_page_by_role(client: TestClient) -> None:
    sign_in(client, "reporter")
    assert client.get("/admin/credits").status_code == 403
    sign_in(client, "auditor")
    r = client.get("/admin/credits?verify=1")
    assert r.status_code == 200 and 'data-testid="ledger-ok"' in r.text
    assert 'name="decision"' not in r.text and "credits_partner_add" not in r.text  # reads only
    assert "rules-2026.1" in r.text and "速度合理性" in r.text


def test_admin_adds_a_partner_and_decides(client: TestClient) -> None:
    sign_in(client, "admin")
    page = client.get("/admin/credits").text
    token = form_token(page)
    assert "2026.1" in page and "待人工审核" in page
    r = client.post("/admin/credits/partners", data={"name": "测试 App", "kind": "bike_share", "csrf": token})
    assert r.status_code == 200 and 'data-testid="new-partner"' in r.text
    secret = re.search(r"<code>([0-9a-f]{64})</code>", r.text)
    assert secret is not None
    assert secret.group(1) not in client.get("/admin/credits").text  # shown once
    bad = client.post("/admin/credits/partners", data={"name": "x", "kind": "maas", "csrf": "nope"})
    assert bad.status_code == 403
    trip_id = re.search(r'action="/admin/credits/trips/(\d+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post(
        f"/admin/credits/trips/{trip_id}", data={"decision": "reject", "csrf": token}, follow_redirects=False
    )
    assert done.status_code == 303 and "error" not in done.headers["location"]
    assert f'action="/admin/credits/trips/{trip_id}"' not in client.get("/admin/credits").text


def test_cockpit_shows_the_green_trip_reduction(client: TestClient) -> None:
    sign_in(client, "analyst")
    r = client.get("/cockpit")
    assert r.status_code == 200 and 'data-testid="kpi-green-trips"' in r.text and "绿色出行减排" in r.text
