"""Dated changes (issue 22 point 4, R-MGR-6): who filed an application for someone else (the
reviewer, and whether for the person, through the JSON API, or for the institution, from its
letter; that reviewer does not decide it); a manager seat's appointment dated ahead (from when,
and who holds the seat until then).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("filed_by", sa.String(255)))
    op.add_column("applications", sa.Column("filed_for", sa.String(12)))
    op.add_column("manager_seats", sa.Column("starting_on", sa.Date))
    op.add_column("manager_seats", sa.Column("previous", sa.String(40)))
    op.add_column("manager_seats", sa.Column("previous_leaving_on", sa.Date))


def downgrade() -> None:
    with op.batch_alter_table("manager_seats") as batch:
        batch.drop_column("previous_leaving_on")
        batch.drop_column("previous")
        batch.drop_column("starting_on")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("filed_for")
        batch.drop_column("filed_by")
