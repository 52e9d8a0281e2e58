"""The pages' sessions kept on the server (docs/decisions/0130).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_sessions",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("keycloak_session", sa.String(100)),
        sa.Column("subject", sa.String(100)),
        sa.PrimaryKeyConstraint("id", name="pk_page_sessions"),
    )
    op.create_index("ix_page_sessions_expires_at", "page_sessions", ["expires_at"])
    op.create_index("ix_page_sessions_keycloak_session", "page_sessions", ["keycloak_session"])
    op.create_index("ix_page_sessions_subject", "page_sessions", ["subject"])


def downgrade() -> None:
    op.drop_table("page_sessions")
