"""Migrations and models agree (no drift), and the chain goes down to nothing and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

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


def test_the_job_queue_migration_moves_the_old_jobs_and_back(db_url: str) -> None:
    """``unified_job_queue``: the rows of ``recompute_jobs`` and ``ship_run_jobs`` move to ``jobs`` (a running
    recomputation queued again, an unfinished ship job failed as interrupted) and back on the downgrade."""
    cfg = db.alembic_config(db_url)
    command.upgrade(cfg, "shore_power_supervision")
    engine = db.make_engine(db_url)
    at = "2026-01-02 03:04:05+00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO recompute_jobs (years, reason, state, error, run_ids, requested_by, created_at,"
                " started_at)"
                " VALUES ('[2025]', 'approve', 'running', NULL, '[]', 'analyst', :at, :at),"
                " ('[2024]', 'manual', 'failed', 'RuntimeError: x', '[]', 'admin', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO ship_run_jobs (state, done, total, files, error, actor, created_at)"
                " VALUES ('running', 1, 4, '{\"ais\": {\"name\": \"ais.csv\"}}', NULL, 'port', :at)"
            ),
            {"at": at},
        )
    engine.dispose()
    command.upgrade(cfg, "unified_job_queue")
    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, state, tries, error_code, requested_by, done, total FROM jobs ORDER BY id")
        ).all()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("recompute", "queued", 1, None, "analyst", 0, 0),
        ("recompute", "failed", 1, "internal", "admin", 0, 0),
        ("ship_run", "failed", 1, "interrupted", "port", 1, 4),
    ]
    assert "recompute_jobs" not in tables and "ship_run_jobs" not in tables
    command.downgrade(cfg, "shore_power_supervision")
    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT reason, state, error, requested_by FROM recompute_jobs ORDER BY id")).all()
        ships = conn.execute(text("SELECT state, done, total, actor FROM ship_run_jobs")).all()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert [tuple(r) for r in back] == [
        ("approve", "queued", None, "analyst"),
        ("manual", "failed", "RuntimeError: x", "admin"),
    ]
    assert [tuple(r) for r in ships] == [("failed", 1, 4, "port")]
    assert "jobs" not in tables
