"""Background recomputation jobs (``recompute_jobs``) and the handling of warnings (``evaluation_warnings.handling``
and ``assignee``; ``evaluation_warning_notes``: acknowledged, assigned, commented, closed, reopened).

Revision ID: recompute_jobs_warning_handling
Revises: green_trip_credits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "recompute_jobs_warning_handling"
down_revision = "green_trip_credits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recompute_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("run_ids", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_recompute_jobs_state", "recompute_jobs", ["state"])
    with op.batch_alter_table("evaluation_warnings") as batch:
        batch.add_column(sa.Column("handling", sa.String(20), nullable=False, server_default="new"))
        batch.add_column(sa.Column("assignee", sa.String(100), nullable=True))
    op.create_table(
        "evaluation_warning_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("warning_id", sa.Integer(), sa.ForeignKey("evaluation_warnings.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_evaluation_warning_notes_warning_id", "evaluation_warning_notes", ["warning_id"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_warning_notes_warning_id", table_name="evaluation_warning_notes")
    op.drop_table("evaluation_warning_notes")
    with op.batch_alter_table("evaluation_warnings") as batch:
        batch.drop_column("assignee")
        batch.drop_column("handling")
    op.drop_index("ix_recompute_jobs_state", table_name="recompute_jobs")
    op.drop_table("recompute_jobs")
