"""One rule for the database: ``db init``, ``db upgrade`` (and ``serve``) create or migrate it; every command
that only uses it refuses a missing database (naming ``db init``) or an out-of-date one (naming
``db upgrade``) with exit 2, and changes nothing: no file, no folder, no migration, no output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from transcarbon.cli import app
from transcarbon.store import db

runner = CliRunner()

USING_COMMANDS = [
    ["inventory", "--year", "2025"],
    ["lineage", "1"],
    ["audit", "verify"],
    ["evaluate", "--year", "2025"],
    ["decompose", "--from", "2020", "--to", "2025"],
    ["scorecards", "--year", "2025"],
    ["warnings"],
    ["report", "--year", "2025", "--pdf", "{tmp}/report.pdf"],
    ["users", "add", "ana", "--role", "analyst", "--no-password"],
    ["users", "token", "ana"],
    ["users", "disable", "ana"],
    ["ships", "inventory", "--ais", "{tmp}/ais.csv", "--ships", "{tmp}/ships.csv", "--out", "{tmp}/out", "--store"],
]


def _ids(args: list[str]) -> str:
    return " ".join(a for a in args[:2] if not a.startswith("-"))


def _state(url: str) -> str:
    engine = db.make_engine(url)
    try:
        return db.schema_state(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", USING_COMMANDS, ids=_ids)
def test_a_missing_database_is_refused_and_not_created(
    args: list[str], tmp_path: Path, use_database: Callable[[str], None]
) -> None:
    folder = tmp_path / "var"
    use_database(f"sqlite:///{(folder / 'transcarbon.db').as_posix()}")
    res = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "尚未建立" in res.stderr and "transcarbon db init" in res.stderr and "is not set up" in res.stderr
    assert res.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no database file, not even its folder; no report, no --out folder


@pytest.mark.parametrize("args", USING_COMMANDS, ids=_ids)
def test_an_out_of_date_database_is_refused_and_not_migrated(
    args: list[str], tmp_path: Path, db_url: str, use_database: Callable[[str], None]
) -> None:
    db.upgrade(db_url, "0003")
    use_database(db_url)
    res = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert res.exit_code == 2, res.output
    assert "transcarbon db upgrade" in res.stderr and "旧于本版本" in res.stderr and "older schema" in res.stderr
    assert res.stdout == ""
    assert _state(db_url) == "outdated"
    assert not (tmp_path / "report.pdf").exists() and not (tmp_path / "out").exists()


def test_db_init_creates_and_db_upgrade_migrates(
    tmp_path: Path, db_url: str, use_database: Callable[[str], None]
) -> None:
    fresh = f"sqlite:///{(tmp_path / 'new' / 'transcarbon.db').as_posix()}"
    use_database(fresh)
    res = runner.invoke(app, ["db", "init"])
    assert res.exit_code == 0, res.output
    assert "up to date" in res.stderr and _state(fresh) == "current"
    db.upgrade(db_url, "0003")
    use_database(db_url)
    res = runner.invoke(app, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    assert _state(db_url) == "current"


def test_serve_creates_the_database_before_starting(
    tmp_path: Path, use_database: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, host, port, **_kw: started.append((host, port)))
    url = f"sqlite:///{(tmp_path / 'var' / 'transcarbon.db').as_posix()}"
    use_database(url)
    res = runner.invoke(app, ["serve", "--port", "8765"])
    assert res.exit_code == 0, res.output
    assert started == [("127.0.0.1", 8765)]
    assert _state(url) == "current"


def test_backup_and_restore_commands(
    tmp_path: Path, use_database: Callable[[str], None], clean_failure: Callable[..., None]
) -> None:
    use_database(f"sqlite:///{(tmp_path / 'b.db').as_posix()}")
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    assert runner.invoke(app, ["users", "add", "ana", "--role", "analyst", "--no-password"]).exit_code == 0
    res = runner.invoke(app, ["db", "backup", str(tmp_path / "b.bak")])
    assert res.exit_code == 0 and "backup written" in res.stdout and "audit key" in res.stdout, res.output
    assert runner.invoke(app, ["users", "add", "bob", "--role", "analyst", "--no-password"]).exit_code == 0
    clean_failure(runner.invoke(app, ["db", "restore", str(tmp_path / "b.bak")], input="n\n"), 1)
    res = runner.invoke(app, ["db", "restore", str(tmp_path / "b.bak"), "--yes"])
    assert res.exit_code == 0 and "restored" in res.stdout, res.output
    assert runner.invoke(app, ["users", "token", "bob"]).exit_code == 1  # bob came after the backup
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    clean_failure(runner.invoke(app, ["db", "restore", str(tmp_path / "none.bak"), "--yes"]), 1)
