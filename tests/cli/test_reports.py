"""``transcarbon report``: output paths checked before any work, and refused with what to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from transcarbon.cli import app

runner = CliRunner()


def test_report_paths_are_checked_before_work(
    demo_env: str, tmp_path: Path, clean_failure: Callable[[Result, int], None]
) -> None:
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(tmp_path)])
    clean_failure(res, 2)
    assert "文件夹" in res.output and "folder" in res.output
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(tmp_path / "a.xlsx")])
    clean_failure(res, 2)
    assert ".pdf" in res.output
    res = runner.invoke(
        app, ["report", "--year", "2025", "--pdf", str(tmp_path / "a.pdf"), "--xlsx", str(tmp_path / "a.pdf")]
    )
    clean_failure(res, 2)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(blocker / "a.pdf")])
    clean_failure(res, 2)
    assert "无法写入" in res.output and "cannot write" in res.output
