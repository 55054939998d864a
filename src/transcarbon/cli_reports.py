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

from transcarbon.i18n import both

err = Console(stderr=True)


def report(
    year: Annotated[int, typer.Option("--year", help="评估年份 / year evaluated")],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF 输出文件 / PDF output file")],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="XLSX 输出文件（可选） / XLSX output file")] = None,
) -> None:
    """阶段评估报告（PDF，可选 XLSX） / Stage evaluation report of a year (PDF, optional XLSX)."""
    from transcarbon.city.config import load_city
    from transcarbon.reports import sources
    from transcarbon.reports.fonts import FontMissing
    from transcarbon.reports.stage_report import build_report, render_pdf, render_xlsx
    from transcarbon.services import audit
    from transcarbon.settings import get_settings
    from transcarbon.store import db

    settings = get_settings()
    url = settings.effective_database_url
    engine = db.make_engine(url)
    try:
        if not db.is_initialised(engine):
            err.print(both("cli.db_missing", url=url), markup=False)
            raise typer.Exit(2)
        with db.transaction(db.session_factory(engine)) as session:
            if year not in sources.years(session):
                err.print(both("report.cli_no_year", year=year, years=", ".join(map(str, sources.years(session)))),
                          markup=False)
                raise typer.Exit(2)
            data = build_report(session, load_city(settings.city), year)
            try:
                body = render_pdf(data)
            except FontMissing as exc:
                err.print(str(exc), markup=False)
                raise typer.Exit(2) from exc
            pdf.parent.mkdir(parents=True, exist_ok=True)
            pdf.write_bytes(body)
            written = [str(pdf)]
            if xlsx is not None:
                xlsx.parent.mkdir(parents=True, exist_ok=True)
                xlsx.write_bytes(render_xlsx(data))
                written.append(str(xlsx))
            audit.append(session, actor=settings.actor, action="export.report", object_type="report",
                         object_id=f"stage_evaluation/{year}", details={"files": written, "via": "cli"})
    finally:
        engine.dispose()
    err.print(both("report.cli_written", files=", ".join(written)), markup=False)
