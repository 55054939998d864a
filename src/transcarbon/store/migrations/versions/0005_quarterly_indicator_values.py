"""Quarterly indicator values: ``evaluation_values.quarter`` (1–4; null on annual and monthly rows).

Revision ID: quarterly_indicator_values
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quarterly_indicator_values"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_values") as batch:
        batch.add_column(sa.Column("quarter", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_values") as batch:
        batch.drop_column("quarter")
