"""Ships on the web and shore-power supervision: ``ship_cells``, ``ship_run_ships``,
``ship_berth_stays``, ``shore_power_records``,
``ship_run_jobs``.

Revision ID: shore_power_supervision
Revises: recompute_jobs_warning_handling
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "shore_power_supervision"
down_revision = "recompute_jobs_warning_handling"
branch_labels = None
depends_on = None

_RUN = "calculation_runs.id"


def upgrade() -> None:
    op.create_table(
        "ship_cells",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey(_RUN), nullable=False),
        sa.Column("cell", sa.String(40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("co2_t", sa.Float(), nullable=False),
        sa.Column("nox_t", sa.Float(), nullable=False),
        sa.Column("pm25_t", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
    )
    op.create_index("ix_ship_cells_run_id", "ship_cells", ["run_id"])
    op.create_table(
        "ship_run_ships",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey(_RUN), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("ship_type", sa.String(40), nullable=True),
        sa.Column("shore_power_capable", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_ship_run_ships_run_id", "ship_run_ships", ["run_id"])
    op.create_table(
        "ship_berth_stays",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey(_RUN), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("berth_id", sa.String(80), nullable=False),
        sa.Column("arrival", sa.DateTime(timezone=True), nullable=False),
        sa.Column("departure", sa.DateTime(timezone=True), nullable=False),
        sa.Column("berth_h", sa.Float(), nullable=False),
        sa.Column("berth_has_shore_power", sa.Boolean(), nullable=False),
        sa.Column("connected_h", sa.Float(), nullable=False),
        sa.Column("co2_t", sa.Float(), nullable=False),
    )
    op.create_index("ix_ship_berth_stays_run_id", "ship_berth_stays", ["run_id"])
    op.create_table(
        "shore_power_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("berth_id", sa.String(80), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("ship_name", sa.String(120), nullable=False),
        sa.Column("berth_arrival", sa.DateTime(timezone=True), nullable=False),
        sa.Column("berth_departure", sa.DateTime(timezone=True), nullable=True),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("connect_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disconnect_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kwh", sa.Float(), nullable=True),
        sa.Column("fault", sa.Text(), nullable=True),
        sa.Column("not_connected_reason", sa.String(30), nullable=True),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("ship_party", sa.String(120), nullable=False),
        sa.Column("declared_by", sa.String(100), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terminal_party", sa.String(120), nullable=True),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
    )
    op.create_index("ix_shore_power_records_berth_id", "shore_power_records", ["berth_id"])
    op.create_index("ix_shore_power_records_mmsi", "shore_power_records", ["mmsi"])
    op.create_table(
        "ship_run_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey(_RUN), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("ship_run_jobs")
    op.drop_index("ix_shore_power_records_mmsi", table_name="shore_power_records")
    op.drop_index("ix_shore_power_records_berth_id", table_name="shore_power_records")
    op.drop_table("shore_power_records")
    op.drop_index("ix_ship_berth_stays_run_id", table_name="ship_berth_stays")
    op.drop_table("ship_berth_stays")
    op.drop_index("ix_ship_run_ships_run_id", table_name="ship_run_ships")
    op.drop_table("ship_run_ships")
    op.drop_index("ix_ship_cells_run_id", table_name="ship_cells")
    op.drop_table("ship_cells")
