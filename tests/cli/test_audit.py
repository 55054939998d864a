"""``transcarbon audit``: the demo database verifies (chain, head, seals of the approved demo data); an anchor
written by ``audit anchor`` is checked by ``audit verify --anchor``; a direct edit of approved data is found and
every problem listed; rotating a key kept in the environment is refused with what to do instead, one kept in files
is rotated and the chain still verifies."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from transcarbon.cli import app
from transcarbon.services import keys
from transcarbon.settings import get_settings
from transcarbon.store import db

runner = CliRunner()


def test_verify_anchor_and_a_direct_edit(
    demo_env: str, tmp_path: Path, clean_failure: Callable[[Result, int], None]
) -> None:
    res = runner.invoke(app, ["audit", "verify"])
    assert res.exit_code == 0, res.output
    assert "audit log intact" in res.stdout
    anchor = tmp_path / "anchor.json"
    res = runner.invoke(app, ["audit", "anchor", "--out", str(anchor)])
    assert res.exit_code == 0 and anchor.is_file(), res.output
    res = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor)])
    assert res.exit_code == 0 and "nothing before the anchor" in res.stdout, res.output
    printed = runner.invoke(app, ["audit", "anchor"]).stdout
    assert '"last_id"' in printed and '"hash"' in printed
    engine = db.make_engine(demo_env)
    with engine.begin() as conn:
        conn.execute(text("UPDATE activity_records SET amount = amount * 2 WHERE id IN (1, 2)"))
        conn.execute(text("UPDATE report_rows SET data = '{}' WHERE id = 1"))
    engine.dispose()
    res = runner.invoke(app, ["audit", "verify"])
    clean_failure(res, 1)
    assert "4 problems" in res.stderr
    assert res.stderr.count("edited directly") == 4  # two records, their batch, the submission
    res = runner.invoke(app, ["audit", "verify", "--anchor", str(tmp_path / "missing.json")])
    clean_failure(res, 2)
    assert "missing.json" in res.stderr


def test_rotate_key_from_the_environment_is_refused(
    demo_env: str, clean_failure: Callable[[Result, int], None]
) -> None:
    res = runner.invoke(app, ["audit", "rotate-key"])
    clean_failure(res, 2)
    assert "TRANSCARBON_AUDIT_KEY" in res.stderr


def test_rotate_key_in_files_keeps_the_chain_verifiable(
    migrated_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the audit key in files (no TRANSCARBON_AUDIT_KEY), ``audit rotate-key`` adds a private key file, makes it
    current and records the rotation on the chain; the chain, old and new entries, still verifies."""
    monkeypatch.delenv("TRANSCARBON_AUDIT_KEY")
    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("TRANSCARBON_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    folder = tmp_path / "keys" / "audit"
    try:
        assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # the first key is made on first use
        first = (folder / "current").read_text(encoding="ascii").strip()
        for _ in range(2):  # the second rotation's entry is signed by the first rotation's key
            res = runner.invoke(app, ["audit", "rotate-key"])
            assert res.exit_code == 0, res.output
        current = (folder / "current").read_text(encoding="ascii").strip()
        key_files = sorted(folder.glob("*.key"))
        assert current != first and len(key_files) == 3
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in key_files)
        assert f"→ {current}" in res.stdout
        res = runner.invoke(app, ["audit", "verify"])
        assert res.exit_code == 0 and "audit log intact" in res.stdout, res.output
        engine = db.make_engine(migrated_db_url)
        with engine.connect() as conn:
            rotated = conn.execute(text("SELECT object_id FROM audit_log WHERE action = 'audit.key_rotated'")).all()
        engine.dispose()
        assert [r[0] for r in rotated][-1] == current and len(rotated) == 2
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        keys.configure(get_settings())
