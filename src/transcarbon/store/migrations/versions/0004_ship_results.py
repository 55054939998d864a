"""Ship results: stored aggregates of AIS ship-emission runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ship_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("fuel_t", sa.Float(), nullable=False),
        sa.Column("co2_t", sa.Float(), nullable=False),
        sa.Column("ch4_t", sa.Float(), nullable=False),
        sa.Column("n2o_t", sa.Float(), nullable=False),
        sa.Column("nox_t", sa.Float(), nullable=False),
        sa.Column("sox_t", sa.Float(), nullable=False),
        sa.Column("pm10_t", sa.Float(), nullable=False),
        sa.Column("pm25_t", sa.Float(), nullable=False),
        sa.Column("co_t", sa.Float(), nullable=False),
        sa.Column("hc_t", sa.Float(), nullable=False),
        sa.Column("shore_kwh", sa.Float(), nullable=True),
        sa.Column("connected_h", sa.Float(), nullable=True),
        sa.Column("avoided_co2_gross_t", sa.Float(), nullable=True),
        sa.Column("grid_co2_t", sa.Float(), nullable=True),
        sa.Column("avoided_co2_net_t", sa.Float(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["calculation_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ship_results", schema=None) as batch_op:
        batch_op.create_index("ix_ship_results_run_grain", ["run_id", "grain"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ship_results", schema=None) as batch_op:
        batch_op.drop_index("ix_ship_results_run_grain")

    op.drop_table("ship_results")
