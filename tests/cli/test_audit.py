"""``transcarbon audit``: the demo database verifies (chain, head, seals of the approved demo data); an anchor
written by ``audit anchor`` is checked by ``audit verify --anchor``; a direct edit of approved data is found and
every problem listed; rotating a key kept in the environment is refused with what to do instead."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner, Result

from transcarbon.cli import app
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
