"""review_campaign (due dates for a round of plans) and review_notice (in-app notices)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

Str = sqlmodel.sql.sqltypes.AutoString
UTC = sqlmodel.sql.sqltypes.UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_campaign",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", Str(length=200), nullable=False),
        sa.Column("pref_code", Str(length=2), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("note", Str(length=2000), nullable=False),
        sa.Column("created_by", Str(length=100), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_review_campaign_pref_code", "review_campaign", ["pref_code"])
    op.create_index("ix_review_campaign_closed", "review_campaign", ["closed"])
    op.create_table(
        "review_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("lg_code", Str(length=6), nullable=False),
        sa.Column("kind", Str(length=20), nullable=False),
        sa.Column("message", Str(length=500), nullable=False),
        sa.Column("created_by", Str(length=100), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("read_at", UTC(), nullable=True),
        sa.Column("read_by", Str(length=100), nullable=True),
    )
    op.create_index("ix_review_notice_plan_id", "review_notice", ["plan_id"])
    op.create_index("ix_review_notice_lg_code", "review_notice", ["lg_code"])


def downgrade() -> None:
    op.drop_index("ix_review_notice_lg_code", table_name="review_notice")
    op.drop_index("ix_review_notice_plan_id", table_name="review_notice")
    op.drop_table("review_notice")
    op.drop_index("ix_review_campaign_closed", table_name="review_campaign")
    op.drop_index("ix_review_campaign_pref_code", table_name="review_campaign")
    op.drop_table("review_campaign")
