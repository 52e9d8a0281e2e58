"""Storage of the grants managers end from a date (decision 0127). Applying one is a
conditional delete, so two workers at once apply it (and record it) once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.engine import Connection

from ..services.ports import GrantEnding
from .tables import grant_endings as t


def _key(account_id: str, institution_code: str, category: str):
    return and_(t.c.account_id == account_id, t.c.institution_code == institution_code, t.c.category == category)


def _ending(row) -> GrantEnding:
    return GrantEnding(
        row.account_id, row.username, row.institution_code, row.category, row.end_on, row.set_by, row.set_at
    )


class GrantEndingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def set(self, ending: GrantEnding) -> None:
        self.conn.execute(delete(t).where(_key(ending.account_id, ending.institution_code, ending.category)))
        self.conn.execute(
            insert(t).values(
                account_id=ending.account_id,
                institution_code=ending.institution_code,
                category=ending.category,
                username=ending.username,
                end_on=ending.end_on,
                set_by=ending.set_by,
                set_at=ending.set_at,
            )
        )

    def cancel(self, account_id: str, institution_code: str, category: str) -> bool:
        return self.conn.execute(delete(t).where(_key(account_id, institution_code, category))).rowcount == 1

    def of_pair(self, institution_code: str, category: str) -> dict[str, GrantEnding]:
        rows = self.conn.execute(select(t).where(t.c.institution_code == institution_code, t.c.category == category))
        return {r.account_id: _ending(r) for r in rows}

    def due(self, today: date) -> list[GrantEnding]:
        rows = self.conn.execute(select(t).where(t.c.end_on <= today).order_by(t.c.end_on, t.c.account_id))
        return [_ending(r) for r in rows]

    def take(self, ending: GrantEnding) -> bool:
        done = self.conn.execute(
            delete(t).where(
                _key(ending.account_id, ending.institution_code, ending.category), t.c.end_on == ending.end_on
            )
        )
        return done.rowcount == 1
