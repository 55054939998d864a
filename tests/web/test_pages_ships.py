"""The port page, shore-power supervision and the public portal through the ASGI app: Chinese words and no raw
codes, the map drawn inline from the city's zones, roles and CSRF on every form, a two-party record, an upload that
runs a stored ship run in the background, and an anonymous portal that shows nothing internal."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.demo.ais import write_synthetic_ais
from transcarbon.demo_site import demo_app
from transcarbon.services import job_worker
from transcarbon.services.organisations import organisation_names
from web_session import form_token, sign_in

RAW_CODES = (
    "bulk_carrier",
    "general_cargo",
    "slow_cruise",
    "manoeuvring",
    "anchorage_1",
    "port_area",
    "declared",
    "confirmed",
    "queued",
    "running",
    "not_connected",
    "shore_power",
    "berth_equipment_fault",
    "in_progress",
    "overdue",
    "done",
    "milestone",
    "None",
    "nan",
)


def visible(html: str) -> str:
    text = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


def no_raw_codes(html: str) -> None:
    text = visible(html)
    for code in RAW_CODES:
        assert not re.search(rf"\b{code}\b", text), code


def test_port_page_map_tables_and_words(client: TestClient) -> None:
    sign_in(client, "department")
    html = client.get("/ships").text
    for words in (
        "港口船舶排放与岸电",
        "港区地图",
        "按工况",
        "按船型",
        "靠泊",
        "锚泊",
        "散货船",
        "集装箱船",
        "计量电量",
        "模型电量",
        "避免 CO2 总量",
        "电网 CO2",
        "净减 CO2",
        "2020年=1",
        "连云港区",
        "1号锚地",
    ):
        assert words in html, words
    assert html.count('class="cell"') > 50 and 'class="zone zone-berth"' in html
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", html.split("<main")[1])  # nothing fetched
    no_raw_codes(html)
    by_type = client.get("/ships?csv=by_type").content.decode("utf-8-sig").splitlines()
    assert by_type[0].startswith("船型,船舶数") and len(by_type) > 3


def test_roles_on_the_port_pages(client: TestClient) -> None:
    client.cookies.clear()
    for path in ("/ships", "/ships/supervision"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    sign_in(client, "reporter")
    assert client.get("/ships").status_code == 403
    assert client.get("/ships/supervision").status_code == 403
    csrf = sign_in(client, "auditor")
    page = client.get("/ships/supervision").text
    assert "提交船方申报" not in page and 'name="ais"' not in client.get("/ships").text
    r = client.post("/ships/records/1/confirm", data={"csrf": csrf, "terminal_party": "x"})
    assert r.status_code == 403


def test_supervision_warning_then_a_two_party_record(client: TestClient) -> None:
    sign_in(client, "department")
    page = client.get("/ships/supervision").text
    assert "预警：超时未接岸电" in page and "登记岸电记录" in page
    no_raw_codes(page)
    link = re.search(r'href="(/ships/supervision\?[^"]+)#declare"', page).group(1).replace("&amp;", "&")
    form = client.get(link).text
    mmsi = re.search(r'name="mmsi"[^>]*value="(\d+)"', form).group(1)
    arrival = re.search(r'name="berth_arrival"[^>]*value="([^"]+)"', form).group(1)
    departure = re.search(r'name="berth_departure"[^>]*value="([^"]+)"', form).group(1)
    berth = re.search(r'<option value="([^"]+)" selected>', form).group(1)
    data = {
        "berth_id": berth,
        "mmsi": mmsi,
        "ship_name": "测试轮",
        "berth_arrival": arrival,
        "berth_departure": departure,
        "connected": "yes",
        "connect_time": arrival,
        "disconnect_time": departure,
        "kwh": "1200",
        "ship_party": "船长 张某",
    }
    assert client.post("/ships/records", data=data).status_code == 403  # no CSRF token
    r = client.post("/ships/records", data={**data, "csrf": form_token(form)}, follow_redirects=False)
    assert r.status_code == 303 and "done=" in r.headers["location"]
    after = client.get(r.headers["location"]).text
    rec = re.search(r"已登记岸电记录 (\d+)，待码头确认", after).group(1)
    assert "船方已申报，待码头确认" in after and "待另一用户确认" in after
    assert f"/ships/records/{rec}/confirm" not in after  # the declarer cannot confirm
    r = client.post(f"/ships/records/{rec}/confirm", data={"csrf": form_token(after), "terminal_party": "x"})
    assert "码头确认须由申报人以外的另一用户完成" in r.text
    sign_in(client, "analyst")
    page = client.get("/ships/supervision").text
    r = client.post(
        f"/ships/records/{rec}/confirm",
        data={"csrf": form_token(page), "terminal_party": "码头 李某"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=" in r.headers["location"]
    assert "码头已确认" in client.get("/ships/supervision").text
    bad = client.post("/ships/records", data={**data, "kwh": "-5", "csrf": form_token(page)}, follow_redirects=False)
    assert "error=" in bad.headers["location"]


def test_upload_runs_a_stored_ship_run_in_the_background(client: TestClient, tmp_path: Path) -> None:
    files = write_synthetic_ais(tmp_path, n_ships=4, days=2, ais_format="csv", seed=7)
    csrf = sign_in(client, "analyst")
    up = {
        "ais": ("ais.csv", files["ais"].read_bytes(), "text/csv"),
        "ships": ("ships.csv", files["ships"].read_bytes(), "text/csv"),
        "shore_power": ("shore_power.csv", files["shore_power"].read_bytes(), "text/csv"),
    }
    r = client.post("/ships/upload", data={"csrf": csrf}, files=up, follow_redirects=False)
    assert r.status_code == 303 and "job=" in r.headers["location"]
    job_worker.wait(120)
    page = client.get("/ships").text
    job = re.search(r"job=(\d+)", r.headers["location"]).group(1)
    assert re.search(rf'data-testid="job-state-{job}">已完成<', page), page[-3000:]
    run = re.search(r"查看第 (\d+) 次计算", page).group(1)
    lead = re.search(r'data-testid="ships-lead">([^<]*)<', client.get(f"/ships?run={run}").text).group(1)
    assert lead.startswith("2024-05-01 – 2024-05-02 期间") and "1,865 条 AIS 位置" in lead, lead
    bad = {"ais": ("ais.csv", b"mmsi,ts\n1,yesterday\n", "text/csv")}
    r = client.post("/ships/upload", data={"csrf": csrf}, files=bad, follow_redirects=False)
    job_worker.wait(120)
    job = re.search(r"job=(\d+)", r.headers["location"]).group(1)
    page = client.get("/ships").text
    assert re.search(rf'data-testid="job-state-{job}">失败<', page)
    assert "上传的文件未通过检查，未生成计算结果，数据未改变" in page  # what it means, what to do
    assert "技术细节" not in page  # a refusal is words, not an exception


def test_a_failed_jobs_technical_text_is_for_administrators_only(client: TestClient, demo_site: DemoSite) -> None:
    from transcarbon.services import jobs
    from transcarbon.store import db

    factory = db.session_factory(db.make_engine(demo_site.url))
    with db.transaction(factory) as s:
        job = jobs.enqueue(s, "ship_run", {"files": {"ais": {"name": "ais.csv"}}, "paths": {}}, actor="analyst")
        job.state, job.error_code, job.error = "failed", "internal", "KeyError: 'zone_secret'"
        job_id = job.id
        gone = jobs.enqueue(s, "ship_run", {"files": {"ais": {"name": "ais2.csv"}}, "paths": {}}, actor="analyst")
        gone.state, gone.error_code, gone.error = "failed", "interrupted", "interrupted: no heartbeat"
    sign_in(client, "analyst")
    page = client.get("/ships").text
    assert re.search(rf'data-testid="job-state-{job_id}">失败<', page)
    assert "计算未完成，数据未改变" in page and "zone_secret" not in page and "技术细节" not in page
    assert "计算两次被中断（服务重启或停止）仍未完成，数据未改变" in page and "heartbeat" not in page
    sign_in(client, "admin")
    page = client.get("/ships").text
    assert "技术细节（仅管理员可见）" in page and "KeyError: &#39;zone_secret&#39;" in page


def test_the_public_portal_is_anonymous_and_shows_nothing_internal(client: TestClient, demo_site: DemoSite) -> None:
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).headers["location"] == "/public"
    html = client.get("/public").text
    for words in (
        "公众门户",
        "实施方案指标进展",
        "绿灯",
        "全市总量与趋势",
        "方法与来源",
        "开放数据下载",
        "绿色出行碳普惠",
        "即将上线",
    ):
        assert words in html, words
    no_raw_codes(html)
    ind = re.search(r'href="(/public/indicators/[a-z0-9_]+)"', html).group(1)
    detail = client.get(ind).text
    assert "计算方法" in detail and "责任部门" in detail
    responses = [html, detail]
    for name in ("indicators", "city_totals"):
        rows = client.get(f"/public/data/{name}.csv").content.decode("utf-8-sig").splitlines()
        assert len(rows) > 5
        body = client.get(f"/public/data/{name}.json").json()
        assert body["dataset"] == name and len(body["rows"]) == len(rows) - 1
        responses += ["\n".join(rows), json.dumps(body, ensure_ascii=False)]
    assert client.get("/public/data/organisations.csv").status_code == 404
    with client.app.state.tc.factory() as s:  # type: ignore[attr-defined]
        orgs = organisation_names(s)
    for text in responses:
        assert "/lineage/" not in text and "/warnings" not in text and "/ships" not in text
        assert "org_id" not in text and "预警" not in visible(text)
        for org_id, (name_zh, _) in orgs.items():
            assert org_id not in text and name_zh not in text, org_id
    for path in ("/cockpit", "/ships", "/warnings", "/emissions"):
        assert client.get(path, follow_redirects=False).status_code == 303  # to sign in


def test_the_credits_card_links_once_the_page_exists(demo_site: DemoSite) -> None:
    app = demo_app(demo_site.data_dir)
    app.add_api_route("/public/credits", lambda: {"ok": True})
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert 'href="/public/credits"' in c.get("/public").text
