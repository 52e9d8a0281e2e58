"""The intake's captcha challenges in the sync service's database: issued by one web process,
drawn and checked by any other (gunicorn's processes, several hosts). Expired ones are removed
as new ones are issued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from .tables import intake_challenges as t


class SqlChallengeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, challenge_id: str, answer: str, expires_at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(t).values(id=challenge_id, answer=answer, expires_at=expires_at))

    def purge(self, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t).where(t.c.expires_at < now))

    def peek(self, challenge_id: str, now: datetime) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(t.c.answer).where(t.c.id == challenge_id, t.c.expires_at >= now)).scalar()

    def take(self, challenge_id: str, now: datetime) -> str | None:
        with self.engine.begin() as conn:
            answer = conn.execute(select(t.c.answer).where(t.c.id == challenge_id, t.c.expires_at >= now)).scalar()
            # Of two processes checking the same challenge at once, only the one whose delete
            # removed the row may use the answer.
            taken = conn.execute(delete(t).where(t.c.id == challenge_id)).rowcount == 1
        return answer if taken else None
