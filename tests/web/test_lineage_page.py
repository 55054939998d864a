"""The lineage page for a reader who is not a programmer (issue 12, point 4): the figure named in words, the
summary first (inputs → factors → formula → result), details folded, factor sources in Chinese with their status,
hashes and parameters under 技术细节, a 1,000-input lineage grouped and paged; input rows of an uploaded file link to
their submission and the original file. The upload is a CSV and an XLSX that name fuels and sectors in Chinese."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from demo_builds import DemoSite
from platform_fixtures import PASSWORD, Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types
from transcarbon.demo_site import demo_app
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.templates import XLSX_MEDIA_TYPE, fill_xlsx
from transcarbon.store import db
from transcarbon.store.models import Result
from transcarbon.web.pages_lineage import GROUPS_PER_PAGE, ROWS_PER_PAGE
from web_session import sign_in

API = "/api/v1"


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    with TestClient(demo_app(demo_site.data_dir), base_url="http://127.0.0.1") as c:
        sign_in(c, "analyst")
        c.get("/cockpit?lang=zh")
        yield c


def _city_total_href(client: TestClient) -> str:
    html = client.get("/emissions?year=2025").text
    start = html.index('data-testid="emissions-total"')
    return html[html.rindex('href="', 0, start) + 6 : start].split('"')[0]


def _fold(html: str, marker: str) -> str:
    """The HTML of the ``<details>`` fold whose opening tag holds ``marker``."""
    start = html.index(marker)
    return html[html.rindex("<details", 0, start) : html.index("</details>", start)]


def test_the_figure_in_words_and_the_summary_first(client: TestClient) -> None:
    html = client.get(_city_total_href(client)).text
    assert re.search(r"<h1[^>]*>2025年 全市交通 CO2 排放</h1>", html)
    steps = [html.index(s) for s in ("① 输入数据", "② 排放因子", "③ 计算方法", "④ 结果")]
    assert steps == sorted(steps) and steps[-1] < html.index('id="groups"') < html.index('id="inputs"')
    assert "燃料消耗量 × 低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12" in html
    inputs = _fold(html, 'id="inputs"')
    assert "open" not in inputs.split(">")[0] and 'id="tbl-inputs"' in inputs  # the rows are folded
    tech = _fold(html, 'data-testid="tech"')
    assert (
        "技术细节" in tech and "SHA-256" in tech and "&#34;gwp&#34;" in tech
    )  # hashes and JSON parameters in the fold
    outside = html.replace(tech, "")
    run_hash = re.search(r"<code>([0-9a-f]{64})</code>", tech)
    assert run_hash and run_hash.group(1) not in outside


def test_factor_sources_in_chinese_with_their_status(client: TestClient) -> None:
    html = client.get(_city_total_href(client)).text
    table = html[html.index('id="tbl-factors"') : html.index("</table>", html.index('id="tbl-factors"'))]
    assert "燃料低位发热量与单位热值含碳量" in table and "《中国能源统计年鉴》" in table
    assert "电网排放因子" in table and "生态环境部、国家统计局公布的电力二氧化碳排放因子" in table
    assert "待核实" in table and "已核实" in table
    assert "低位发热量 43.07" in table  # the value by its name, not ``ncv=``
    assert "ncv" not in re.sub(r"<details.*?</details>", "", table, flags=re.S)


@pytest.mark.slow
def test_a_thousand_inputs_grouped_and_paged(client: TestClient) -> None:
    href = _city_total_href(client)
    full = client.get(href + "?csv=inputs").content.decode("utf-8-sig").splitlines()
    n = len(full) - 1
    assert n > 1000  # the city total of 2025
    html = client.get(href).text
    groups = html[html.index('id="tbl-groups"') : html.index("</table>", html.index('id="tbl-groups"'))]
    assert groups.count("<tr>") - 1 == GROUPS_PER_PAGE  # one page of groups, the largest first
    assert "柴油" in groups and "道路货运" in groups
    rows = _fold(html, 'id="inputs"')
    assert rows.count("<tr>") - 1 == ROWS_PER_PAGE
    pages = -(-n // ROWS_PER_PAGE)
    assert f"第 1 / {pages} 页" in rows
    last = client.get(f"{href}?rows_page={pages}").text
    last_rows = _fold(last, 'id="inputs"')
    assert f"第 {pages} / {pages} 页" in last_rows and last_rows.count("<tr>") - 1 == n - (pages - 1) * ROWS_PER_PAGE
    assert client.get(f"{href}?rows_page=999999").status_code == 200  # past the end: the last page


@pytest.fixture
def p(migrated_db_url: str, tmp_path: Path) -> Platform:
    return make_platform(migrated_db_url, tmp_path)


def test_uploaded_rows_named_in_chinese_link_to_their_submission_and_file(p: Platform) -> None:
    """A CSV and an XLSX giving 柴油 / 道路货运 (and one the code) are read; after approval the lineage rows link
    to the submission and its original file."""
    rt = load_report_types().get("energy_activity")
    base = example_row(rt) | {"org_id": "FRT", "amount": 100, "freight_tkm": 2_000_000}
    files = {
        "2024-03": (
            "r.csv",
            csv_bytes(rt, [base | {"period": "2024-03", "fuel": "柴油", "sector": "道路货运"}]),
            "text/csv",
        ),
        "2024-04": (
            "r.csv",
            csv_bytes(rt, [base | {"period": "2024-04", "fuel": "diesel", "sector": "road_freight"}]),
            "text/csv",
        ),
    }
    template = p.client.get(f"{API}/report-types/energy_activity/template.xlsx", headers=p.h("reporter")).content
    offered = {c.value for col in load_workbook(io.BytesIO(template))["lists"].iter_cols() for c in col}
    assert {"柴油", "汽油", "道路货运"} <= offered and not offered & {"diesel", "road_freight"}  # drop-downs in words
    files["2024-05"] = (
        "r.xlsx",
        fill_xlsx(template, [base | {"period": "2024-05", "fuel": "柴油", "sector": "道路货运"}], rt),
        XLSX_MEDIA_TYPE,
    )
    for period, (name, data, media) in files.items():
        r = p.client.post(
            f"{API}/submissions",
            headers=p.h("reporter"),
            data={"report_type": "energy_activity", "org_id": "FRT", "period": period},
            files={"file": (name, data, media)},
        )
        assert r.status_code == 201, r.text
        sid = r.json()["submission"]["id"]
        assert p.client.post(f"{API}/submissions/{sid}/submit", headers=p.h("reporter")).status_code == 200
        assert p.client.post(f"{API}/submissions/{sid}/approve", headers=p.h("analyst")).status_code == 200
        rows = p.client.get(f"{API}/submissions/{sid}/rows", headers=p.h("reporter")).json()
        assert rows[0]["fuel"] == "diesel" and rows[0]["sector"] == "road_freight"
    engine = db.make_engine(p.url)
    with db.transaction(db.session_factory(engine)) as s:
        run = run_inventory(s, 2024, AccountingOptions(), actor="test")
        total = s.scalars(
            select(Result).where(
                Result.run_id == run.run_id, Result.sector.is_(None), Result.month.is_(None), Result.org_id.is_(None)
            )
        ).one()
    engine.dispose()
    p.client.cookies.clear()
    sign_in(p.client, "ana", PASSWORD)
    html = p.client.get(f"/lineage/{total.id}?lang=zh").text
    assert "2024年 全市交通 CO2 排放" in html
    rows = _fold(html, 'id="inputs"')
    subs = re.findall(r'href="/submissions/(\d+)"', rows)
    files_ = re.findall(r'href="/api/v1/submissions/(\d+)/file"', rows)
    assert len(subs) == 3 and sorted(subs) == sorted(files_)
    assert rows.count("柴油") == 3 and "原始文件" in rows
