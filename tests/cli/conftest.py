"""Shared by the command-line tests: the commands' settings pointed at a database, the demo database built
once per test module, 80-column consoles, and the check that a refusal is clean (an exit code and a
message that says what to fix, never a traceback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from rich.console import Console
from typer.testing import Result

from evaluation_fixtures import build_demo_db, demo_url
from transcarbon.cli import common
from transcarbon.settings import get_settings


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Point the commands at a database URL for this test (``TRANSCARBON_DATABASE_URL``)."""

    def use(url: str) -> None:
        monkeypatch.setenv("TRANSCARBON_DATABASE_URL", url)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory, pg_base_url: str | None) -> Iterator[str]:
    """The demo database with approved demo reports, built once per module; the commands use it."""
    url = demo_url(tmp_path_factory.mktemp("cli_demo"), pg_base_url)
    build_demo_db(url).kw["bind"].dispose()
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSCARBON_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal for the commands' consoles (they write to the runner's captured streams)."""
    monkeypatch.setattr(common, "out", Console(width=80))
    monkeypatch.setattr(common, "err", Console(width=80, stderr=True))


def _clean_failure(res: Result, code: int) -> None:
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output


@pytest.fixture
def clean_failure() -> Callable[[Result, int], None]:
    """``clean_failure(result, code)``: the command exited with ``code``, with a message and no traceback."""
    return _clean_failure
