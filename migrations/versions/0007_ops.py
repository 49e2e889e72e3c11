"""staff pauses of the call centre and of single lists live in the database (Redis only caches them)

Revision ID: 0007_ops
Revises: 0006_broadcasts
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_ops"
down_revision = "0006_broadcasts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dialer_pause",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["list_id"], ["tracing_list.id"], name="fk_dialer_pause_list"),
        sa.PrimaryKeyConstraint("scope", name="pk_dialer_pause"),
    )
    op.create_index("ix_dialer_pause_list_id", "dialer_pause", ["list_id"])


def downgrade() -> None:
    op.drop_index("ix_dialer_pause_list_id", table_name="dialer_pause")
    op.drop_table("dialer_pause")
