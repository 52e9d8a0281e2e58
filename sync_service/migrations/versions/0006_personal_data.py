"""Personal-data requests, the audit chain's erasable pseudonyms (decision 0095) and its signed base (0096).

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
    op.create_table(
        "audit_base",
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("cut_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_base"),
    )
    _allow_deleting_only_below_the_base()


def _allow_deleting_only_below_the_base() -> None:
    """Retention may delete the rows a signed base has replaced (decision 0096); nothing else."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("""
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            WHEN OLD.seq > (SELECT coalesce(max(seq), 0) FROM audit_base)
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
        """)
    elif dialect == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT coalesce(max(seq), 0) FROM audit_base) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'audit_log is append-only';
            END $$
        """)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("""
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
        """)
    elif dialect == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
        """)
    op.drop_table("audit_base")
    op.drop_table("personal_data_requests")
    op.drop_table("audit_people")
