"""The emissions page's figures as a person reads them: CO2 in 万吨 with one decimal, converted turnover in
亿吨公里 with two, intensity in g CO2 per converted t·km; one unit per table, stated in its header; the CSV
export free of float noise and consistent with the units its header states."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from web_session import sign_in


@pytest.fixture(scope="module")
def client(client: TestClient) -> TestClient:
    """The web tests' demo client (conftest), signed in as the analyst."""
    sign_in(client, "analyst")
    return client


def _table(html: str, name: str) -> tuple[list[str], list[list[str]]]:
    """Headers and cell texts (tags stripped) of the page's table ``name``."""
    part = html[html.index(f'id="tbl-{name}"') :]
    part = part[: part.index("</table>")]
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", part, re.S)]
    body = part[part.index("<tbody>") :]
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return heads, rows


def _csv(client: TestClient, name: str) -> list[dict[str, str]]:
    text = client.get(f"/emissions?csv={name}&year=2025").content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


ONE_DECIMAL = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d$")
TWO_DECIMALS = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")


def test_sector_table_in_wan_t_and_yi_tkm(client: TestClient) -> None:
    html = client.get("/emissions?year=2025").text
    heads, rows = _table(html, "by_sector")
    assert heads[1:5] == ["CO2（万吨）", "CO2当量（万吨）", "能耗（吨标煤）", "换算周转量（亿吨公里）"]
    assert rows and all(ONE_DECIMAL.match(r[1]) and ONE_DECIMAL.match(r[2]) for r in rows), rows
    turnovers = [r[4] for r in rows if r[4] != "—"]
    assert turnovers and all(TWO_DECIMALS.match(v) for v in turnovers), turnovers
    assert not re.search(r"\d{1,3}(,\d{3}){3}", html), "no figure of 10⁹ or more on the page (float noise)"
    total = re.search(r'data-testid="emissions-total">([^<]+)</a> 万吨CO2', html)
    assert total and ONE_DECIMAL.match(total.group(1))


def test_csv_units_agree_and_carry_no_float_noise(client: TestClient) -> None:
    sectors = _csv(client, "by_sector")
    months = _csv(client, "by_month")
    co2 = "CO2（万吨）"
    # every sector's months add up to its year (same unit in both tables; each cell rounded to 0.01 t = 10⁻⁶ 万吨)
    tolerance = 1e-6 * (len(months) + len(sectors))
    assert sum(float(r[co2]) for r in months) == pytest.approx(sum(float(r[co2]) for r in sectors), abs=tolerance)
    for r in sectors:
        for v in r.values():
            assert not re.search(r"\.\d*(0000000|9999999)\d$", v), (r, v)  # no binary noise like 0.30000000000000004
        tkm, g = r["换算周转量（亿吨公里）"], r["碳排放强度（克CO2/换算吨公里）"]
        if tkm and g and float(tkm) > 0:
            # g/t·km = (万吨 × 10⁴ t × 10⁶ g/t) / (亿吨公里 × 10⁸ t·km), by hand: 10¹⁰ / 10⁸ = 100
            assert float(g) == pytest.approx(100 * float(r[co2]) / float(tkm), rel=1e-4)


def test_lmdi_and_charts_in_wan_t(client: TestClient) -> None:
    html = client.get("/emissions?year_from=2020&year_to=2025").text
    heads, rows = _table(html, "lmdi")
    assert heads[1:4] == ["2020年 CO2（万吨）", "2025年 CO2（万吨）", "CO2 变化（万吨）"]
    assert rows and all(ONE_DECIMAL.match(c) for r in rows for c in r[1:]), rows
    assert "kt" not in html and "千吨" not in html
