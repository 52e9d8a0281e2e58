"""The pages: the reviewers' queue index (oldest first) and the applicants' scans.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_applications_queue", "applications", ["status", "submitted_at", "id"])
    op.create_index("ix_applications_submitted", "applications", ["submitted_at", "id"])
    op.create_index("ix_applications_category_queue", "applications", ["category", "status", "submitted_at", "id"])
    op.create_table(
        "scans",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("application_id", sa.String(40), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("document", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(255), nullable=False),
        sa.Column("uploaded_at", TS, nullable=False),
    )
    op.create_index("ix_scans_application_id", "scans", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_scans_application_id", "scans")
    op.drop_table("scans")
    op.drop_index("ix_applications_category_queue", "applications")
    op.drop_index("ix_applications_submitted", "applications")
    op.drop_index("ix_applications_queue", "applications")
