"""The intake's open captcha challenges in the service's database (decision 0133): the table
`captcha_challenges` (migration 0015), shared by every web process of the host, on SQLite and
PostgreSQL alike. Taking a challenge is a DELETE that only one request can win."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from ..services.ports import OpenChallenge
from .tables import captcha_challenges


class DatabaseChallengeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, challenge_id: str, challenge: OpenChallenge) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(captcha_challenges).values(
                    id=challenge_id, answer=challenge.answer, expires_at=challenge.expires_at
                )
            )

    def peek(self, challenge_id: str) -> OpenChallenge | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(captcha_challenges.c.answer, captcha_challenges.c.expires_at).where(
                    captcha_challenges.c.id == challenge_id
                )
            ).first()
        return OpenChallenge(row.answer, row.expires_at) if row else None

    def take(self, challenge_id: str) -> OpenChallenge | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(captcha_challenges.c.answer, captcha_challenges.c.expires_at).where(
                    captcha_challenges.c.id == challenge_id
                )
            ).first()
            if row is None:
                return None
            # Two requests may read the row; the one whose DELETE removes it wins.
            taken = conn.execute(delete(captcha_challenges).where(captcha_challenges.c.id == challenge_id))
        return OpenChallenge(row.answer, row.expires_at) if taken.rowcount == 1 else None

    def sweep(self, now: datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(captcha_challenges).where(captcha_challenges.c.expires_at <= now)).rowcount
