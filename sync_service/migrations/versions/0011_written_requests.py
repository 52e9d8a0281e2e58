"""Personal-data requests received in writing (R-PD-2, R-VEN-1; issue 22 point 1): how the request
came (online, written), who registered the letter, the day it arrived, the fee charged, and the
letter's scan (encrypted with the personal-data key, bound to the request).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("registered_by", sa.String(255)),
    ("received_on", sa.Date),
    ("fee", sa.Integer),
    ("letter_filename", sa.String(200)),
    ("letter_content_type", sa.String(40)),
    ("letter_size", sa.Integer),
    ("letter_ciphertext", sa.LargeBinary),
)


def upgrade() -> None:
    op.add_column("personal_data_requests", sa.Column("channel", sa.String(8), nullable=False, server_default="online"))
    for name, kind in COLUMNS:
        op.add_column("personal_data_requests", sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("personal_data_requests") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
        batch.drop_column("channel")
