"""broadcast campaigns, deliveries, uploaded phone lists, staff test addresses

Revision ID: 0006_broadcasts
Revises: 0005_staff
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_broadcasts"
down_revision = "0005_staff"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_vi", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("allow_sms", sa.Boolean(), nullable=False),
        sa.Column("zns_template_id", sa.String(length=64), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("second_approved_by_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", TZ, nullable=True),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.Column("paused_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("planned_count", sa.Integer(), nullable=True),
        sa.Column("in_flight_lost", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["staff_account.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["staff_account.id"]),
        sa.ForeignKeyConstraint(["second_approved_by_id"], ["staff_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaign_state", "campaign", ["state"], unique=False)
    op.create_table(
        "delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("identity_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("provider_msg_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", TZ, nullable=True),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=True),
        sa.Column("updated_at", TZ, nullable=True),
        sa.Column("sent_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "citizen_id", name="uq_delivery_campaign_citizen"),
        sa.UniqueConstraint("campaign_id", "channel", "address", name="uq_delivery_campaign_address"),
    )
    op.create_index("ix_delivery_campaign_id", "delivery", ["campaign_id"], unique=False)
    op.create_index("ix_delivery_provider_msg_id", "delivery", ["provider_msg_id"], unique=False)
    op.create_index("ix_delivery_campaign_status", "delivery", ["campaign_id", "status"], unique=False)
    op.create_index("ix_delivery_campaign_chunk", "delivery", ["campaign_id", "chunk"], unique=False)
    op.create_table(
        "phone_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("good_count", sa.Integer(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_upload_campaign_id", "phone_upload", ["campaign_id"], unique=False)
    op.create_table(
        "uploaded_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["upload_id"], ["phone_upload.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("upload_id", "phone", name="uq_uploaded_phone"),
    )
    op.create_index("ix_uploaded_phone_upload_id", "uploaded_phone", ["upload_id"], unique=False)
    op.create_table(
        "staff_test_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "channel", "address", name="uq_staff_test_address"),
    )
    op.create_index("ix_staff_test_address_staff_id", "staff_test_address", ["staff_id"], unique=False)


def downgrade() -> None:
    op.drop_table("staff_test_address")
    op.drop_table("uploaded_phone")
    op.drop_table("phone_upload")
    op.drop_table("delivery")
    op.drop_table("campaign")
