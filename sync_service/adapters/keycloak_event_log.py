"""Where the poll of Keycloak's events stands (decision 0090): one cursor per stream and the
keys of the events recorded lately, in the unit of work's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection

from .locks import AUDIT_HEAD_LOCK
from .tables import keycloak_event_cursor, keycloak_events_recorded


class KeycloakEventLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self) -> None:
        """Take the audit chain's turn now, before reading what is recorded: two workers
        copying the same events queue here (SQLite's BEGIN IMMEDIATE already does)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_HEAD_LOCK})

    def cursor(self, stream: str) -> int | None:
        return self.conn.execute(
            select(keycloak_event_cursor.c.newest_ms).where(keycloak_event_cursor.c.stream == stream)
        ).scalar_one_or_none()

    def unrecorded(self, keys: Sequence[str]) -> set[str]:
        wanted = set(keys)
        if not wanted:
            return set()
        seen: set[str] = set()
        chunk = list(wanted)
        for i in range(0, len(chunk), 500):
            seen.update(
                self.conn.execute(
                    select(keycloak_events_recorded.c.key).where(keycloak_events_recorded.c.key.in_(chunk[i : i + 500]))
                ).scalars()
            )
        return wanted - seen

    def mark_recorded(self, keys: Iterable[tuple[str, int]]) -> None:
        rows = [{"key": k, "stream": k.split(":", 1)[0], "time_ms": t} for k, t in keys]
        if rows:
            self.conn.execute(insert(keycloak_events_recorded), rows)

    def advance(self, stream: str, newest_ms: int, *, forget_before: int) -> None:
        """The cursor only moves forward; keys older than any future read are forgotten."""
        current = self.cursor(stream)
        if current is None:
            self.conn.execute(insert(keycloak_event_cursor).values(stream=stream, newest_ms=newest_ms))
        elif newest_ms > current:
            self.conn.execute(
                update(keycloak_event_cursor)
                .where(keycloak_event_cursor.c.stream == stream)
                .values(newest_ms=newest_ms)
            )
        self.conn.execute(
            delete(keycloak_events_recorded).where(
                keycloak_events_recorded.c.stream == stream, keycloak_events_recorded.c.time_ms < forget_before
            )
        )
