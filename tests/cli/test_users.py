"""``transcarbon users``: a password variable that is not set is refused by name; token-only accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from transcarbon.cli import app

runner = CliRunner()


def test_users_password_env_unset_and_no_password(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    use_database: Callable[[str], None],
    clean_failure: Callable[[Result, int], None],
) -> None:
    use_database(f"sqlite:///{(tmp_path / 'u.db').as_posix()}")
    monkeypatch.delenv("TC_TEST_UNSET_PASSWORD", raising=False)
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    res = runner.invoke(app, ["users", "add", "ana", "--role", "analyst", "--password-env", "TC_TEST_UNSET_PASSWORD"])
    clean_failure(res, 1)
    assert "TC_TEST_UNSET_PASSWORD" in res.output and "未设置" in res.output and "not set" in res.output
    res = runner.invoke(app, ["users", "add", "svc", "--role", "analyst", "--no-password"])
    assert res.exit_code == 0, res.output
    assert "svc" in res.output


def test_token_printed_once_and_disable(
    tmp_path: Path, use_database: Callable[[str], None], clean_failure: Callable[[Result, int], None]
) -> None:
    use_database(f"sqlite:///{(tmp_path / 'u.db').as_posix()}")
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    assert runner.invoke(app, ["users", "add", "svc", "--role", "analyst", "--no-password"]).exit_code == 0
    res = runner.invoke(app, ["users", "token", "svc", "--name", "etl"])
    assert res.exit_code == 0, res.output
    assert len(res.stdout.split()) == 1 and "API token issued for svc" in res.stderr  # stdout: the token alone
    res = runner.invoke(app, ["users", "disable", "svc"])
    assert res.exit_code == 0 and "user svc disabled" in res.stdout
    res = runner.invoke(app, ["users", "token", "nobody"])
    clean_failure(res, 1)
    assert "没有用户 nobody" in res.stderr and "no user nobody" in res.stderr


@pytest.mark.slow
def test_tokens_listed_and_revoked_password_and_unlock(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    use_database: Callable[[str], None],
    clean_failure: Callable[[Result, int], None],
) -> None:
    use_database(f"sqlite:///{(tmp_path / 'u.db').as_posix()}")
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    monkeypatch.setenv("TC_TEST_PASSWORD", "a long enough password")
    assert (
        runner.invoke(app, ["users", "add", "ana", "--role", "analyst", "--password-env", "TC_TEST_PASSWORD"]).exit_code
        == 0
    )
    res = runner.invoke(app, ["users", "token", "ana", "--name", "etl", "--days", "7"])
    assert res.exit_code == 0 and "valid until" in res.stderr, res.output
    listed = runner.invoke(app, ["users", "tokens", "ana"])
    assert listed.exit_code == 0 and "etl" in listed.stdout and "expires" in listed.stdout
    token_id = listed.stdout.split()[0]
    assert runner.invoke(app, ["users", "revoke-token", "ana", token_id]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["users", "tokens", "ana"]).stdout
    clean_failure(runner.invoke(app, ["users", "revoke-token", "ana", "999"]), 1)
    monkeypatch.setenv("TC_TEST_PASSWORD", "short")
    res = runner.invoke(app, ["users", "password", "ana", "--password-env", "TC_TEST_PASSWORD"])
    clean_failure(res, 1)
    monkeypatch.setenv("TC_TEST_PASSWORD", "another long password")
    res = runner.invoke(app, ["users", "password", "ana", "--password-env", "TC_TEST_PASSWORD"])
    assert res.exit_code == 0 and "new password set for ana" in res.stdout
    res = runner.invoke(app, ["users", "unlock", "ana"])
    assert res.exit_code == 0 and "login throttling of ana cleared" in res.stdout
