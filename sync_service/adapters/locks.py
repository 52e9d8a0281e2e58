"""PostgreSQL advisory locks, one number per purpose, all in one place (no two purposes share one)."""

from __future__ import annotations

MIGRATION_LOCK = 727_001  # one process migrates at a time (migrations/env.py)
# Writers take turns at the head of the audit chain (audit_chain.py, audit_people.py,
# keycloak_event_log.py); SQLite's BEGIN IMMEDIATE already serialises every writer.
AUDIT_HEAD_LOCK = 727_002
