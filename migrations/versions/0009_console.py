"""the staff console: alert claims and notes, and the indexes its pages filter on

Revision ID: 0009_console
Revises: 0008_citizen_trust
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_console"
down_revision = "0008_citizen_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_work",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"]),
        sa.PrimaryKeyConstraint("alert_id"),
    )
    op.create_table(
        "alert_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_note_alert_id", "alert_note", ["alert_id"])
    # The declarations page filters by commune, risk and channel within a date range, newest first.
    op.create_index("ix_declaration_commune_created", "declaration", ["commune_code", "created_at"])
    op.create_index("ix_declaration_risk_created", "declaration", ["risk_level", "created_at"])
    # Today counts the open alerts and the day's calls.
    op.create_index("ix_alert_open", "alert", ["acknowledged_at", "created_at"])
    op.create_index("ix_call_attempt_started_at", "call_attempt", ["started_at"])
    op.create_index("ix_tracing_contact_status", "tracing_contact", ["status", "unreachable_at"])


def downgrade() -> None:
    op.drop_index("ix_tracing_contact_status", table_name="tracing_contact")
    op.drop_index("ix_call_attempt_started_at", table_name="call_attempt")
    op.drop_index("ix_alert_open", table_name="alert")
    op.drop_index("ix_declaration_risk_created", table_name="declaration")
    op.drop_index("ix_declaration_commune_created", table_name="declaration")
    op.drop_index("ix_alert_note_alert_id", table_name="alert_note")
    op.drop_table("alert_note")
    op.drop_table("alert_work")
