"""Browser walks (Playwright, Debian's Chromium) of the public and of port staff, against the live demo server.

Public, without an account: the portal → an indicator → an open-data download. Port staff (the demo's department
user; an analyst confirms as the terminal): the port page → its map → shore power → a supervision warning → a
two-party record. Each page is read as a person reads it: Chinese words there, no raw code in the visible text;
and no request leaves 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from browser_helpers import BROWSER_MARKS, left_loopback, login

pytestmark = BROWSER_MARKS

RAW = re.compile(
    r"\b(bulk_carrier|general_cargo|oil_tanker|slow_cruise|manoeuvring|anchorage_\d|port_area|declared|confirmed|"
    r"queued|running|on_track|needs_acceleration|no_data|in_progress|not_started|overdue|done|milestone|"
    r"shore_power\w*|berth_equipment_fault|None|nan)\b"
)


def readable(page: Any) -> str:
    """The page's visible text, checked for raw codes."""
    text = page.inner_text("main")
    found = RAW.findall(text)
    assert not found, found[:5]
    return str(text)


def test_public_portal_indicator_and_download(live_server: Any, new_page: Any, requests_seen: list[str]) -> None:
    page = new_page()
    page.goto(live_server.url + "/", timeout=120_000)  # the first view may evaluate the year
    page.wait_for_url("**/public")
    text = readable(page)
    for words in ("公众门户", "实施方案指标进展", "全市总量与趋势", "方法与来源", "开放数据下载", "绿色出行碳普惠"):
        assert words in text, words
    page.wait_for_selector("figure.chart .js-plot .main-svg")
    assert page.locator("nav a").count() == 0  # no internal navigation for the public
    page.locator("#tbl-public-indicators a").first.click()
    page.wait_for_url("**/public/indicators/*")
    text = readable(page)
    assert "计算方法" in text and "责任部门" in text and "历年进展" in text
    page.get_by_role("link", name="← 返回公众门户").click()
    page.wait_for_url("**/public")
    with page.expect_download() as info:
        page.locator("#open-data a", has_text="JSON").first.click()
    body = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert body["dataset"] == "indicators" and len(body["rows"]) == 35
    assert all("org_id" not in row for row in body["rows"])
    assert not left_loopback(requests_seen)


def test_port_staff_ships_map_shore_power_and_a_two_party_record(
    live_server: Any, new_page: Any, requests_seen: list[str]
) -> None:
    page = new_page()
    login(page, live_server.url, "department")
    page.get_by_role("link", name="港口船舶").click()
    page.wait_for_url("**/ships")
    text = readable(page)
    assert "港口船舶排放与岸电" in text and "按工况" in text and "散货船" in text
    port_map = page.locator("[data-testid=port-map] svg")
    assert port_map.is_visible() and port_map.locator("rect.cell").count() > 50
    assert port_map.locator("path.zone-berth").count() >= 9
    page.get_by_role("heading", name="岸电使用（按靠泊航次）").scroll_into_view_if_needed()
    shore = page.locator("[data-testid=shore-card]").inner_text()
    assert "计量" in shore and "净减" in shore
    page.get_by_role("link", name="岸电使用监管：预警与双方记录 →").click()
    page.wait_for_url("**/ships/supervision")
    text = readable(page)
    assert "预警：超时未接岸电" in text
    page.get_by_role("link", name="登记岸电记录").first.click()
    page.wait_for_url("**/ships/supervision?*")
    arrival = page.input_value("input[name=berth_arrival]")
    departure = page.input_value("input[name=berth_departure]")
    assert arrival and departure
    page.fill("input[name=connect_time]", arrival)
    page.fill("input[name=disconnect_time]", departure)
    page.fill("input[name=kwh]", "2400")
    page.fill("input[name=ship_party]", "轮机长 陈某")
    page.get_by_role("button", name="提交船方申报").click()
    page.wait_for_url("**done=*")
    text = readable(page)
    assert "待码头确认" in text and "待另一用户确认" in text
    terminal = new_page()
    login(terminal, live_server.url, "analyst")
    terminal.goto(live_server.url + "/ships/supervision#records")
    terminal.locator("input[name=terminal_party]").first.fill("码头值班员 周某")
    terminal.get_by_role("button", name="确认").first.click()
    terminal.wait_for_url("**done=*")
    assert "码头已确认" in readable(terminal)
    assert not left_loopback(requests_seen)
