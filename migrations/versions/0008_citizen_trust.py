"""consent to the privacy notice, data requests, and only proven phone numbers on citizens

Revision ID: 0008_citizen_trust
Revises: 0007_ops

Before this revision a number typed in a chat was stored on the citizen and opened that number's tracing
records. From now on `citizen.phone` holds only numbers a provider vouched for or a one-time code proved, so
numbers that only a typed message put there are removed (declarations keep the number they were given with).
The ones kept: a citizen's caller id or SMS sender (an identity on voice/sms whose address is that number).
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_citizen_trust"
down_revision = "0007_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_version", sa.String(length=16), nullable=True))
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_request_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_request_created_at"), ["created_at"], unique=False)
    op.execute(
        "UPDATE citizen SET phone = NULL WHERE phone IS NOT NULL AND NOT EXISTS ("
        " SELECT 1 FROM channel_identity ci WHERE ci.citizen_id = citizen.id"
        " AND ci.channel IN ('voice', 'sms') AND ci.external_id = citizen.phone)"
    )


def downgrade() -> None:
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_request_created_at"))
        batch_op.drop_index(batch_op.f("ix_data_request_citizen_id"))
    op.drop_table("data_request")
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_column("consent_version")
