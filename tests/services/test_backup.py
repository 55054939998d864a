"""Backup and restore: back up the demo database, change it (a result, a user, audit entries), restore it: the
inventory and the audit verification are as before, and what was added is gone. Both the database's own form
(SQLite file, or pg_dump on PostgreSQL) and the logical export; files are private; a foreign file is refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from transcarbon.services import audit, backup, integrity, users
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.inventory_runs import run_inventory, year_inventory
from transcarbon.store import db
from transcarbon.store.models import AuditEntry, User


def _state(url: str) -> tuple[object, int, int, bool]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as s:
        state = (
            year_inventory(s, 2025),
            s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
            s.scalar(select(func.count()).select_from(User)) or 0,
            integrity.verify(s).ok,
        )
    engine.dispose()
    return state


@pytest.mark.parametrize("logical", [False, True], ids=["native", "logical"])
@pytest.mark.slow
def test_backup_change_restore_round_trip(demo_db_url: str, tmp_path: Path, logical: bool) -> None:
    before = _state(demo_db_url)
    assert before[0] is not None and before[3]
    info = backup.backup(demo_db_url, tmp_path / "b.bak", logical=logical)
    assert info.size_bytes > 0 and stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert backup.form_of(info.path) == info.form
    engine = db.make_engine(demo_db_url)
    with db.transaction(db.session_factory(engine)) as s:
        users.create_user(s, username="after-backup", role="analyst", actor="test", password="a long password")
        s.execute(text("UPDATE results SET co2_t = co2_t * 2"))
        run_inventory(s, 2025, AccountingOptions(gwp="AR4"), actor="test")
        audit.append(s, actor="test", action="test.change", object_type="test", object_id="1")
    engine.dispose()
    assert _state(demo_db_url) != before
    backup.restore(demo_db_url, info.path)
    assert _state(demo_db_url) == before


def test_a_foreign_file_is_refused(demo_db_url: str, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(demo_db_url, other)
    assert exc.value.key == "backup.unknown_form"
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(demo_db_url, tmp_path / "missing.bak")
    assert exc.value.key == "backup.missing"
