"""Register, coverage and milestone pages through the ASGI app: names of codes on the page, an asset's history,
the coverage table, and milestone evidence filed with its document, reviewed and shown with its reviewer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from web_session import sign_in


def login(client: TestClient, username: str) -> None:
    sign_in(client, username)


def _csrf(client: TestClient) -> str:
    return client.get("/api/v1/auth/me").json()["csrf_token"]


def test_registers_index_and_a_register_without_codes(client: TestClient) -> None:
    login(client, "analyst")
    index = client.get("/registers?as_of=2025-12-31")
    assert index.status_code == 200 and "公交站点台账" in index.text and "服务区（站）充电设施台账" in index.text
    page = client.get("/registers/ships?as_of=2025-12-31")
    assert page.status_code == 200
    assert "已安装" in page.text and "not_fitted" not in page.text and "散货船" in page.text
    assert client.get("/registers/energy_activity").status_code == 404
    csv = client.get("/registers/service_areas?as_of=2025-12-31&csv=register").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("服务区编号") and len(csv.splitlines()) == 17


def test_history_and_coverage_pages(client: TestClient) -> None:
    login(client, "department")
    history = client.get("/registers/port_areas/assets/LYG-T07?as_of=2025-12-31")
    assert history.status_code == 200 and "已通铁路" in history.text and "2022-12-26" in history.text
    cov = client.get("/coverage?as_of=2025-12-31")
    assert cov.status_code == 200 and "js-plot" in cov.text and "赣榆区中心城区" in cov.text
    assert "近似" in cov.text  # the built-up outline is marked approximate


def test_a_milestone_without_a_document_for_done_is_refused(client: TestClient) -> None:
    login(client, "department")
    r = client.post(
        "/milestones",
        data={
            "csrf": _csrf(client),
            "milestone_id": "infrastructure_greening",
            "status": "done",
            "evidence_date": "2026-03-01",
            "text": "【示例】无附件",
        },
        files={"documents": ("", b"", "application/octet-stream")},
    )
    assert r.status_code == 422 and "佐证文件" in r.text


def test_milestone_evidence_filed_on_the_web_reviewed_and_shown(client: TestClient) -> None:
    login(client, "department")
    page = client.get("/milestones")
    assert page.status_code == 200 and "汽车维修电子健康档案系统与汽车排放检验系统对接互联" in page.text
    assert "已完成" in page.text and ">in_progress<" not in page.text
    r = client.post(
        "/milestones",
        data={
            "csrf": _csrf(client),
            "milestone_id": "rail_passenger_system_built",
            "status": "in_progress",
            "evidence_date": "2026-02-14",
            "text": "【示例】连淮扬镇铁路客运段验收",
        },
        files={"documents": ("验收报告.pdf", b"%PDF-1.4 test", "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    sid = int(r.headers["location"].split("/submissions/")[1].split("?")[0])
    login(client, "admin")
    assert (
        client.post(f"/api/v1/submissions/{sid}/approve", headers={"X-CSRF-Token": _csrf(client)}, json={}).status_code
        == 200
    )
    shown = client.get("/milestones").text
    assert "2026-02-14" in shown and "验收报告.pdf" in shown and "admin" in shown  # the reviewer
