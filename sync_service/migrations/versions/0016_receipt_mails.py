"""Receipt mails (issue 21 point 5): which applications' applicants were mailed their reference.
Applications filed before this revision count as mailed (nobody is mailed about an old one).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_mails",
        sa.Column("application_id", sa.String(40), sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        sa.text("INSERT INTO receipt_mails (application_id, sent_at) SELECT id, :now FROM applications").bindparams(
            now=datetime.now(UTC)
        )
    )


def downgrade() -> None:
    op.drop_table("receipt_mails")
