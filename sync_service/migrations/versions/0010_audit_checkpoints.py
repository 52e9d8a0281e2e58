"""The audit chain's checkpoints mailed to the agency (issue 19 item 5; decision 0136).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("period", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("sent_to", sa.String(255), nullable=False),
    )
    op.create_index("ix_audit_checkpoints_at", "audit_checkpoints", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_checkpoints_at", "audit_checkpoints")
    op.drop_table("audit_checkpoints")
