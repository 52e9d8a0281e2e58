"""Originals really received (R-DOC-4, issue 22): one receipt per document, with its letter.

`applications.documents` now holds what the applicant declared; `receipts` what HPA received on
paper: [{document, letter_number, received_on, by, at}]. Rows whose originals were recorded before
this revision keep them as receipts without a letter number (the letter was not asked for then).

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-05
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("receipts", sa.JSON, nullable=False, server_default="[]"))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, documents, originals_received_by, originals_received_at FROM applications "
            "WHERE originals_received_at IS NOT NULL"
        )
    ).all()
    for row in rows:
        documents = row.documents if isinstance(row.documents, list) else json.loads(row.documents or "[]")
        at = row.originals_received_at
        at_text = at.isoformat() if hasattr(at, "isoformat") else str(at)
        receipts = [
            {
                "document": d,
                "letter_number": "",
                "received_on": at_text[:10],
                "by": row.originals_received_by,
                "at": at_text,
            }
            for d in documents
        ]
        conn.execute(
            sa.text("UPDATE applications SET receipts = :r WHERE id = :id"), {"r": json.dumps(receipts), "id": row.id}
        )


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("receipts")
