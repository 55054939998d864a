"""Through the REST API: every report type's template round-trips (download, fill, upload, submit,
approve → inventory figures or stored rows); duplicates, versions, locks; enterprise isolation; logins,
sessions, CSRF and throttling; problem details."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from platform_fixtures import PASSWORD, Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types
from transcarbon.services import audit
from transcarbon.services.accounting import AccountingOptions, inventory_json
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.templates import XLSX_MEDIA_TYPE, fill_xlsx
from transcarbon.store import db
from transcarbon.store.models import ActivityRecord, ImportBatch, ReportRow, Submission

API = "/api/v1"
CATALOG = load_report_types()
# report type -> (uploading role, organisation, period)
SLOTS = {
    "energy_activity": ("reporter", "FRT", "2024-03"),
    "vehicle_additions": ("department", "GOV", "2024-03"),
    "shore_power": ("reporter_prt", "PRT", "2024-03"),
    "port_throughput": ("reporter_prt", "PRT", "2024-03"),
    "public_transport": ("reporter_bus", "BUS", "2024-03"),
    "milestone_evidence": ("department", "GOV", "2024"),
}


@pytest.fixture
def p(migrated_db_url: str, tmp_path: Path) -> Platform:
    return make_platform(migrated_db_url, tmp_path)


def _upload(
    p: Platform,
    role: str,
    rt: str,
    org: str,
    period: str,
    data: bytes,
    name: str = "r.xlsx",
    media: str = XLSX_MEDIA_TYPE,
):
    return p.client.post(
        f"{API}/submissions",
        headers=p.h(role),
        data={"report_type": rt, "org_id": org, "period": period},
        files={"file": (name, data, media)},
    )


def _filled(p: Platform, role: str, rt_id: str, rows: list[dict[str, object]]) -> bytes:
    r = p.client.get(f"{API}/report-types/{rt_id}/template.xlsx", headers=p.h(role))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_MEDIA_TYPE
    return fill_xlsx(r.content, rows, CATALOG.get(rt_id))


@pytest.mark.parametrize("rt_id", list(SLOTS))
def test_template_round_trip(p: Platform, rt_id: str) -> None:
    role, org, period = SLOTS[rt_id]
    rt = CATALOG.get(rt_id)
    row = example_row(rt)
    if rt.feeds == "activity":
        row |= {"org_id": org, "period": period, "amount": 100, "freight_tkm": 2_000_000}
    data = _filled(p, role, rt_id, [row])
    dry = p.client.post(
        f"{API}/submissions/validate",
        headers=p.h(role),
        data={"report_type": rt_id, "org_id": org, "period": period},
        files={"file": ("r.xlsx", data, XLSX_MEDIA_TYPE)},
    )
    assert dry.status_code == 200 and dry.json()["ok"] and dry.json()["rows"] == 1, dry.text
    r = _upload(p, role, rt_id, org, period, data)
    assert r.status_code == 201, r.text
    sub = r.json()["submission"]
    assert sub["state"] == "draft" and sub["version"] == 1 and sub["row_count"] == 1
    sid = sub["id"]
    if rt_id == "milestone_evidence":  # the example row names an attachment: submit needs it
        refused = p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h(role))
        assert refused.status_code == 422 and refused.json()["errors"][0]["column"] == "attachments"
        att = p.client.post(
            f"{API}/submissions/{sid}/attachments",
            headers=p.h(role),
            files={"file": ("验收报告.pdf", b"%PDF-1.4 evidence", "application/pdf")},
        )
        assert att.status_code == 201, att.text
    r = p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h(role))
    assert r.status_code == 200 and r.json()["state"] == "submitted", r.text
    r = p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst"))
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    rows = p.client.get(f"{API}/submissions/{sid}/rows", headers=p.h(role)).json()
    assert len(rows) == 1 and rows[0]["row"] == 2
    original = p.client.get(f"{API}/submissions/{sid}/file", headers=p.h(role))
    assert original.status_code == 200 and original.content == data
    engine = db.make_engine(p.url)
    with db.session_factory(engine)() as s:
        if rt.feeds == "activity":
            assert rows[0]["amount"] == 100 and rows[0]["org_id"] == "FRT"
            with s.begin():
                run = run_inventory(s, 2024, AccountingOptions(), actor="test")
            road = inventory_json(run.inventory)["by_sector"]["road_freight"]  # type: ignore[index]
            assert road["freight_tkm"] == pytest.approx(2_000_000)
            assert road["co2_t"] == pytest.approx(100 * 42.652 * 0.0202 * 0.98 * 44 / 12)
            assert s.scalars(select(ImportBatch.status).where(ImportBatch.submission_id == sid)).one() == "approved"
        else:
            stored = s.scalars(select(ReportRow).where(ReportRow.submission_id == sid)).one()
            first = rt.fields[0]
            assert stored.data[first.id] == row[first.id]
            numeric = next((f for f in rt.fields if f.numeric and row.get(f.id) not in ("", None)), None)
            if numeric is not None:
                assert float(stored.data[numeric.id]) == pytest.approx(float(str(row[numeric.id])))  # type: ignore[arg-type]
        assert audit.verify(s).ok
    engine.dispose()


def test_activity_feeds_inventory_only_once_approved(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    row = example_row(rt, org_id="FRT", period="2024-05", amount=200, freight_tkm=4_000_000)
    r = _upload(p, "reporter", "energy_activity", "FRT", "2024-05", csv_bytes(rt, [row]), "a.csv", "text/csv")
    sid = r.json()["submission"]["id"]
    engine = db.make_engine(p.url)
    factory = db.session_factory(engine)

    def road_co2() -> float | None:
        with factory() as s, s.begin():
            inv = inventory_json(run_inventory(s, 2024, AccountingOptions(), actor="t").inventory)
            sector = inv["by_sector"].get("road_freight")  # type: ignore[attr-defined]
            return None if sector is None else float(sector["co2_t"])

    assert road_co2() is None  # draft: not in the inventory
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter"))
    assert road_co2() is None  # submitted: still not
    p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst"))
    assert road_co2() == pytest.approx(200 * 42.652 * 0.0202 * 0.98 * 44 / 12)
    r = p.client.post(f"{API}/submissions/{sid}/unapprove", headers=p.h("analyst"), json={"comment": ""})
    assert r.status_code == 422  # a reason is required
    r = p.client.post(f"{API}/submissions/{sid}/unapprove", headers=p.h("analyst"), json={"comment": "金额有误"})
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert road_co2() is None
    with factory() as s:
        entry = s.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "submission.unapprove")).one()
        assert "金额有误" in entry.details and entry.before_hash and entry.after_hash
    engine.dispose()


def test_duplicate_versions_and_lock(p: Platform) -> None:
    rt = CATALOG.get("shore_power")
    v1 = csv_bytes(rt, [example_row(rt)])
    first = _upload(p, "reporter_prt", "shore_power", "PRT", "2024-03", v1, "s.csv", "text/csv")
    again = _upload(p, "reporter_prt", "shore_power", "PRT", "2024-03", v1, "s-copy.csv", "text/csv")
    assert first.status_code == 201 and again.status_code == 200 and again.json()["duplicate"]
    assert again.json()["submission"]["id"] == first.json()["submission"]["id"]
    v2 = csv_bytes(rt, [example_row(rt, kwh=39000)])
    second = _upload(p, "reporter_prt", "shore_power", "PRT", "2024-03", v2, "s2.csv", "text/csv")
    assert second.status_code == 201 and second.json()["submission"]["version"] == 2
    s1 = p.client.get(f"{API}/submissions/{first.json()['submission']['id']}", headers=p.h("analyst")).json()
    assert s1["state"] == "superseded"  # the old version is kept
    sid = second.json()["submission"]["id"]
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter_prt"))
    review = _upload(
        p,
        "reporter_prt",
        "shore_power",
        "PRT",
        "2024-03",
        csv_bytes(rt, [example_row(rt, kwh=1)]),
        "s3.csv",
        "text/csv",
    )
    assert review.status_code == 409 and "under review" in review.json()["detail_en"]
    p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst"))
    locked = _upload(
        p,
        "reporter_prt",
        "shore_power",
        "PRT",
        "2024-03",
        csv_bytes(rt, [example_row(rt, kwh=2)]),
        "s4.csv",
        "text/csv",
    )
    assert locked.status_code == 409 and locked.json()["type"].endswith("wf.locked")
    again_approve = p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst"))
    assert again_approve.status_code == 409
    listing = p.client.get(f"{API}/submissions", params={"report_type": "shore_power"}, headers=p.h("analyst")).json()
    assert listing["total"] == 2 and [i["version"] for i in listing["items"]] == [2, 1]


def test_return_needs_comment_and_allows_new_version(p: Platform) -> None:
    rt = CATALOG.get("port_throughput")
    r = _upload(p, "reporter_prt", "port_throughput", "PRT", "2024-03", csv_bytes(rt, [example_row(rt)]), "p.csv")
    sid = r.json()["submission"]["id"]
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter_prt"))
    assert p.client.post(f"{API}/submissions/{sid}/return", headers=p.h("analyst"), json={}).status_code == 422
    back = p.client.post(f"{API}/submissions/{sid}/return", headers=p.h("analyst"), json={"comment": "请补充江海联运"})
    assert back.status_code == 200 and back.json()["state"] == "returned" and back.json()["comment"] == "请补充江海联运"
    v2 = _upload(
        p,
        "reporter_prt",
        "port_throughput",
        "PRT",
        "2024-03",
        csv_bytes(rt, [example_row(rt, river_sea_teu=9000)]),
        "p2.csv",
    )
    assert v2.status_code == 201 and v2.json()["submission"]["version"] == 2


def test_refused_upload_changes_nothing_and_names_the_cell(p: Platform) -> None:
    rt = CATALOG.get("public_transport")
    bad = _filled(
        p, "reporter_bus", "public_transport", [example_row(rt), example_row(rt, mode="metro", passengers="lots")]
    )
    r = _upload(p, "reporter_bus", "public_transport", "BUS", "2024-03", bad)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    errs = {(e["row"], e["column"]): e for e in r.json()["errors"]}
    assert errs[(3, "mode")]["value"] == "metro" and errs[(3, "mode")]["sheet"] == "数据"
    assert "可选" in errs[(3, "mode")]["message_zh"] and "use one of" in errs[(3, "mode")]["message_en"]
    assert errs[(3, "passengers")]["value"] == "lots"
    assert p.client.get(f"{API}/submissions", headers=p.h("analyst")).json()["total"] == 0
    log = p.client.get(f"{API}/audit", params={"action": "upload.refused"}, headers=p.h("auditor")).json()
    assert log["total"] == 1


def test_enterprise_cannot_see_or_change_another(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    row = example_row(rt, org_id="FRT", period="2024-03")
    sid = _upload(p, "reporter", "energy_activity", "FRT", "2024-03", csv_bytes(rt, [row]), "a.csv").json()[
        "submission"
    ]["id"]
    other = p.h("reporter_oth")
    assert p.client.get(f"{API}/submissions", headers=other).json()["total"] == 0
    for path in ("", "/rows", "/file"):
        assert p.client.get(f"{API}/submissions/{sid}{path}", headers=other).status_code == 404
    for action in ("submit", "approve", "return", "unapprove"):
        assert p.client.post(f"{API}/submissions/{sid}/{action}", headers=other, json={"comment": "x"}).status_code in (
            403,
            404,
        )
    att = p.client.post(f"{API}/submissions/{sid}/attachments", headers=other, files={"file": ("x.pdf", b"x")})
    assert att.status_code == 404
    # nor report for it, nor validate for it
    row_oth = example_row(rt, org_id="FRT", period="2024-03")
    r = _upload(p, "reporter_oth", "energy_activity", "FRT", "2024-03", csv_bytes(rt, [row_oth]), "b.csv")
    assert r.status_code == 403
    r = p.client.post(
        f"{API}/submissions/validate",
        headers=other,
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("b.csv", csv_bytes(rt, [row_oth]))},
    )
    assert r.status_code == 403
    orgs = p.client.get(f"{API}/organisations", headers=other).json()
    assert [o["id"] for o in orgs] == ["OTH"]
    # rows naming another organisation inside one's own upload are refused
    r = _upload(p, "reporter_oth", "energy_activity", "OTH", "2024-03", csv_bytes(rt, [row_oth]), "c.csv")
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "org_id"
    with db.session_factory(db.make_engine(p.url))() as s:
        assert s.scalars(select(Submission.state).where(Submission.id == sid)).one() == "draft"
        assert s.query(ActivityRecord).count() == 1


def test_department_reads_its_area_only(p: Platform) -> None:
    rt = CATALOG.get("public_transport")
    sid = _upload(
        p, "reporter_bus", "public_transport", "BUS", "2024-03", csv_bytes(rt, [example_row(rt)]), "b.csv"
    ).json()["submission"]["id"]
    assert p.client.get(f"{API}/submissions/{sid}", headers=p.h("department")).status_code == 200  # supervised
    ea = CATALOG.get("energy_activity")
    fid = _upload(
        p,
        "reporter",
        "energy_activity",
        "FRT",
        "2024-03",
        csv_bytes(ea, [example_row(ea, org_id="FRT", period="2024-03")]),
        "a.csv",
    ).json()["submission"]["id"]
    assert p.client.get(f"{API}/submissions/{fid}", headers=p.h("department")).status_code == 200  # supervised too
    sp = CATALOG.get("shore_power")
    pid = _upload(p, "reporter_prt", "shore_power", "PRT", "2024-03", csv_bytes(sp, [example_row(sp)]), "s.csv").json()[
        "submission"
    ]["id"]
    assert p.client.get(f"{API}/submissions/{pid}", headers=p.h("department")).status_code == 200
    # the department may not approve anything
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter_bus"))
    assert p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("department")).status_code == 403


def test_completeness_and_timeliness(p: Platform) -> None:
    rt = CATALOG.get("shore_power")
    sid = _upload(p, "reporter_prt", "shore_power", "PRT", "2024-03", csv_bytes(rt, [example_row(rt)]), "s.csv").json()[
        "submission"
    ]["id"]
    r = p.client.get(
        f"{API}/completeness",
        params={"report_type": "shore_power", "period": "2024-03", "as_of": "2024-04-10"},
        headers=p.h("analyst"),
    ).json()
    assert r["due_date"] == "2024-04-15" and r["expected"] == 1 and r["approved"] == 0
    assert r["organisations"][0]["state"] == "draft" and r["organisations"][0]["timeliness"] == "not_due"
    r = p.client.get(
        f"{API}/completeness",
        params={"report_type": "shore_power", "period": "2024-03", "as_of": "2024-05-01"},
        headers=p.h("analyst"),
    ).json()
    assert r["organisations"][0]["timeliness"] == "overdue"
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter_prt"))
    p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst"))
    r = p.client.get(
        f"{API}/completeness", params={"report_type": "shore_power", "period": "2024-03"}, headers=p.h("auditor")
    ).json()
    assert r["approved"] == 1 and r["completeness_pct"] == 100.0
    assert r["organisations"][0]["timeliness"] == "late"  # submitted today, long after 2024-04-15
    next_year = f"{date.today().year + 1}-12"  # the last period open to reporting: not due yet
    ea = p.client.get(
        f"{API}/completeness", params={"report_type": "energy_activity", "period": next_year}, headers=p.h("analyst")
    ).json()
    assert ea["expected"] == 4 and ea["timeliness_pct"] == 0.0
    assert {o["timeliness"] for o in ea["organisations"]} == {"not_due"}
    far = p.client.get(
        f"{API}/completeness", params={"report_type": "energy_activity", "period": "2099-01"}, headers=p.h("analyst")
    )
    assert far.status_code == 422 and far.json()["type"].endswith("wf.period_out_of_range")


def test_password_login_session_csrf_and_throttle(migrated_db_url: str, tmp_path: Path) -> None:
    p = make_platform(migrated_db_url, tmp_path, login_max_failures=3)
    c = p.client
    r = c.post(f"{API}/auth/login", json={"username": "frt", "password": "wrong password"})
    assert r.status_code == 401 and r.json()["detail_zh"] == "用户名或密码不正确"
    r = c.post(f"{API}/auth/login", json={"username": "frt", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "reporter"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    csrf = r.json()["csrf_token"]
    assert c.get(f"{API}/auth/me").json()["username"] == "frt"
    rt = CATALOG.get("energy_activity")
    body = {"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"}
    files = {"file": ("a.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")]))}
    r = c.post(f"{API}/submissions/validate", data=body, files=files)
    assert r.status_code == 403 and r.json()["type"].endswith("auth.csrf")
    r = c.post(f"{API}/submissions/validate", data=body, files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["ok"]
    assert c.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    c.cookies.clear()
    assert c.get(f"{API}/auth/me").status_code == 401
    for _ in range(3):
        assert c.post(f"{API}/auth/login", json={"username": "ana", "password": "nope nope"}).status_code == 401
    r = c.post(f"{API}/auth/login", json={"username": "ana", "password": PASSWORD})
    assert r.status_code == 429 and "Retry-After" in r.headers  # throttled even with the right password
    log = c.get(f"{API}/audit", params={"action": "login.ok"}, headers=p.h("auditor")).json()
    assert log["total"] == 1 and log["items"][0]["actor"] == "frt"
    assert c.get(f"{API}/auth/me", headers={"Authorization": "Bearer tc_forged"}).status_code == 401


def test_role_change_disable_and_tokens(p: Platform) -> None:
    users_list = p.client.get(f"{API}/users", headers=p.h("admin")).json()
    oth = next(u for u in users_list if u["username"] == "oth")
    r = p.client.patch(f"{API}/users/{oth['id']}", headers=p.h("admin"), json={"role": "auditor"})
    assert r.status_code == 200 and r.json()["role"] == "auditor"
    assert p.client.get(f"{API}/audit", headers=p.h("reporter_oth")).status_code == 200  # now an auditor
    r = p.client.patch(f"{API}/users/{oth['id']}", headers=p.h("admin"), json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"]
    assert p.client.get(f"{API}/auth/me", headers=p.h("reporter_oth")).status_code == 401
    r = p.client.post(
        f"{API}/users", headers=p.h("admin"), json={"username": "new", "role": "reporter", "password": "x" * 12}
    )
    assert r.status_code == 422 and r.json()["type"].endswith("user.org_required")
    r = p.client.post(
        f"{API}/users",
        headers=p.h("admin"),
        json={"username": "new", "role": "reporter", "password": "x" * 12, "org_id": "OTH"},
    )
    assert r.status_code == 201
    tok = p.client.post(f"{API}/users/{r.json()['id']}/tokens", headers=p.h("admin"), json={"name": "erp"}).json()
    assert p.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {tok['token']}"}).json()["org_id"] == "OTH"
    actions = [e["action"] for e in p.client.get(f"{API}/audit", headers=p.h("auditor")).json()["items"]]
    assert {"user.role", "user.disable", "user.add", "token.issue"} <= set(actions)


def test_problem_details_never_a_trace(p: Platform) -> None:
    r = p.client.get(f"{API}/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = p.client.get(f"{API}/submissions/abc", headers=p.h("analyst"))
    assert r.status_code == 422 and r.json()["status"] == 422 and "errors" in r.json()
    r = p.client.get(f"{API}/report-types/nope", headers=p.h("analyst"))
    assert r.status_code == 404 and "shore_power" in r.json()["detail"]

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("secret internals")

    import transcarbon.services.submissions as wf

    original = wf.list_submissions
    wf.list_submissions = boom  # type: ignore[assignment]
    try:
        r = p.client.get(f"{API}/submissions", headers=p.h("analyst"))
    finally:
        wf.list_submissions = original
    assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text
    assert r.json()["detail_en"].startswith("internal error (reference ")


def test_published_aggregates_count_approved_reports_per_year(p: Platform) -> None:
    """Grouped by the year of the period: on PostgreSQL too (where two spellings of one expression were refused)."""
    rt = CATALOG.get("port_throughput")
    r = _upload(
        p, "reporter_prt", "port_throughput", "PRT", "2024-03", csv_bytes(rt, [example_row(rt)]), "p.csv", "text/csv"
    )
    sid = r.json()["submission"]["id"]
    p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter_prt"))
    assert p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst")).status_code == 200
    r = p.client.get(f"{API}/public/aggregates")
    assert r.status_code == 200, r.text
    assert r.json()["approved_reports"] == [{"report_type": "port_throughput", "year": 2024, "count": 1}]
