"""Grants managers end from a date (issue 18 item 4, decision 0127): one pending ending per
person and (institution, category).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grant_endings",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("institution_code", sa.String(10), primary_key=True),
        sa.Column("category", sa.String(10), primary_key=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("end_on", sa.Date, nullable=False),
        sa.Column("set_by", sa.String(255), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_grant_endings_due", "grant_endings", ["end_on"])


def downgrade() -> None:
    op.drop_index("ix_grant_endings_due", "grant_endings")
    op.drop_table("grant_endings")
