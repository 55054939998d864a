"""What a user of the command line meets: output readable at 80 columns, Chinese first, and mistakes
(a year without data, a bad date, a wrong path or option) answered with a message that says what to fix,
never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner, Result

from transcarbon import cli_evaluation, cli_platform, cli_ships
from transcarbon.cli_evaluation import register
from transcarbon.cli_reports import report
from transcarbon.settings import get_settings

runner = CliRunner()
app = typer.Typer()
register(app)
app.command("report")(report)


@pytest.fixture(scope="module")
def demo_env(demo_db_url: str) -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSCARBON_DATABASE_URL", demo_db_url)
    get_settings.cache_clear()
    yield demo_db_url
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal for the commands' consoles (they write to the runner's captured streams)."""
    for module in (cli_evaluation, cli_platform):
        monkeypatch.setattr(module, "out", Console(width=80))
        monkeypatch.setattr(module, "err", Console(width=80, stderr=True))


def _clean_failure(res: Result, code: int) -> None:
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output


def _width(text: str) -> int:
    from rich.cells import cell_len

    return max(cell_len(line.rstrip()) for line in text.splitlines())


def test_evaluate_table_fits_80_columns_chinese_first(demo_env: str, narrow: None) -> None:
    res = runner.invoke(app, ["evaluate", "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout, "a cell was cut short"
    assert _width(res.stdout) <= 80
    assert "已实现" in res.stdout and "nev_sales_share" in res.stdout
    # warnings as a list: severity and kind in Chinese, departments by name, both messages in full
    assert "市交通局" in res.stdout and "责任单位" in res.stdout
    payload = json.loads(runner.invoke(app, ["evaluate", "--year", "2025", "--json"]).stdout)
    first = payload["warnings"][0]["message_en"].split()[0]
    assert first in res.stdout


def test_decompose_and_scorecards_fit_80_columns(demo_env: str, narrow: None) -> None:
    res = runner.invoke(app, ["decompose", "--from", "2020", "--to", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout and _width(res.stdout) <= 80
    assert "道路货运" in res.stdout and "活动水平" in res.stdout and "万吨" in res.stdout
    res = runner.invoke(app, ["scorecards", "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout and _width(res.stdout) <= 80
    assert "市交通局" in res.stdout and "transport_bureau" in res.stdout


def test_years_without_data_are_refused_with_the_years_there_are(demo_env: str, narrow: None) -> None:
    from transcarbon.services.accounting import AccountingOptions
    from transcarbon.services.inventory_runs import run_inventory
    from transcarbon.store import db

    # an inventory of a year without data stores an empty run; the decomposition must not trip over it
    engine = db.make_engine(demo_env)
    with db.transaction(db.session_factory(engine)) as session:
        run_inventory(session, 2019, AccountingOptions(), actor="test")
    engine.dispose()
    for args in (["decompose", "--from", "2019", "--to", "2025"], ["evaluate", "--year", "2031"],
                 ["scorecards", "--year", "2031"]):
        res = runner.invoke(app, args)
        _clean_failure(res, 2)
        flat = " ".join(res.output.split())
        assert "2020, 2021, 2022, 2023, 2024, 2025" in flat
        assert "transcarbon inventory --year" in flat


def test_bad_options_say_what_to_fix(demo_env: str, narrow: None) -> None:
    res = runner.invoke(app, ["evaluate", "--year", "2025", "--as-of", "2025-13-01"])
    _clean_failure(res, 2)
    assert "YYYY-MM-DD" in res.output and "2025-13-01" in res.output
    res = runner.invoke(app, ["warnings", "--department", "no_such_bureau"])
    _clean_failure(res, 2)
    assert "no_such_bureau" in res.output and "transport_bureau" in res.output


def test_report_paths_are_checked_before_work(demo_env: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(tmp_path)])
    _clean_failure(res, 2)
    assert "文件夹" in res.output and "folder" in res.output
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(tmp_path / "a.xlsx")])
    _clean_failure(res, 2)
    assert ".pdf" in res.output
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(tmp_path / "a.pdf"),
                              "--xlsx", str(tmp_path / "a.pdf")])
    _clean_failure(res, 2)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res = runner.invoke(app, ["report", "--year", "2025", "--pdf", str(blocker / "a.pdf")])
    _clean_failure(res, 2)
    assert "无法写入" in res.output and "cannot write" in res.output


def test_ships_summary_is_bilingual_and_bad_options_are_refused(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from transcarbon.demo.ais import write_synthetic_ais

    paths = write_synthetic_ais(tmp_path / "in", n_ships=6, days=2, ais_format="csv")
    zones = str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson")
    base = ["inventory", "--ais", str(paths["ais"]), "--ships", str(paths["ships"]), "--zones", zones,
            "--shore-power", str(paths["shore_power"])]
    res = runner.invoke(cli_ships.app, base)
    assert res.exit_code == 0, res.output
    for text in ("靠泊", "锚泊", "合计 total", "岸电", "shore power", "剔除", "excluded"):
        assert text in res.stdout, text
    assert "{'kwh'" not in res.output
    res = runner.invoke(cli_ships.app, [*base, "--grid-region", "XX"])
    _clean_failure(res, 2)
    assert "CN-JS" in res.output and "--grid-region" in res.output
    res = runner.invoke(cli_ships.app, [*base, "--method", "poeminv"])
    _clean_failure(res, 2)
    assert "imo4" in res.output and "poeminv" in res.output
    blocker = tmp_path / "out.txt"
    blocker.write_text("")
    res = runner.invoke(cli_ships.app, [*base, "--out", str(blocker)])
    _clean_failure(res, 2)


def test_users_password_env_unset_and_no_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", f"sqlite:///{(tmp_path / 'u.db').as_posix()}")
    monkeypatch.delenv("TC_TEST_UNSET_PASSWORD", raising=False)
    get_settings.cache_clear()
    try:
        res = runner.invoke(cli_platform.users_app, ["add", "ana", "--role", "analyst",
                                                     "--password-env", "TC_TEST_UNSET_PASSWORD"])
        _clean_failure(res, 1)
        assert "TC_TEST_UNSET_PASSWORD" in res.output and "未设置" in res.output and "not set" in res.output
        res = runner.invoke(cli_platform.users_app, ["add", "svc", "--role", "analyst", "--no-password"])
        assert res.exit_code == 0, res.output
        assert "svc" in res.output
    finally:
        get_settings.cache_clear()
