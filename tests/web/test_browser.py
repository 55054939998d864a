"""Browser tests (Playwright driving Debian's Chromium, headless) against the live demo server.

Log in as each role and open every page the role may see; a role's forbidden page answers 403;
upload a bad file and see its row errors; upload a good one, submit it, approve it as a reviewer;
follow a figure to its lineage and input rows; switch the language; open the API's documentation (Swagger
UI, ReDoc) from local files; run the pages under their Content-Security-Policy; and check that no request left
127.0.0.1. Skipped only when /usr/bin/chromium is absent (``apt-get install chromium``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from browser_helpers import BROWSER_MARKS, left_loopback, login
from raw_codes import code_pattern, raw_codes
from transcarbon.demo.accounts import DEMO_PASSWORD, DEMO_USERS

pytestmark = BROWSER_MARKS

HEADER = "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t"
DATA = {"/submissions", "/registers", "/milestones"}
EXPECTED_PAGES = {
    "admin": {
        "/cockpit",
        "/emissions",
        "/road",
        "/ships",
        *DATA,
        "/warnings",
        "/scorecards",
        "/reports",
        "/scenarios",
        "/audit",
        "/users",
        "/admin/credits",
    },
    "analyst": {
        "/cockpit",
        "/emissions",
        "/road",
        "/ships",
        *DATA,
        "/warnings",
        "/scorecards",
        "/reports",
        "/scenarios",
        "/admin/credits",
    },
    "auditor": {
        "/cockpit",
        "/emissions",
        "/road",
        "/ships",
        *DATA,
        "/warnings",
        "/scorecards",
        "/reports",
        "/scenarios",
        "/audit",
        "/admin/credits",
    },
    "department": {
        "/cockpit",
        "/emissions",
        "/road",
        "/ships",
        *DATA,
        "/warnings",
        "/scorecards",
        "/reports",
        "/scenarios",
    },
    "reporter": {"/cockpit", "/my-figures", *DATA},
}


def test_each_role_opens_its_pages(live_server: Any, new_page: Any) -> None:
    base = live_server.url
    for du in DEMO_USERS:
        page = new_page()
        login(page, base, du.username)
        hrefs = page.eval_on_selector_all("header nav a", "els => els.map(e => e.getAttribute('href'))")
        assert set(hrefs) == EXPECTED_PAGES[du.role], du.role
        extra = ["/indicators/converted_turnover_co2_intensity", "/completeness"]
        if du.role in ("admin", "analyst", "auditor", "department"):
            extra += ["/lineage/1"]
        for href in [*hrefs, *extra]:
            response = page.goto(base + href, wait_until="domcontentloaded")
            expected = 403 if href == "/completeness" and du.role == "reporter" else 200
            assert response.status == expected, f"{du.role} {href}: {response.status}"
            assert page.locator("h1").first.is_visible()
        if du.role != "admin":
            assert page.goto(base + "/users", wait_until="domcontentloaded").status == 403
    # the cockpit draws its charts with the locally served plotly.js
    page.goto(base + "/cockpit")
    page.wait_for_selector("figure.chart .js-plot .main-svg")


def test_bad_upload_shows_row_errors(live_server: Any, new_page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                HEADER,
                "LYG-FRT-001,2026-01,road_freight,diesel,-5,t,1000,,,CN-JS,",
                "LYG-FRT-001,2026-01,lorry,diesel,12,t,1000,,,CN-JS,",
                "LYG-FRT-001,2026-01,road_freight,petrol,12,kg,1000,,,CN-JS,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    page = new_page()
    login(page, live_server.url, "reporter")
    page.goto(live_server.url + "/submissions")
    page.select_option("#report_type", "energy_activity")
    page.fill("#period", "2026-01")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="上传").click()
    page.wait_for_selector("#tbl-errors")
    text = page.inner_text("#tbl-errors")
    assert "amount" in text and "sector" in text and "fuel" in text
    rows = page.locator("#tbl-errors tbody tr")
    assert rows.count() >= 3
    assert page.locator("#tbl-errors tbody tr td:nth-child(2)").first.inner_text().strip() in {"2", "3", "4"}


def test_upload_submit_and_approve(live_server: Any, new_page: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "\n".join([HEADER, "LYG-FRT-001,2026-01,road_freight,diesel,120.5,t,2500000,,,CN-JS,"]) + "\n", encoding="utf-8"
    )
    page = new_page()
    login(page, live_server.url, "reporter")
    page.goto(live_server.url + "/submissions")
    page.select_option("#report_type", "energy_activity")
    page.fill("#period", "2026-01")
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url("**/submissions/*")
    detail = page.url.split("?")[0]
    assert page.inner_text("[data-testid=submission-state]") == "草稿"
    page.click("button[data-action=submit]")
    page.wait_for_selector("#action-done")
    assert page.inner_text("[data-testid=submission-state]") == "已提交"
    reviewer = new_page()
    login(reviewer, live_server.url, "analyst")
    reviewer.goto(detail)
    reviewer.click("button[data-action=approve]")
    reviewer.wait_for_selector("#action-done")
    assert reviewer.inner_text("[data-testid=submission-state]") == "已审核"
    reviewer.goto(live_server.url + "/submissions?state=approved")
    assert (
        "LYG-FRT-001" in reviewer.inner_text("#tbl-submissions")
        or reviewer.locator("#tbl-submissions tbody tr").count() >= 1
    )


def test_figure_to_lineage_input_rows(live_server: Any, new_page: Any) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    page.goto(live_server.url + "/cockpit?year=2025")  # a later year may hold only what other tests approved
    page.click("[data-testid=kpi-co2]")
    page.wait_for_url("**/lineage/*")
    assert page.locator("#tbl-inputs tbody tr").count() > 10
    # a sector figure on the emissions page leads to its input rows, files and factor sources
    page.goto(live_server.url + "/emissions")
    page.locator("#tbl-by_sector tbody tr").first.locator("a").first.click()
    page.wait_for_url("**/lineage/*")
    assert page.inner_text("[data-testid=lineage-co2]")
    page.locator("#inputs > summary").click()  # the input rows are folded below the summary
    inputs = page.locator("#tbl-inputs")
    assert inputs.locator("tbody tr").count() >= 1
    # each row links to the submission it came in (the demo files its reports through the workflow)
    assert inputs.locator("a[href*='/submissions/']").count() >= 1
    assert page.locator("#tbl-factors tbody tr").count() >= 1
    assert "✓" in page.inner_text(".kpis")
    csv_href = page.locator("a[href*='csv=inputs']").get_attribute("href")
    assert csv_href and "csv=inputs" in csv_href


def test_language_switch(live_server: Any, new_page: Any) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    page.goto(live_server.url + "/cockpit")
    assert "驾驶舱" in page.inner_text("h1")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("domcontentloaded")
    assert "cockpit" in page.inner_text("h1").lower()
    page.goto(live_server.url + "/emissions")  # the choice is remembered
    assert "emissions" in page.inner_text("h1").lower()
    assert page.get_attribute("html", "lang") == "en"


RAW_CODES = ("truck_heavy", "pv_small", "non_operating", "CN6A", "phev", "bev", "natural_gas", "road_freight")


def test_road_page_charts_maps_and_official_choice(live_server: Any, new_page: Any) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    page.goto(live_server.url + "/road")
    assert "道路交通" in page.inner_text("h1") and "登记机动车" in page.inner_text("[data-testid=road-lead]")
    page.wait_for_selector("figure.chart .js-plot .main-svg")
    page.wait_for_function("document.querySelectorAll('figure.chart .js-plot .main-svg').length >= 7")
    text = page.inner_text("main")
    assert not [c for c in RAW_CODES if c in text], "a raw code is shown"
    assert "国VIa" in text and "纯电动" in text and "重型货车" in text
    assert page.locator("#tbl-reconciliation tbody tr").count() == 4
    # the city's choice of the official figure: recorded, shown, audited
    row = page.locator("#tbl-official tbody tr", has_text="道路货运")
    row.locator("select").select_option("bottom_up")
    row.locator("input[name=note]").fill("登记车辆全覆盖")
    row.get_by_role("button", name="保存").click()
    page.wait_for_selector(".notice.ok")
    assert "自下而上" in page.locator("#tbl-official tbody tr", has_text="道路货运").inner_text()
    assert "analyst" in page.locator("#tbl-official tbody tr", has_text="道路货运").inner_text()
    # a phone's width: charts and maps drawn, nothing wider than the screen
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    small = phone.new_page()
    login(small, live_server.url, "analyst")
    small.goto(live_server.url + "/road")
    small.wait_for_function("document.querySelectorAll('figure.chart .js-plot .main-svg').length >= 7")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()


def test_api_docs_work_from_local_files(live_server: Any, new_page: Any) -> None:
    page = new_page()
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "transcarbon API" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 20
    page.goto(live_server.url + "/api/v1/redoc")
    page.wait_for_selector("redoc [role=search], redoc h1", timeout=30000)
    assert "transcarbon API" in page.inner_text("redoc")


def test_pages_run_under_their_csp(live_server: Any, new_page: Any, csp_violations: list[str]) -> None:
    """The platform's pages break no rule of their policy (ReDoc's logo from its CDN, which the policy blocks
    before any request leaves, is the documentation page's own)."""
    seen_before = len(csp_violations)
    page = new_page()
    login(page, live_server.url, "analyst")
    response = page.goto(live_server.url + "/cockpit")
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("figure.chart .js-plot .main-svg")  # plotly draws under the policy
    page.goto(live_server.url + "/warnings")
    page.select_option("select[name=severity]", index=1)  # filters apply on change without inline handlers
    page.wait_for_url("**severity=*")
    assert not csp_violations[seen_before:], csp_violations[seen_before:][:5]


def test_no_request_left_loopback(live_server: Any, requests_seen: list[str]) -> None:
    assert requests_seen, "no request was recorded"
    outside = left_loopback(requests_seen)
    assert not outside, outside[:10]


def test_a_register_page_its_history_and_the_coverage_map(live_server: Any, new_page: Any) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    page.goto(live_server.url + "/registers?as_of=2025-12-31")
    page.get_by_role("link", name="码头泊位台账（岸电设施）").click()
    page.wait_for_selector("#tbl-register")
    table = page.inner_text("#tbl-register")
    assert "内河港口" in table and "已建成" in table and "retrofitted" not in table  # names, not codes
    assert "2025-12-31" in page.inner_text("main")
    page.get_by_role("link", name="LYG-IB01", exact=True).click()
    page.wait_for_selector("#tbl-history")
    history = page.inner_text("#tbl-history")
    assert "●" in history and "2020" in history
    page.goto(live_server.url + "/coverage?as_of=2025-12-31")
    page.wait_for_selector("figure.chart .js-plot .main-svg")
    assert "海州区中心城区" in page.inner_text("#tbl-coverage")


def test_the_scenario_page_answers_draws_its_fans_and_runs_the_levers(
    live_server: Any, new_page: Any, tmp_path: Path
) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    page.goto(live_server.url + "/scenarios")
    page.wait_for_selector("figure.chart .js-plot .main-svg")
    assert page.locator("figure.chart .js-plot .main-svg").count() >= 5  # oil, CO2, intensity, shares, comparison
    peak = page.inner_text("[data-testid=oil-peak]")
    assert "陆路交通石油消费峰值年" in peak and ("20" in peak or "未达峰" in peak)
    main = page.inner_text("main")
    assert "实现概率" in main and "private_car" not in main and "fleet.classes" not in main
    page.screenshot(path=str(tmp_path / "scenarios-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("figure.chart .js-plot .main-svg")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width} px wide on a 390 px screen"
    page.screenshot(path=str(tmp_path / "scenarios-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.select_option("#lever_private_car_electrification", "4")
    page.get_by_test_id("run-scenario").click(timeout=120_000)  # a Monte Carlo run: slow on a loaded machine
    page.wait_for_url("**/scenarios?run=*", timeout=120_000)
    assert "自定义情景" in page.inner_text("[data-testid=scenario-name]")


def test_the_words_users_read_hold_no_raw_code(live_server: Any, new_page: Any) -> None:
    """Issue 12 point 2 as Chromium renders it: the text of the main pages and of a lineage (folds closed) has no
    status, warning category, sector, fuel, report type or indicator id."""
    page = new_page()
    login(page, live_server.url, "analyst")
    pattern = code_pattern()
    for path in ("/cockpit?lang=zh", "/warnings", "/indicators/land_transport_oil_peak", "/submissions", "/milestones"):
        page.goto(live_server.url + path)
        assert raw_codes(page.inner_text("main"), pattern) == [], path
    page.goto(live_server.url + "/cockpit?year=2025")  # other tests' approvals may have opened a later year
    page.click("[data-testid=kpi-co2]")
    page.wait_for_url("**/lineage/*")
    assert page.inner_text("h1") == "2025年 全市交通 CO2 排放"
    assert raw_codes(page.inner_text("main"), pattern) == []
    assert not page.locator("[data-testid=tech] dl").is_visible()  # hashes and parameters folded
    page.locator("[data-testid=tech] > summary").click()
    assert page.locator("[data-testid=tech] dl").is_visible()


RAW_CODES = ("energy_activity", "road_freight", "returned", "approved", "submitted", "queued", "done", "None")


def _walk_page(new_page: Any, base: str, outside: list[str]) -> Any:
    """A page whose every request away from the server is refused and recorded (nothing may leave it)."""
    page = new_page()
    host = urlparse(base).netloc

    def refuse(route: Any) -> None:
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: urlparse(url).netloc not in (host, ""), refuse)
    page.set_default_timeout(60000)  # a long walk on a shared machine: the server's answers may queue
    return page


def _sign_in(page: Any, base: str, username: str) -> None:
    """Sign in by the form, sent with Enter (a page that has just been left may still be settling)."""
    page.goto(f"{base}/login", wait_until="domcontentloaded")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_label("密码").press("Enter")
    assert "/login" not in page.url, f"{username} could not sign in"


def _gbk_csv(path: Path, amount: str, encoding: str = "gb18030") -> Path:
    row = f"LYG-FRT-001,2026-03,road_freight,diesel,{amount},t,2500000,,,CN-JS,"
    path.write_bytes(f"{HEADER}\n{row}\n".encode(encoding))
    return path


def test_reporter_and_analyst_walk(live_server: Any, new_page: Any, tmp_path: Path) -> None:
    """The reporter: template → upload with errors (a GBK file from Excel) → fix → submit → returned → the comment
    at the top → 重新上传 → submit; the analyst: return, then approve → the figures follow after the background
    recomputation → lineage → the stage report; the reporter's own figures. No request leaves the server."""
    base, outside = live_server.url, []
    rep = _walk_page(new_page, base, outside)
    _sign_in(rep, base, "reporter")
    rep.goto(base + "/submissions")
    template = rep.request.get(base + "/api/v1/report-types/energy_activity/template.xlsx")
    assert template.status == 200 and "spreadsheet" in template.headers["content-type"]
    rep.select_option("#report_type", "energy_activity")
    rep.fill("#period", "2026-03")
    rep.set_input_files("#file", str(_gbk_csv(tmp_path / "油耗-错误.csv", "-12")))
    rep.get_by_role("button", name="上传").click()
    rep.wait_for_selector("#tbl-errors")
    assert "不能为负数" in rep.inner_text("#tbl-errors")
    rep.set_input_files("#file", str(_gbk_csv(tmp_path / "油耗.csv", "120")))
    rep.get_by_role("button", name="上传").click()
    rep.wait_for_url(re.compile(r"/submissions/\d+"))
    detail = rep.url.split("?")[0]
    rep.click("button[data-action=submit]")
    rep.wait_for_selector("#action-done")
    assert rep.inner_text("[data-testid=submission-state]") == "已提交"

    rev = rep  # one browser, signing in as each in turn
    _sign_in(rev, base, "analyst")
    rev.goto(detail)
    rev.fill("#comment-return", "柴油用量偏低，请核对单位")
    rev.click("button[data-action=return]")
    rev.wait_for_selector("#action-done")

    _sign_in(rep, base, "reporter")
    rep.goto(base + "/submissions")
    assert "柴油用量偏低，请核对单位" in rep.inner_text("[data-testid=returned-notice]")
    rep.goto(detail)
    top = rep.inner_text("[data-testid=returned-comment]")
    assert "审核意见：已退回" in top and "柴油用量偏低，请核对单位" in top
    rep.click("[data-testid=reupload]")
    rep.wait_for_url("**/submissions?reupload=*")
    assert rep.input_value("#period") == "2026-03"
    rep.set_input_files("#file", str(_gbk_csv(tmp_path / "油耗-改.csv", "130", "utf-8-sig")))
    rep.get_by_role("button", name="上传").click()
    rep.wait_for_url(re.compile(r"/submissions/\d+"))
    second = rep.url.split("?")[0]
    assert second != detail
    rep.click("button[data-action=submit]")
    rep.wait_for_selector("#action-done")

    _sign_in(rev, base, "analyst")
    rev.goto(second)
    rev.click("button[data-action=approve]")
    rev.wait_for_selector("#action-done")
    assert rev.inner_text("[data-testid=submission-state]") == "已审核"
    for _ in range(100):  # the recomputation runs after the response: look until its job is done
        rev.goto(base + "/submissions")
        state = rev.locator("[data-testid=job-state]").first.inner_text()
        if state in ("已完成", "失败"):
            break
    assert state == "已完成"
    assert not any(code in rev.inner_text("#tbl-jobs") for code in RAW_CODES)
    rev.goto(base + "/cockpit?year=2025")
    assert "数据更新于" in rev.inner_text("[data-testid=updated]")
    rev.click("[data-testid=kpi-co2]")
    rev.wait_for_url("**/lineage/*")
    assert rev.locator("#tbl-inputs tbody tr").count() > 10
    # the request API's own timeout (30 s by default, not the page's): building the PDF takes long under load
    report = rev.request.get(base + "/reports/stage-2025.pdf", timeout=180_000)
    assert report.status == 200 and report.body()[:5] == b"%PDF-"

    _sign_in(rep, base, "reporter")
    rep.goto(base + "/my-figures?year=2026")
    text = rep.inner_text("main")
    assert "本单位排放与能耗" in text and "2026年逐月" in text
    assert not any(code in text for code in RAW_CODES), text[:500]
    assert not outside, outside[:10]
