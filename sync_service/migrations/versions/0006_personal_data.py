"""Personal-data requests and the audit chain's erasable pseudonyms (decision 0095).

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_people",
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("lookup_hash", sa.String(64)),
        sa.Column("identity_ciphertext", sa.LargeBinary),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("erased_at", TS),
        sa.Column("unlinked_at", TS),
        sa.PrimaryKeyConstraint("pseudonym", name="pk_audit_people"),
        sa.UniqueConstraint("lookup_hash", name="uq_audit_people_lookup_hash"),
    )
    op.create_table(
        "personal_data_requests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("account", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("details_ciphertext", sa.LargeBinary),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("filed_at", TS, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("extended_to", sa.Date),
        sa.Column("extension_reason", sa.Text),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decided_at", TS),
        sa.Column("decision_reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_personal_data_requests"),
    )
    op.create_index("ix_personal_data_requests_account", "personal_data_requests", ["account"])
    op.create_index("ix_personal_data_requests_status", "personal_data_requests", ["status"])


def downgrade() -> None:
    op.drop_table("personal_data_requests")
    op.drop_table("audit_people")
