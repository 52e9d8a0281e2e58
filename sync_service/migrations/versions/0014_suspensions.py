"""Suspensions (停權, R-SUS-1; issue 22 point 2): an institution or a person suspended with a reason
and a reference, and what the suspension took away, kept to give back exactly on lifting.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suspensions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("institution_code", sa.String(10)),
        sa.Column("account", sa.String(40)),
        sa.Column("account_id", sa.String(64)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reference", sa.String(50), nullable=False),
        sa.Column("suspended_by", sa.String(255), nullable=False),
        sa.Column("suspended_at", TS, nullable=False),
        sa.Column("person_state", sa.JSON),
        sa.Column("lifted_by", sa.String(255)),
        sa.Column("lifted_at", TS),
        sa.Column("lift_reason", sa.Text),
    )
    op.create_index("ix_suspensions_institution", "suspensions", ["institution_code", "lifted_at"])
    op.create_index("ix_suspensions_account_id", "suspensions", ["account_id", "lifted_at"])
    op.create_table(
        "suspended_grants",
        sa.Column("suspension_id", sa.String(32), sa.ForeignKey("suspensions.id"), primary_key=True),
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("institution_code", sa.String(10), primary_key=True),
        sa.Column("category", sa.String(20), primary_key=True),
        sa.Column("level", sa.String(10), primary_key=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("ended", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_suspended_grants_username", "suspended_grants", ["username"])


def downgrade() -> None:
    op.drop_index("ix_suspended_grants_username", "suspended_grants")
    op.drop_table("suspended_grants")
    op.drop_index("ix_suspensions_account_id", "suspensions")
    op.drop_index("ix_suspensions_institution", "suspensions")
    op.drop_table("suspensions")
