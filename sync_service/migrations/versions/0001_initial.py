"""Applications, manager seats, the outbox and the audit chain.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _seat_columns() -> list[sa.Column]:
    """The (institution, category) an application, a manager seat and an outbox entry are about."""
    return [
        sa.Column("institution_code", sa.String(10), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(1), nullable=False),
        *_seat_columns(),
        sa.Column("institution_name", sa.String(100), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("applicant_name", sa.String(50), nullable=False),
        sa.Column("account", sa.String(40), nullable=False),
        sa.Column("phone_e164", sa.String(20), nullable=False),
        sa.Column("phone_extension", sa.String(10)),
        sa.Column("phone_national", sa.String(40), nullable=False),
        sa.Column("national_id_ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("national_id_hash", sa.String(64), nullable=False),
        sa.Column("national_id_kind", sa.String(30), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("application_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("effective_date", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("vendor_name", sa.String(50)),
        sa.Column("vendor_processed_on", sa.Date),
        sa.Column("vendor_notes", sa.Text),
        sa.Column("submitted_at", TS),
        sa.Column("originals_received_by", sa.String(255)),
        sa.Column("originals_received_at", TS),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decided_at", TS),
        sa.Column("replacing", sa.String(40)),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("provisioned_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
    )
    op.create_index("ix_applications_national_id_hash", "applications", ["national_id_hash"])
    op.create_index("ix_applications_status", "applications", ["status"])
    op.create_index("ix_applications_seat", "applications", ["institution_code", "category"])

    op.create_table(
        "manager_seats",
        *_seat_columns(),
        sa.Column("manager", sa.String(40)),
        sa.Column("leaving_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("application_id", sa.String(40)),
        # R-MGR-1 in the database: one row, one manager, per (institution, category).
        sa.PrimaryKeyConstraint("institution_code", "category", name="pk_manager_seats"),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_manager_seats_application_id_applications"
        ),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("change_key", sa.String(200), nullable=False),
        sa.Column("application_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        *_seat_columns(),
        sa.Column("account", sa.String(40), nullable=False),
        sa.Column("create_account", sa.Boolean, nullable=False),
        sa.Column("effective_on", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_owner", sa.String(80)),
        sa.Column("lease_until", TS),
        sa.Column("last_error", sa.Text),
        sa.Column("account_id", sa.String(64)),
        sa.Column("mail_sent_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("done_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("change_key", name="uq_outbox_change_key"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], name="fk_outbox_application_id_applications"),
    )
    op.create_index("ix_outbox_application_id", "outbox", ["application_id"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_seat", "outbox", ["institution_code", "category", "status"])

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("application_id", sa.String(40)),
        sa.Column("approved_by", sa.String(255)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_application_id", "audit_log", ["application_id"])
    _forbid_audit_rewrites()


def _forbid_audit_rewrites() -> None:
    """Append-only in the database too: the service never updates or deletes
    audit rows, and neither may anyone else short of dropping the trigger
    (which the hash chain and signatures then reveal)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """)
    elif dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
        """)
        op.execute("""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
        """)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_table("outbox")
    op.drop_table("manager_seats")
    op.drop_table("applications")
