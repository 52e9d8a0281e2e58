"""Keycloak's stored events into the audit chain: the poller's cursor and recorded keys (decision 0090).

Revision ID: 0005
Revises: 0007 (re-chained after main took 0006, 0007)
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keycloak_event_cursor",
        sa.Column("stream", sa.String(10), primary_key=True),
        sa.Column("newest_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "keycloak_events_recorded",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("stream", sa.String(10), nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_keycloak_events_recorded_time", "keycloak_events_recorded", ["stream", "time_ms"])


def downgrade() -> None:
    op.drop_index("ix_keycloak_events_recorded_time", "keycloak_events_recorded")
    op.drop_table("keycloak_events_recorded")
    op.drop_table("keycloak_event_cursor")
