"""Road runs: bottom-up fleet inventory lines, trajectory and GTFS aggregates, the official figure per sector.

Revision ID: road_bottom_up_runs
Revises: quality_uncertainty_shore_kwh
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "road_bottom_up_runs"
down_revision = "quality_uncertainty_shore_kwh"
branch_labels = None
depends_on = None

_ROAD_FLOATS = (
    "vkt_km",
    "energy_gj",
    "fuel_t",
    "kwh",
    "co2_t",
    "co2_electricity_t",
    "nox_kg",
    "pm25_kg",
    "pm10_kg",
    "co_kg",
    "hc_kg",
)
_TRACK_FLOATS = (
    "distance_km",
    "hours",
    "energy_mj",
    "fuel_kg",
    "co2_t",
    "nox_kg",
    "pm10_kg",
    "co_kg",
    "voc_kg",
    "idle_hours",
)


def upgrade() -> None:
    op.create_table(
        "road_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("vehicle_class", sa.String(length=40), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("powertrain", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=True),
        sa.Column("vehicles", sa.Float(), nullable=False),
        *[sa.Column(c, sa.Float(), nullable=True) for c in _ROAD_FLOATS],
        sa.Column("km_basis", sa.String(length=40), nullable=True),
        sa.Column("pollutant_method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["calculation_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("road_results", schema=None) as batch_op:
        batch_op.create_index("ix_road_results_run_year", ["run_id", "year"], unique=False)
    op.create_table(
        "road_track_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        *[sa.Column(c, sa.Float(), nullable=True) for c in _TRACK_FLOATS],
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["calculation_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("road_track_results", schema=None) as batch_op:
        batch_op.create_index("ix_road_track_results_run_grain", ["run_id", "grain"], unique=False)
    op.create_table(
        "road_official_figures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("road_official_figures", schema=None) as batch_op:
        batch_op.create_index("ix_road_official_sector_year", ["sector", "year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("road_official_figures", schema=None) as batch_op:
        batch_op.drop_index("ix_road_official_sector_year")
    op.drop_table("road_official_figures")
    with op.batch_alter_table("road_track_results", schema=None) as batch_op:
        batch_op.drop_index("ix_road_track_results_run_grain")
    op.drop_table("road_track_results")
    with op.batch_alter_table("road_results", schema=None) as batch_op:
        batch_op.drop_index("ix_road_results_run_year")
    op.drop_table("road_results")
