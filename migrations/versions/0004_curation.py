"""curators label the questions they resolve

Revision ID: 0004_curation
Revises: 0003_ivr
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_curation"
down_revision = "0003_ivr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unanswered_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unanswered_question", schema=None) as batch_op:
        batch_op.drop_column("label")
