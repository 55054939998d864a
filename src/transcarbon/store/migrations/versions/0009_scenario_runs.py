"""Stored scenario runs: ``scenario_runs`` (one row per run of a scenario, with its calculation run).

Revision ID: scenario_runs
Revises: trust_keys_tokens_meta
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scenario_runs"
down_revision = "trust_keys_tokens_meta"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("calculation_runs.id"), nullable=False),
        sa.Column("scenario_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("levers", sa.JSON(), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.Column("spec_yaml", sa.Text(), nullable=False),
        sa.Column("calibration", sa.JSON(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scenario_runs_run_id", "scenario_runs", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_scenario_runs_run_id", table_name="scenario_runs")
    op.drop_table("scenario_runs")
