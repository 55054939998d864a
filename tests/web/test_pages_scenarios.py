"""The scenario page through the ASGI app: the demo's policy scenario answers the plan's 2030 questions (P(meet) per
target, the oil peak year), Chinese first without raw codes; a custom run from the levers is saved and compared;
IAMC CSV/XLSX and the YAML as run download; roles."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from web_session import sign_in


def login(client: TestClient, username: str) -> None:
    sign_in(client, username)


def test_the_policy_scenario_answers_the_2030_questions(client: TestClient) -> None:
    login(client, "analyst")
    r = client.get("/scenarios")
    assert r.status_code == 200
    html = r.text
    assert "政策情景（实施方案措施）" in html
    assert "陆路交通石油消费峰值年" in html
    assert "实现概率" in html
    for name in (
        "当年新增新能源、清洁能源动力的交通工具比例",
        "营运交通工具换算周转量碳排放强度较2020年下降",
        "力争陆路交通运输石油消费达峰",
    ):
        assert name in html
    assert "私人及公务小客车" in html  # class names, not ids
    text = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", text)
    for code in ("private_car", "truck_heavy", "road_private", "fleet.classes[", "new_energy_vehicle_share_new"):
        assert code not in visible
    summary = re.search(r'data-testid="calibration-summary">([^<]+)<', html).group(1)
    within, total = (int(n) for n in re.findall(r"(\d+) 个", summary)[:2][::-1])
    assert within == total == 60  # 6 years × (registered total, 4 fuels, 5 modelled sectors), all within
    en = client.get("/scenarios?lang=en").text
    assert "Land-transport oil use peaks in" in en and "P(meet)" in en


@pytest.mark.slow
def test_a_custom_run_from_the_levers_is_saved_and_compared(client: TestClient) -> None:
    login(client, "analyst")
    page = client.get("/scenarios").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"csrf": csrf, **{m: "4" for m in re.findall(r'name="(lever_[a-z_]+)"', page)}}
    r = client.post("/scenarios/run", data=form, follow_redirects=False)
    assert r.status_code == 303
    shown = client.get(r.headers["location"]).text
    assert "自定义情景" in shown
    assert shown.count("#") >= 3  # the saved runs listed side by side
    bad = client.post("/scenarios/run", data={**form, "lever_grid": "9"})
    assert bad.status_code == 400
    assert client.post("/scenarios/run", data={**form, "csrf": "x"}).status_code == 403


def test_iamc_downloads_read_back(client: TestClient) -> None:
    login(client, "analyst")
    r = client.get("/scenarios/iamc.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0][:5] == ["model", "scenario", "region", "variable", "unit"]
    assert rows[0][5:] == [str(y) for y in range(2020, 2036)]
    variables = {row[3] for row in rows[1:]}
    assert {
        "Emissions|CO2|Transportation",
        "Final Energy|Transportation|Land|Oil",
        "Stock|Transportation|private_car|bev",
    } <= variables
    wb = load_workbook(io.BytesIO(client.get("/scenarios/iamc.xlsx").content))
    assert wb.sheetnames[:2] == ["data", "meta"]
    header = [c.value for c in next(wb["data"].iter_rows(max_row=1))]
    assert header[:5] == ["model", "scenario", "region", "variable", "unit"] and header[5] == 2020
    run_id = re.search(r"/scenarios/(\d+)/scenario.yaml", client.get("/scenarios").text).group(1)
    y = client.get(f"/scenarios/{run_id}/scenario.yaml")
    assert y.status_code == 200 and "calibration" in y.text and "levers" in y.text


def test_roles(client: TestClient) -> None:
    login(client, "department")
    assert client.get("/scenarios").status_code == 200
    page = client.get("/scenarios").text
    assert 'data-testid="run-scenario"' not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post("/scenarios/run", data={"csrf": csrf}).status_code == 403
    login(client, "reporter")
    assert client.get("/scenarios").status_code == 403
    assert client.get("/scenarios/999999").status_code in (404, 405)
