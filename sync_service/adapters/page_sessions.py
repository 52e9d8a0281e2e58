"""The pages' sessions on the server (decision 0130), through Flask-Session: its interface
makes the session id, sets the cookie and serialises the data (msgpack); this class stores
the rows in the service's own database (SQLite or PostgreSQL, the `page_sessions` table of
migration 0013), encrypted with the personal-data key and bound to their id.

Flask-Session's own SQLAlchemy backend needs Flask-SQLAlchemy and a second engine of its
own (on SQLite without our BEGIN IMMEDIATE, outside Alembic): this one uses the service's
engine. The identity provider's session id and subject of a signed-in session are kept in
their own columns, so that a back-channel logout ends the page sessions it names with one
DELETE. The web layer keeps them under `session["signin"]["sid"]` and `["subject"]`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, request
from flask_session.base import ServerSideSession, ServerSideSessionInterface
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .crypto import PersonalDataCipher
from .tables import page_sessions


def _now() -> datetime:
    return datetime.now(UTC)


class DatabasePageSessions(ServerSideSessionInterface):
    ttl = False  # SQL keeps no time-to-live: expired rows are swept every `cleanup_n_requests`

    def __init__(self, app: Flask, engine: Engine, cipher: PersonalDataCipher, cleanup_n_requests: int = 200):
        self.engine, self.cipher = engine, cipher
        super().__init__(app, key_prefix="page:", permanent=False, sid_length=32, cleanup_n_requests=cleanup_n_requests)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when the request came over TLS (behind a proxy: ProxyFix's X-Forwarded-Proto),
        or when the configuration says so always."""
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def _context(self, store_id: str) -> str:
        return f"page-session:{store_id}"

    def _retrieve_session_data(self, store_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(page_sessions.c.data).where(page_sessions.c.id == store_id, page_sessions.c.expires_at > _now())
            ).first()
        if row is None:
            return None
        try:
            return self.serializer.decode(self.cipher.decrypt_bytes(row.data, self._context(store_id)))
        except Exception:  # a retired key, a damaged row: a fresh session, never a 500
            return None

    def _delete_session(self, store_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(page_sessions).where(page_sessions.c.id == store_id))

    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        signin = dict(session).get("signin") or {}
        values = {
            "data": self.cipher.encrypt_bytes(self.serializer.encode(session), self._context(store_id)),
            "expires_at": _now() + session_lifetime,
            "keycloak_session": signin.get("sid"),
            "subject": signin.get("subject"),
        }
        change = update(page_sessions).where(page_sessions.c.id == store_id).values(**values)
        try:
            with self.engine.begin() as conn:
                if conn.execute(change).rowcount == 0:
                    conn.execute(insert(page_sessions).values(id=store_id, **values))
        except IntegrityError:  # a parallel request of the same new session inserted it first
            with self.engine.begin() as conn:
                conn.execute(change)

    def _delete_expired_sessions(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(page_sessions).where(page_sessions.c.expires_at <= _now()))

    # ---- the PageSessions port (services/ports.py) -------------------------

    def end(self, *, session_id: str | None, subject: str | None) -> int:
        wanted = []
        if session_id:
            wanted.append(page_sessions.c.keycloak_session == session_id)
        if subject:
            wanted.append(page_sessions.c.subject == subject)
        if not wanted:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(delete(page_sessions).where(or_(*wanted))).rowcount
