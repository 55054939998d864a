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
from transcarbon.city.config import load_city
from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
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
    assert wb.sheetnames == ["指标评估", "预警", "部门考核", "排放构成", "情景", "说明"]
    ws = wb["指标评估"]
    assert ws.max_row == len(data["indicators"]) + 1
    assert {c.value for c in ws["B"][1:]} == {r["id"] for r in data["indicators"]}
    header = [c.value for c in ws[1]]
    assert [h for h in header if h and str(h).endswith("目标")] == [f"{y}目标" for y in load_city().target_years]
    notes = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=2)}
    assert notes["evaluation run"] == data["evaluation_run"] and "engine" not in notes
    assert wb["排放构成"].max_row == len(data["by_sector"]) + 1


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
    assert len(rows) == len(sc["targets"]) and {r[1] for r in rows} >= {"land_transport_oil_peak"}
