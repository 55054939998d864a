"""Green-trip carbon credits (碳普惠): partners, accounts, consents, trips, fare records, the catalogue and the
keyed, append-only ledger with its head row (created here, so that the first appenders never race to make it).

Revision ID: green_trip_credits
Revises: scenario_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "green_trip_credits"
down_revision = "scenario_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("balance_points", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref", name="uq_credit_accounts_kind_ref"),
    )
    op.create_table(
        "credit_ledger_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "credit_partners",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("api_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("api_key"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "credit_catalogue",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("cost_points", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["credit_partners.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "credit_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("scene", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["credit_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["credit_partners.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "scene", name="uq_credit_consents_account_scene"),
    )
    op.create_table(
        "credit_trips",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pending_reason", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("reduction_kg", sa.Float(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("methodology_version", sa.String(length=40), nullable=False),
        sa.Column("methodology_hash", sa.String(length=64), nullable=False),
        sa.Column("baseline_kind", sa.String(length=20), nullable=False),
        sa.Column("baseline_ef", sa.Float(), nullable=False),
        sa.Column("mode_ef", sa.Float(), nullable=True),
        sa.Column("rules_version", sa.String(length=40), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("appeal_status", sa.String(length=12), nullable=True),
        sa.Column("appeal_text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["credit_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["credit_partners.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partner_id", "idempotency_key", name="uq_credit_trips_partner_key"),
    )
    with op.batch_alter_table("credit_trips", schema=None) as batch_op:
        batch_op.create_index("ix_credit_trips_account_start", ["account_id", "started_at"], unique=False)
        batch_op.create_index("ix_credit_trips_status", ["status", "pending_reason"], unique=False)

    op.create_table(
        "credit_fares",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("fare_ref", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("tapped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matched_trip_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["credit_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matched_trip_id"],
            ["credit_trips.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["credit_partners.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partner_id", "fare_ref", name="uq_credit_fares_partner_ref"),
    )
    with op.batch_alter_table("credit_fares", schema=None) as batch_op:
        batch_op.create_index("ix_credit_fares_account_tapped", ["account_id", "tapped_at"], unique=False)

    op.create_table(
        "credit_ledger",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ts", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("debit_account_id", sa.Integer(), nullable=False),
        sa.Column("credit_account_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.String(length=240), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_account_id"],
            ["credit_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"],
            ["credit_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["trip_id"],
            ["credit_trips.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_credit_ledger_credit", ["credit_account_id"], unique=False)
        batch_op.create_index("ix_credit_ledger_debit", ["debit_account_id"], unique=False)

    op.execute(
        sa.text("INSERT INTO credit_ledger_head (id, last_id, last_hash) VALUES (1, 0, :g)").bindparams(g="0" * 64)
    )


def downgrade() -> None:
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_ledger_debit")
        batch_op.drop_index("ix_credit_ledger_credit")

    op.drop_table("credit_ledger")
    with op.batch_alter_table("credit_fares", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_fares_account_tapped")

    op.drop_table("credit_fares")
    with op.batch_alter_table("credit_trips", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_trips_status")
        batch_op.drop_index("ix_credit_trips_account_start")

    op.drop_table("credit_trips")
    op.drop_table("credit_consents")
    op.drop_table("credit_catalogue")
    op.drop_table("credit_partners")
    op.drop_table("credit_ledger_head")
    op.drop_table("credit_accounts")
