"""Figures that explain themselves (issue 12, items 1, 5 and 8): the cockpit's cards and charts state their scope
and unit in words, CO2 in one unit (万吨), the stored forecast drawn dashed to its target year, every figure's
click target a lineage; scorecards explain the veto and show counts as integers; the reporter's own charts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.city.config import load_city
from transcarbon.i18n.numbers import format_number
from transcarbon.services import figures
from transcarbon.services.database import Database
from web_session import sign_in

INTENSITY = "converted_turnover_co2_intensity"


@pytest.fixture(scope="module")
def series(demo_site: DemoSite) -> list[dict[str, Any]]:
    with Database.open(demo_site.url) as db, db.transaction() as session:
        return figures.city_series(session)


def charts(html: str) -> list[dict[str, Any]]:
    """The Plotly figures of a page, in page order."""
    return [json.loads(p) for p in re.findall(r'<script type="application/json" class="js-fig">(.*?)</script>', html)]


def text(html: str) -> str:
    """The visible words of a page, roughly: no tags, no chart JSON."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_cockpit_cards_and_charts_state_scope_and_unit(client: TestClient, series: list[dict[str, Any]]) -> None:
    sign_in(client, "analyst")
    html = client.get("/cockpit?year=2025").text
    words = text(html)
    # each card and chart says what it counts and in which unit
    assert words.count("口径：全市交通运输全部子行业 CO2 合计（直接排放 + 外购电力间接排放）") == 2  # card + chart
    assert words.count("口径：规划口径（道路、水路营运车船），CO2 ÷ 换算周转量，较2020年下降") == 2
    assert "单位：万吨CO2" in words and "单位：%" in words
    assert "单位：项（规划指标共 35 项，2025年评估）" in words and "单位：条" in words
    # one unit of CO2 on the cockpit: 万吨, never 千吨 / kt
    assert "千吨" not in html and "kt" not in html
    co2, path = charts(html)[:2]
    bars = co2["data"][0]
    assert co2["layout"]["yaxis"]["title"]["text"] == "万吨CO2"
    assert bars["x"] == [s["year"] for s in series]
    assert bars["y"] == pytest.approx([s["co2_t"] / 10_000 for s in series])  # t → 万吨: ÷ 10⁴
    total = next(s for s in series if s["year"] == 2025)
    kpi = re.search(r'data-testid="kpi-co2"[^>]*>([^<]+)<', html)
    assert kpi is not None and kpi[1] == f"{total['co2_t'] / 10_000:,.1f}"
    # the headline card and the chart beside it show the same figure: the % fall in the plan scope
    names = [t["name"] for t in path["data"]]
    assert names[:2] == ["实际", "目标路径"] and path["layout"]["yaxis"]["title"]["text"] == "较2020年下降（%）"
    actual = path["data"][0]
    card = re.search(r'data-testid="kpi-intensity"[^>]*>([^<]+)<', html)
    assert card is not None and card.group(1) == f"{actual['y'][actual['x'].index(2025)]:.1f}"
    # axes push their margins rather than being cut
    for fig in (co2, path):
        assert fig["layout"]["xaxis"]["automargin"] and fig["layout"]["yaxis"]["automargin"]


def test_the_forecast_the_legend_promises_is_drawn(client: TestClient) -> None:
    sign_in(client, "analyst")
    path = charts(client.get("/cockpit?year=2025").text)[1]
    by_name = {t["name"]: t for t in path["data"]}
    forecast = by_name["预测（至2030年）"]
    actual = by_name["实际"]
    assert forecast["line"]["dash"] == "dash"
    assert forecast["x"] == [2025, 2030] and forecast["y"][0] == actual["y"][-1]  # from the last actual value
    band = by_name["预测区间"]
    low, high = min(band["y"][1:3]), max(band["y"][1:3])
    assert low <= forecast["y"][1] <= high  # the forecast lies inside its own interval
    # the same stored forecast as the indicator page tells in words
    assert format_number(forecast["y"][1]) in text(client.get(f"/indicators/{INTENSITY}?year=2025").text)


def test_a_click_on_a_figure_opens_its_lineage(client: TestClient, series: list[dict[str, Any]]) -> None:
    sign_in(client, "analyst")
    html = client.get("/cockpit?year=2025").text
    co2, path = charts(html)[:2]
    links = co2["data"][0]["customdata"]
    assert len(links) == len(series)
    assert all(link.startswith("/lineage/") for link in links)
    page = client.get(links[co2["data"][0]["x"].index(2024)])
    assert page.status_code == 200 and "2024年" in re.search(r'data-testid="figure-name">([^<]+)<', page.text)[1]
    # a point of the headline path and the intensity card open the indicator page's lineage section
    point = path["data"][0]["customdata"][-1]
    assert point == f"/indicators/{INTENSITY}?year=2025#lineage"
    assert f'href="{point}" data-testid="kpi-intensity"' in html
    target = client.get(point.split("#")[0]).text
    section = target[target.index('id="lineage"') :]
    assert "/lineage/" in section[: section.index("</dd>")]


def test_a_reporter_sees_no_lineage_click(client: TestClient) -> None:
    sign_in(client, "reporter")
    html = client.get("/cockpit?year=2025").text
    co2, path = charts(html)[:2]
    assert "customdata" not in co2["data"][0] and "customdata" not in path["data"][0]
    assert 'data-testid="kpi-co2"' not in html and "点击柱形" not in html


def test_indicator_table_in_the_decimals_of_its_unit(client: TestClient) -> None:
    sign_in(client, "analyst")
    html = client.get("/cockpit?year=2025").text
    rows = {
        m[0]: text(m[1])
        for m in re.findall(r'<a href="/indicators/([a-z0-9_]+)\?year=2025">.*?</a></td>(.*?)</tr>', html, re.S)
    }
    assert re.match(r"\s*\d+\.\d % 5\.0 9\.5 ", rows[INTENSITY]), rows[INTENSITY]  # %: one decimal
    projects = next(i for i in load_city().indicators if i.unit == "projects")
    assert re.search(r"(^| )2( |$)", rows[projects.id]) and "2.0" not in rows[projects.id]  # a count: integer
    milestone = rows["land_transport_oil_peak"]
    assert "完成" in milestone and "1.00" not in milestone


def test_scorecards_explain_the_veto_and_count_in_integers(client: TestClient) -> None:
    sign_in(client, "analyst")
    html = client.get("/scorecards?year=2022").text
    words = text(html)
    head = re.search(r'<table class="data" id="tbl-scorecards">.*?</thead>', html, re.S)
    assert head is not None and "一票否决" in head[0] and "得分（分，满分100）" in head[0]
    note = re.search(r'data-testid="veto-note">([^<]+)<', html)
    assert note is not None
    assert "一票否决" in note[1] and "不论得分多少" in note[1] and "“不合格”" in note[1] and "（二十六）" in note[1]
    assert "年度目标 25 分 + 累计进度 25 分 + 其他措施 50 分" in note[1]
    # the vetoed department names the indicator it leads that missed its checkpoint, and is graded lowest
    vetoed = re.findall(r"<tr>(?:(?!</tr>).)*?是（(?:(?!</tr>).)*</tr>", html, re.S)
    assert len(vetoed) == 1 and "不合格" in vetoed[0]
    assert "全市营运货车单位运输周转量二氧化碳排放强度较2020年下降" in vetoed[0]
    assert "2022年有 1 个部门被一票否决" in words
    # counts as integers, shares as whole %, the score to one decimal
    body = html[html.index("<tbody>", html.index('id="tbl-scorecards"')) :]
    first = re.findall(r'<td class="num">([^<]*)</td>', body[: body.index("</tr>")])
    assert all(re.fullmatch(r"\d+", c) for c in first[:5]), first  # indicators and lights: integers
    assert all(re.fullmatch(r"\d+|—", c) for c in first[5:8]), first  # three parts in whole %
    assert re.fullmatch(r"\d+\.\d", first[8]), first  # points, one decimal


def test_my_figures_draw_year_month_and_quartile_charts(client: TestClient) -> None:
    sign_in(client, "reporter")
    html = client.get("/my-figures").text
    figs = charts(html)
    assert len(figs) == 3
    peer, by_year, by_month = figs
    assert by_year["layout"]["yaxis"]["title"]["text"] == "吨CO2" == by_month["layout"]["yaxis"]["title"]["text"]
    assert by_month["data"][0]["x"] == list(range(1, 13))
    names = [t["name"] for t in peer["data"]]
    assert names == ["四分位区间（Q1–Q3）", "中位数", "本单位"]
    q1, q3 = peer["data"][0]["x"]
    assert q1 <= peer["data"][1]["x"][0] <= q3  # the median lies within the quartiles
    assert peer["layout"]["xaxis"]["title"]["text"] == "千克CO2/换算吨公里"
    # the own value is the intensity of the table's shown year, to four decimals
    own = peer["data"][2]["x"][0]
    assert f"{own:.4f}" in html
    words = text(html)
    assert "单位：吨CO2" in words and "单位：千克CO2/换算吨公里" in words and "匿名" in words
