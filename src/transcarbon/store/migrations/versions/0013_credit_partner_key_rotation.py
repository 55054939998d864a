"""Partner key rotation for green-trip credits: the previous key of a partner and until when it is still
accepted (``credit_partners.previous_api_key``, ``previous_key_id``, ``previous_valid_until``).

Revision ID: credit_partner_key_rotation
Revises: shore_power_supervision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "credit_partner_key_rotation"
down_revision = "shore_power_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit_partners") as batch:
        batch.add_column(sa.Column("previous_api_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_key_id", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("previous_valid_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_partners") as batch:
        batch.drop_column("previous_valid_until")
        batch.drop_column("previous_key_id")
        batch.drop_column("previous_api_key")
