"""Password reminders (R-PWD-2) and access reviews (issue 12; decision 0085).

Revision ID: 0004
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "password_reminders",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("password_set_at", TS, primary_key=True),
        sa.Column("sent_at", TS, nullable=False),
    )
    op.create_table(
        "access_review_rounds",
        sa.Column("round", sa.String(10), primary_key=True),
        sa.Column("opened_at", TS, nullable=False),
    )
    op.create_table(
        "access_reviews",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("round", sa.String(10), nullable=False),
        sa.Column("institution_code", sa.String(10), nullable=False),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("manager_account_id", sa.String(64), nullable=False),
        sa.Column("manager_username", sa.String(40), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("deadline", TS, nullable=False),
        sa.Column("opening_mailed_at", TS),
        sa.Column("answered_at", TS),
        sa.Column("answered_by", sa.String(255)),
        sa.Column("reminded_at", TS),
        sa.Column("closed_at", TS),
        sa.UniqueConstraint("round", "institution_code", "category", name="uq_access_review_pair"),
    )
    op.create_index("ix_access_reviews_open", "access_reviews", ["closed_at"])
    op.create_table(
        "access_review_items",
        sa.Column("review_id", sa.String(32), sa.ForeignKey("access_reviews.id"), primary_key=True),
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decided_at", TS),
    )


def downgrade() -> None:
    op.drop_table("access_review_items")
    op.drop_index("ix_access_reviews_open", "access_reviews")
    op.drop_table("access_reviews")
    op.drop_table("access_review_rounds")
    op.drop_table("password_reminders")
