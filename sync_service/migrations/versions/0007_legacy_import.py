"""Moving in from the old system: the state of each imported row (docs/decisions/0105).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legacy_import_rows",
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("account", sa.String(255), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason_code", sa.String(80)),
        sa.Column("reason_zh", sa.Text),
        sa.Column("reason_en", sa.Text),
        sa.Column("account_id", sa.String(64)),
        sa.Column("wants_mail", sa.Boolean, nullable=False),
        sa.Column("mail_sent_at", TS),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("file_sha256", "row_number", name="pk_legacy_import_rows"),
    )
    op.create_index("ix_legacy_import_rows_mail", "legacy_import_rows", ["wants_mail", "mail_sent_at"])


def downgrade() -> None:
    op.drop_index("ix_legacy_import_rows_mail", "legacy_import_rows")
    op.drop_table("legacy_import_rows")
