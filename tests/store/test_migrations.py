"""Migrations and models agree (no drift), and the chain goes down to nothing and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from transcarbon.store import db


def test_models_match_migrations_and_round_trip(db_url: str) -> None:
    db.upgrade(db_url)
    cfg = db.alembic_config(db_url)
    command.check(cfg)  # raises if the models differ from the migrated schema
    command.downgrade(cfg, "base")
    engine = db.make_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {
        "organisations",
        "activity_records",
        "calculation_runs",
        "results",
        "audit_log",
        "submissions",
        "users",
        "ship_results",
    } <= tables
