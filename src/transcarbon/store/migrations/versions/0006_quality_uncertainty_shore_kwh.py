"""Data quality and uncertainty on every figure; metered and modelled shore-power kWh.

Activity records and calculation lines carry their data-quality class; lines carry the CO2 factor row they
share, the activity and factor uncertainties and a quality score; results carry the CO2's 95% half-width and
a quality grade; indicator values their 95% range and grade; ship results both the metered and the modelled
shore-power kWh besides the kWh the grid term counts.

Revision ID: quality_uncertainty_shore_kwh
Revises: quarterly_indicator_values
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quality_uncertainty_shore_kwh"
down_revision = "quarterly_indicator_values"
branch_labels = None
depends_on = None

_COLUMNS: dict[str, list[sa.Column[object]]] = {
    "activity_records": [sa.Column("data_quality", sa.String(length=20), nullable=True)],
    "calculation_lines": [
        sa.Column("data_quality", sa.String(length=20), nullable=True),
        sa.Column("factor_key", sa.String(length=80), nullable=True),
        sa.Column("u_activity", sa.Float(), nullable=True),
        sa.Column("u_factor", sa.Float(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
    ],
    "results": [
        sa.Column("co2_u_t", sa.Float(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("quality_grade", sa.String(length=2), nullable=True),
    ],
    "evaluation_values": [
        sa.Column("value_low", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("quality_grade", sa.String(length=2), nullable=True),
    ],
    "ship_results": [
        sa.Column("shore_kwh_metered", sa.Float(), nullable=True),
        sa.Column("shore_kwh_modelled", sa.Float(), nullable=True),
    ],
}


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(column)


def downgrade() -> None:
    for table, columns in reversed(list(_COLUMNS.items())):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(str(column.name))
