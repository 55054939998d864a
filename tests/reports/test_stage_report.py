"""The stage evaluation report: Chinese PDF with the CJK font embedded (pdffonts), the indicator names and
values in its text (pdftotext), pages that render (pdftoppm); the same tables as XLSX; the CLI command."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from demo_builds import DemoSite
from raw_codes import code_pattern
from transcarbon.city.config import load_city
from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
from transcarbon.reports.stage_report.summary import summary_paragraphs
from transcarbon.store import db

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm"))


@pytest.fixture(scope="module")
def report(demo_site: DemoSite) -> tuple[dict[str, Any], bytes, bytes, str]:
    engine = db.make_engine(demo_site.url)
    with db.transaction(db.session_factory(engine)) as session:
        data = build_report(session, load_city(), 2025, actor="report")
    engine.dispose()
    return data, render_pdf(data), render_xlsx(data), demo_site.url


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdftoppm) not installed")
def test_pdf_text_fonts_and_pages(report: tuple[dict[str, Any], bytes, bytes, str], tmp_path: Path) -> None:
    data, pdf, _, _ = report
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", raw)  # reading order: cells one after another, wrapped names joined
    assert "阶段评估报告" in flat and "目标指标评估" in flat and "部门考核" in flat
    assert "情景分析：2030年目标与陆路交通石油消费达峰" in flat and "实现概率" in flat
    shown = [r for r in data["indicators"] if r["value"] is not None]
    assert shown
    for r in shown:
        assert re.sub(r"\s+", "", r["name_zh"]) in flat, r["name_zh"]
        assert f"{r['value']:,.2f}" in text or f"{r['value']:,.1f}" in text or f"{r['value']:,.4f}" in text
    for r in data["indicators"][:5]:
        assert re.sub(r"\s+", "", r["name_zh"]) in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansSC" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # emb column
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 5000 for p in pages)


def test_xlsx_tables(report: tuple[dict[str, Any], bytes, bytes, str]) -> None:
    data, _, xlsx, _ = report
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == [
        "指标评估",
        "未达进度指标",
        "里程碑任务进展",
        "预警",
        "部门考核",
        "排放构成",
        "排放变化分解",
        "情景",
        "说明",
    ]
    ws = wb["指标评估"]
    assert ws.max_row == len(data["indicators"]) + 1
    assert {c.value for c in ws["B"][1:]} == {r["name_zh"] for r in data["indicators"]}
    header = [c.value for c in ws[1]]
    assert [h for h in header if h and str(h).endswith("目标")] == [f"{y}目标" for y in load_city().target_years]
    notes = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=2)}
    assert notes["评估计算批次"] == data["evaluation_run"] and "engine" not in notes
    assert wb["排放构成"].max_row == len(data["by_sector"]) + 1


def test_xlsx_headers_are_chinese_and_numbers_formatted(report: tuple[dict[str, Any], bytes, bytes, str]) -> None:
    """Every header is Chinese (units in the heading); numbers are numbers with a display format; no code."""
    _, _, xlsx, _ = report
    wb = load_workbook(io.BytesIO(xlsx))
    pattern = code_pattern()
    for ws in wb:
        for h in [c.value for c in ws[1] if c.value]:
            assert re.search(r"[\u4e00-\u9fff]", str(h)), (ws.title, h)
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and pattern.search(c.value)), (ws.title, c.coordinate, c.value)
    sectors = wb["排放构成"]
    assert [c.value for c in sectors[1]][:5] == [
        "子行业",
        "CO2（吨）",
        "能耗（吨标准煤）",
        "换算周转量（吨公里）",
        "碳排放强度（千克CO2/吨公里）",
    ]
    first = sectors[2]
    assert isinstance(first[1].value, float) and first[1].number_format == "#,##0"
    assert first[4].number_format == "0.0000"
    ind = wb["指标评估"]
    header = [c.value for c in ind[1]]
    completion = ind.cell(row=2, column=header.index("完成度") + 1)
    assert completion.number_format == "0%"
    assert {c.value for c in wb["里程碑任务进展"]["B"][1:]} <= {"已完成", "进行中", "未开始", "已逾期"}


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
def test_pdf_sections_off_track_pages_and_no_raw_code(
    report: tuple[dict[str, Any], bytes, bytes, str], tmp_path: Path
) -> None:
    """The leaders' report: the executive summary written from the data (LMDI effects, off-track indicators with
    their departments, plan sections), one page per off-track indicator, milestones in words, warnings grouped,
    the methods-and-sources annex; no code anywhere in its text."""
    data, pdf, _, _ = report
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    pages = [
        re.sub(r"\s+", "", p)
        for p in subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split(
            "\f"
        )
    ]
    flat = "".join(pages)
    for heading in ("执行摘要", "未达进度指标", "里程碑任务进展", "预警（按类别）", "附录：方法与数据来源"):
        assert heading in flat, heading
    assert "对数平均迪氏指数法" in flat and "推高排放的主要因素是活动水平" in flat  # the demo's largest effect
    assert data["off_track"], "the demo has indicators off track"
    for r in data["off_track"]:
        name = re.sub(r"\s+", "", r["name_zh"])
        own = [p for p in pages if p.startswith(name) or f".{name}" in p[:200]]
        assert own, name  # a page of its own, headed by its name
        assert "责任单位" in own[0] and re.sub(r"\s+", "", r["departments"][0]) in own[0]
    assert "已完成" in flat and "进行中" in flat
    assert "数据异常" in flat and "未达进度（" in flat  # warning categories in words
    assert "生态环境部、国家统计局公布的电力二氧化碳排放因子" in flat  # a source in Chinese
    pattern = code_pattern()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert pattern.findall(re.sub(r"\s+", " ", text)) == []


def test_the_summary_names_the_largest_effects_from_the_data() -> None:
    data: dict[str, Any] = {
        "year": 2025,
        "total": {"co2_t": 1_100_000.0},
        "base": {"year": 2020, "co2_t": 1_000_000.0},
        "indicators": [{"status": "on_track"}, {"status": "missed"}],
        "lights": {"green": 1, "yellow": 1, "red": 0, "grey": 0},
        "lmdi": {
            "year_from": 2020,
            "year_to": 2025,
            "delta_t": 100_000.0,
            "effects": [("activity", 150_000.0), ("intensity", -60_000.0), ("structure", 10_000.0)],
        },
        "off_track": [
            {
                "name_zh": "公共交通机动化出行分担率",
                "status": "missed",
                "departments": ["市交通局"],
                "section": "(十)",
                "section_title": "大力发展公共交通",
            }
        ],
    }
    text = "".join(summary_paragraphs(data))
    assert "较2020年变化 +10.0%" in text  # 1.1 / 1.0 − 1
    assert "排放变化 +10.0 万吨" in text and "活动水平 +15.0 万吨" in text and "能源强度 -6.0 万吨" in text
    assert "推高排放的主要因素是活动水平" in text and "抑制排放的主要因素是能源强度" in text
    assert "公共交通机动化出行分担率（未完成，市交通局）" in text and "（十）“大力发展公共交通”1 项" in text


def test_cli_report(
    report: tuple[dict[str, Any], bytes, bytes, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer
    from typer.testing import CliRunner

    from transcarbon.cli import reports as report_commands
    from transcarbon.settings import get_settings

    url = report[3]
    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", url)
    get_settings.cache_clear()
    app = typer.Typer()
    report_commands.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(
        app, ["report", "--year", "2025", "--pdf", str(tmp_path / "a.pdf"), "--xlsx", str(tmp_path / "a.xlsx")]
    )
    get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "a.xlsx").stat().st_size > 1000
    bad = CliRunner().invoke(app, ["report", "--year", "1999", "--pdf", str(tmp_path / "b.pdf")])
    assert bad.exit_code == 2


def test_the_policy_scenario_answers_the_2030_questions_in_the_report(
    report: tuple[dict[str, Any], bytes, bytes, str],
) -> None:
    data, _, xlsx, _ = report
    sc = data["scenario"]
    assert sc is not None and sc["draws"] > 1
    by_id = {(t["indicator"], t["year"]): t for t in sc["targets"]}
    for key in (
        ("new_energy_vehicle_share_new", 2030),
        ("converted_turnover_co2_intensity", 2030),
        ("land_transport_oil_peak", 2030),
    ):
        assert key in by_id and 0.0 <= by_id[key]["p_meet"] <= 1.0
    assert sc["peak_year"] is None or 2020 <= sc["peak_year"] < 2035
    assert abs(sum(sc["peak_distribution"].values()) - 1.0) < 1e-6
    rows = list(load_workbook(io.BytesIO(xlsx))["情景"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(sc["targets"]) and {r[0] for r in rows} >= {"力争陆路交通运输石油消费达峰"}
