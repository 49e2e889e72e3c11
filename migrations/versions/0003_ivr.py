"""voice tables (tracing lists, calls)

Revision ID: 0003_ivr
Revises: 0002_nlu
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_ivr"
down_revision = "0002_nlu"
branch_labels = None
depends_on = None
# One number in one call at a time (see ivr/models.py DIALING; kept literal: migrations never import models).
DIALING = "status = 'calling' OR followup_status = 'calling'"


def upgrade() -> None:
    op.create_table(
        "tracing_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "tracing_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("classification", sa.String(length=16), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("exposure_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(length=32), nullable=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sms_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_until", sa.Date(), nullable=True),
        sa.Column("last_followup_on", sa.Date(), nullable=True),
        sa.Column("followup_status", sa.String(length=16), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["tracing_list.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "phone", name="uq_tracing_contact_list_phone"),
    )
    with op.batch_alter_table("tracing_contact", schema=None) as batch_op:
        batch_op.create_index("ix_tracing_contact_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_tracing_contact_followup_due", ["followup_status", "next_attempt_at"], unique=False)
        batch_op.create_index("uq_tracing_contact_phone_dialing", ["phone"], unique=True,
                              postgresql_where=sa.text(DIALING), sqlite_where=sa.text(DIALING))
        batch_op.create_index(batch_op.f("ix_tracing_contact_list_id"), ["list_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracing_contact_phone"), ["phone"], unique=False)

    op.create_table(
        "call_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=40), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("to_phone", sa.String(length=20), nullable=False),
        sa.Column("from_number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_sequence_number", sa.Integer(), nullable=False),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["tracing_contact.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid"),
    )
    with op.batch_alter_table("call_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_attempt_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_attempt_to_phone"), ["to_phone"], unique=False)

    op.create_table(
        "opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phone", "channel", name="uq_opt_out_phone_channel"),
    )
    with op.batch_alter_table("opt_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opt_out_phone"), ["phone"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("opt_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opt_out_phone"))
    op.drop_table("opt_out")
    with op.batch_alter_table("call_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_attempt_to_phone"))
        batch_op.drop_index(batch_op.f("ix_call_attempt_contact_id"))
    op.drop_table("call_attempt")
    with op.batch_alter_table("tracing_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracing_contact_phone"))
        batch_op.drop_index(batch_op.f("ix_tracing_contact_list_id"))
        batch_op.drop_index("uq_tracing_contact_phone_dialing")
        batch_op.drop_index("ix_tracing_contact_followup_due")
        batch_op.drop_index("ix_tracing_contact_due")
    op.drop_table("tracing_contact")
    op.drop_table("tracing_list")
