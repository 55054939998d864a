"""Shared by the command-line tests: the commands' settings pointed at a database, the demo database built
once per test module, 80-column consoles, and the check that a refusal is clean (an exit code and a
message that says what to fix, never a traceback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from rich.console import Console
from typer.testing import Result

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
def demo_env(demo_db_url: str) -> Iterator[str]:
    """A copy of the session's demo database (approved demo reports included) per module; the commands use it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSCARBON_DATABASE_URL", demo_db_url)
    get_settings.cache_clear()
    yield demo_db_url
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
