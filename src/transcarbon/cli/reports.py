"""``transcarbon report``: the stage evaluation report (阶段评估) of a year as PDF and, optionally, XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.services import audit, figures
from transcarbon.settings import get_settings


def report(
    year: Annotated[int, typer.Option("--year", help="评估年份 / year evaluated")],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF 输出文件 / PDF output file")],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="XLSX 输出文件（可选） / XLSX output file")] = None,
) -> None:
    """阶段评估报告（PDF，可选 XLSX） / Stage evaluation report of a year (PDF, optional XLSX)."""
    from transcarbon.city.config import load_city
    from transcarbon.reports.fonts import FontMissing
    from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx

    for path, suffix in ((pdf, ".pdf"), (xlsx, ".xlsx")):
        if path is not None:
            _check_output(path, suffix)
    settings = get_settings()
    written: list[str] = []
    with common.open_database() as database, database.transaction() as session:
        years = figures.years(session)
        if year not in years:
            raise common.fail("report.cli_no_year", 2, year=year, years=", ".join(map(str, years)))
        data = build_report(session, load_city(settings.city), year, actor="report")
        try:
            files = [(pdf, render_pdf(data))]
        except FontMissing as exc:
            raise common.fail_with([str(exc)], 2) from exc
        if xlsx is not None:
            files.append((xlsx, render_xlsx(data)))
        for path, body in files:
            _write(path, body)
            written.append(str(path))
        audit.append(
            session,
            actor=settings.actor,
            action="export.report",
            object_type="report",
            object_id=f"stage_evaluation/{year}",
            details={"files": written, "via": "cli"},
        )
    common.say(common.err, "report.cli_written", files=", ".join(written))


def _check_output(path: Path, suffix: str) -> None:
    """Refuse, before any work, an output path that is a folder or has the other format's extension."""
    if path.is_dir():
        raise common.fail("cli.report_path_is_dir", 2, path=str(path), suffix=suffix)
    if path.suffix.lower() != suffix:
        raise common.fail("cli.report_bad_suffix", 2, path=str(path), suffix=suffix)


def _write(path: Path, body: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    except OSError as exc:
        raise common.fail("cli.report_unwritable", 2, path=str(path), detail=exc.strerror or str(exc)) from exc


def register(root: typer.Typer) -> None:
    """Mount ``report``."""
    root.command("report")(report)
