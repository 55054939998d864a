"""The demo filed through the workflow, the recomputation that follows an approval, the reporter's returned
report, GBK uploads and the work list's pages (issue 12A), through the ASGI app (background tasks run when the
response is done, so the recomputation is deterministic here)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.store.models import AuditEntry, CalculationRun, Job, Submission
from web_session import form_token, sign_in

HEADER = "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t"


def test_the_demo_is_filed_through_the_workflow_by_its_people(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        sub = s.scalars(
            select(Submission).where(Submission.report_type == "energy_activity", Submission.period == "2025-12")
        ).first()
        assert sub is not None and sub.state == "approved" and sub.decided_by == "analyst"
        assert sub.created_by == sub.submitted_by != "analyst"
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "submission", AuditEntry.object_id == str(sub.id))
        ).all()
        assert [(e.action, e.actor) for e in entries] == [
            ("submission.create", sub.created_by),
            ("submission.submit", sub.created_by),
            ("submission.approve", "analyst"),
        ]
        assert json.loads(entries[-1].details)["seals"][0]["kind"] == "batch"
        per_month = s.scalar(
            select(func.count()).where(Submission.report_type == "energy_activity", Submission.period == "2025-12")
        )
        assert per_month == 54  # every demo enterprise, the month the 2025 emissions are computed from


def test_the_completeness_grid_opens_on_the_latest_year_with_reports(client: TestClient) -> None:
    sign_in(client, "analyst")
    r = client.get("/completeness")
    assert r.status_code == 200
    assert '<option value="2025" selected>' in r.text
    assert "st-missing" not in r.text.split('id="tbl-completeness"')[1].split("</table>")[0]


def test_the_submissions_list_is_paged_sorted_and_searched(client: TestClient) -> None:
    sign_in(client, "analyst")
    with_total = client.get("/submissions").text
    assert "显示第 1–50 条，共 7,542 条" in with_total
    assert "显示第 51–100 条" in client.get("/submissions?page=2").text
    found = client.get("/submissions?search=2025-12&sort=org").text
    assert "共 " in found and "7,542" not in found.split('data-testid="showing">')[1].split("<")[0]


def _csv(org: str, period: str, amount: str, encoding: str = "gb18030") -> bytes:
    row = f"{org},{period},road_freight,diesel,{amount},t,1500000,,,,"
    return f"{HEADER}\n{row}\n".encode(encoding)


def test_a_returned_report_resubmitted_and_approved_updates_the_figures(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    token = sign_in(client, "reporter")
    upload = client.get("/submissions").text
    org = upload.split('<select id="org_id" name="org_id" required>')[1].split('value="')[1].split('"')[0]
    form = {"report_type": "energy_activity", "org_id": org, "period": "2026-01", "csrf": form_token(upload)}
    bad = client.post("/submissions/upload", data=form, files={"file": ("油耗.csv", _csv(org, "2026-01", "-5"))})
    assert bad.status_code == 422 and "不能为负数" in bad.text  # a GBK file is read; its error is a cell error
    r = client.post("/submissions/upload", data=form, files={"file": ("油耗.csv", _csv(org, "2026-01", "120"))})
    assert r.history and r.history[0].status_code == 303, r.text[:300]  # stored as a draft: its page
    sub_id = int(str(r.url).split("/submissions/")[1].split("?")[0])
    client.post(f"/submissions/{sub_id}/submit", data={"csrf": token})
    token = sign_in(client, "analyst")
    client.post(f"/submissions/{sub_id}/return", data={"csrf": token, "comment": "柴油用量偏低，请核对"})
    sign_in(client, "reporter")
    listed = client.get("/submissions").text
    assert 'data-testid="returned-notice"' in listed and "柴油用量偏低，请核对" in listed
    detail = client.get(f"/submissions/{sub_id}").text
    assert 'data-testid="returned-comment"' in detail and "重新上传" in detail
    again = client.get(f"/submissions?reupload={sub_id}").text
    token = form_token(again)
    assert '<option value="2026-01"' not in again and 'value="2026-01"' in again  # the period filled in
    r = client.post(
        "/submissions/upload",
        data={**form, "csrf": token},
        files={"file": ("油耗.csv", _csv(org, "2026-01", "130", "utf-8-sig"))},
    )
    new_id = int(str(r.url).split("/submissions/")[1].split("?")[0])
    assert new_id != sub_id
    client.post(f"/submissions/{new_id}/submit", data={"csrf": token})
    token = sign_in(client, "analyst")
    with factory() as s:
        runs_before = s.scalar(
            select(func.count()).select_from(CalculationRun).where(CalculationRun.kind == "inventory")
        )
    client.post(f"/submissions/{new_id}/approve", data={"csrf": token})
    with factory() as s:
        job = s.scalars(select(Job).where(Job.kind == "recompute").order_by(Job.id.desc())).first()
        assert job is not None and (job.payload, job.state) == (
            {"years": [2026], "reason": "approve", "submission_id": new_id},
            "done",
        )
        run = s.get(CalculationRun, job.result["run_ids"][0])
        assert run is not None and run.parameters["year"] == 2026
        assert (
            s.scalar(select(func.count()).select_from(CalculationRun).where(CalculationRun.kind == "inventory"))
            == (runs_before or 0) + 1
        )
    listed = client.get("/submissions").text
    assert 'id="tbl-jobs"' in listed and "已完成" in listed and "审核通过" in listed
    assert "数据更新于" in client.get("/cockpit").text


def test_a_reporter_sees_its_own_figures_and_its_quartile(client: TestClient, factory: sessionmaker[Session]) -> None:
    from transcarbon.services.figures import organisation_figures

    sign_in(client, "reporter")
    r = client.get("/my-figures")
    assert r.status_code == 200 and "本单位排放与能耗" in r.text and 'id="tbl-months"' in r.text
    org = r.text.split("本单位排放与能耗：")[1].split("<")[0]
    assert org and "LYG-" not in org  # the organisation's name, not its code
    with factory() as s:
        own = organisation_figures(s, "LYG-FRT-001", 2025)
    assert [y["year"] for y in own["years"]][:6] == [2020, 2021, 2022, 2023, 2024, 2025]
    y2025 = next(y for y in own["years"] if y["year"] == 2025)
    assert y2025["intensity"] == pytest.approx(1000 * y2025["co2_t"] / y2025["converted_tkm"])
    peers = own["peers"]
    assert peers is not None and peers["q1"] <= peers["median"] <= peers["q3"] and 1 <= peers["quartile"] <= 4
    assert client.get("/my-figures").status_code == 200
    sign_in(client, "analyst")
    assert client.get("/my-figures").status_code == 403


@pytest.mark.slow
def test_the_warnings_inbox_acknowledges_assigns_comments_and_closes(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    token = sign_in(client, "analyst")
    inbox = client.get("/warnings?year=2025").text
    wid = int(inbox.split('id="w')[1].split('"')[0])
    steps = [
        {"action": "acknowledge"},
        {"action": "assign", "assignee": "department"},
        {"action": "comment", "comment": "请交通运输局核实"},
        {"action": "close", "comment": "已核实"},
    ]
    for step in steps:
        r = client.post(f"/warnings/{wid}/act", data={"csrf": token, "year": "2025", **step})
        assert r.status_code == 200 and 'id="warning-done"' in r.text, r.text[-500:]
    row = client.get("/warnings?year=2025").text.split(f'id="w{wid}"')[1].split("</tr>")[0]
    assert "已关闭" in row and "请交通运输局核实" in row and "department" in row
    refused = client.post(f"/warnings/{wid}/act", data={"csrf": token, "action": "assign", "assignee": "reporter"})
    assert "不是可指派的部门用户" in refused.text
    with factory() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "warning", AuditEntry.object_id == str(wid))
        ).all()
    assert actions == ["warning.acknowledge", "warning.assign", "warning.comment", "warning.close"]
