"""plan.submitted_version: the frozen revision reviewers see

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_version", sa.Integer(), nullable=True))
    # Plans submitted before this column existed: their latest submission's revision.
    op.execute(
        "UPDATE plan SET submitted_version = (SELECT MAX(s.revision_version) FROM review_submission s "
        "WHERE s.plan_id = plan.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("submitted_version")
