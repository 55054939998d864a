"""evaluation: indicator values, warnings (with departments), department scores, LMDI effects

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:46:58.274508
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decomposition_effects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("year_to", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("co2_from_t", sa.Float(), nullable=False),
        sa.Column("co2_to_t", sa.Float(), nullable=False),
        sa.Column("delta_co2_t", sa.Float(), nullable=False),
        sa.Column("activity_t", sa.Float(), nullable=False),
        sa.Column("structure_t", sa.Float(), nullable=False),
        sa.Column("intensity_t", sa.Float(), nullable=False),
        sa.Column("fuel_mix_t", sa.Float(), nullable=False),
        sa.Column("emission_factor_t", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["calculation_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decomposition_effects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decomposition_effects_run_id"), ["run_id"], unique=False)

    op.create_table(
        "department_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("annual_completion", sa.Float(), nullable=True),
        sa.Column("cumulative_completion", sa.Float(), nullable=True),
        sa.Column("measures_share", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["calculation_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("department_scores", schema=None) as batch_op:
        batch_op.create_index("ix_department_scores_run_dept", ["run_id", "department_id"], unique=False)

    op.create_table(
        "evaluation_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("measure", sa.Float(), nullable=True),
        sa.Column("measure_unit", sa.String(length=40), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("sdg_status", sa.String(length=30), nullable=True),
        sa.Column("light", sa.String(length=10), nullable=True),
        sa.Column("completion_to_date", sa.Float(), nullable=True),
        sa.Column("step_completion", sa.Float(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_measure", sa.Float(), nullable=True),
        sa.Column("forecast", sa.JSON(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["calculation_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation_values", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_values_run_ind_year", ["run_id", "indicator_id", "year"], unique=False)

    op.create_table(
        "evaluation_warnings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("indicator_id", sa.String(length=80), nullable=True),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("report_type", sa.String(length=60), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_run_id"],
            ["calculation_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["calculation_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_warnings_key"), ["key"], unique=False)
        batch_op.create_index("ix_evaluation_warnings_year_open", ["year", "resolved_at"], unique=False)

    op.create_table(
        "evaluation_warning_departments",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["evaluation_warnings.id"],
        ),
        sa.PrimaryKeyConstraint("warning_id", "department_id"),
    )
    with op.batch_alter_table("evaluation_warning_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_warning_departments_department_id"), ["department_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_warning_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_warning_departments_department_id"))

    op.drop_table("evaluation_warning_departments")
    with op.batch_alter_table("evaluation_warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_warnings_year_open")
        batch_op.drop_index(batch_op.f("ix_evaluation_warnings_key"))

    op.drop_table("evaluation_warnings")
    with op.batch_alter_table("evaluation_values", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_values_run_ind_year")

    op.drop_table("evaluation_values")
    with op.batch_alter_table("department_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_department_scores_run_dept")

    op.drop_table("department_scores")
    with op.batch_alter_table("decomposition_effects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decomposition_effects_run_id"))

    op.drop_table("decomposition_effects")
