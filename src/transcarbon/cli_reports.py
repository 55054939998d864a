"""``transcarbon report``: the stage evaluation report (阶段评估) of a year as PDF and, optionally, XLSX.

The lead mounts it on the main app::

    from transcarbon.cli_reports import report
    app.command("report")(report)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from transcarbon.i18n import t

err = Console(stderr=True)


def report(
    year: Annotated[int, typer.Option("--year", help="评估年份 / year evaluated")],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF 输出文件 / PDF output file")],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="XLSX 输出文件（可选） / XLSX output file")] = None,
) -> None:
    """阶段评估报告（PDF，可选 XLSX） / Stage evaluation report of a year (PDF, optional XLSX)."""
    from transcarbon.city.config import load_city
    from transcarbon.reports.fonts import FontMissing
    from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
    from transcarbon.services import audit, figures
    from transcarbon.services.database import Database, DatabaseNotReady
    from transcarbon.settings import get_settings

    for path, suffix in ((pdf, ".pdf"), (xlsx, ".xlsx")):
        if path is not None:
            _check_output(path, suffix)
    settings = get_settings()
    try:
        database = Database.open(settings.effective_database_url)
    except DatabaseNotReady as exc:
        _say(exc.key, **exc.values)
        raise typer.Exit(2) from exc
    written: list[str] = []
    with database, database.transaction() as session:
        years = figures.years(session)
        if year not in years:
            _say("report.cli_no_year", year=year, years=", ".join(map(str, years)))
            raise typer.Exit(2)
        data = build_report(session, load_city(settings.city), year, actor="report")
        try:
            files = [(pdf, render_pdf(data))]
        except FontMissing as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(2) from exc
        if xlsx is not None:
            files.append((xlsx, render_xlsx(data)))
        for path, body in files:
            _write(path, body)
            written.append(str(path))
        audit.append(session, actor=settings.actor, action="export.report", object_type="report",
                     object_id=f"stage_evaluation/{year}", details={"files": written, "via": "cli"})
    _say("report.cli_written", files=", ".join(written))


def _say(key: str, **values: object) -> None:
    """A catalog message on stderr, Chinese line then English line."""
    err.print(t(key, "zh", **values), markup=False, highlight=False)
    err.print(t(key, "en", **values), markup=False, highlight=False)


def _check_output(path: Path, suffix: str) -> None:
    """Refuse, before any work, an output path that is a folder or has the other format's extension."""
    if path.is_dir():
        _say("cli.report_path_is_dir", path=str(path), suffix=suffix)
        raise typer.Exit(2)
    if path.suffix.lower() != suffix:
        _say("cli.report_bad_suffix", path=str(path), suffix=suffix)
        raise typer.Exit(2)


def _write(path: Path, body: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    except OSError as exc:
        _say("cli.report_unwritable", path=str(path), detail=exc.strerror or str(exc))
        raise typer.Exit(2) from exc
