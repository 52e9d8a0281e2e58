"""Storage of password reminders and access reviews (decision 0085). Every
"do it once" step is a conditional write, so two workers at once do it once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..domain.reminders import ItemState
from ..services.ports import AccessReview, ReviewItem
from .database import inserted
from .tables import access_review_items, access_review_rounds, access_reviews, password_reminders

_STEPS = {
    "opening_mailed": access_reviews.c.opening_mailed_at,
    "reminded": access_reviews.c.reminded_at,
    "closed": access_reviews.c.closed_at,
}
_REVIEW_FIELDS = [f.name for f in fields(AccessReview)]
_ITEM_FIELDS = [f.name for f in fields(ReviewItem)]


class PasswordReminderRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def sent(self) -> set[tuple[str, datetime]]:
        rows = self.conn.execute(select(password_reminders.c.account_id, password_reminders.c.password_set_at))
        return {(r.account_id, r.password_set_at) for r in rows}

    def claim(self, account_id: str, password_set_at: datetime, now: datetime) -> bool:
        return inserted(
            self.conn,
            insert(password_reminders).values(account_id=account_id, password_set_at=password_set_at, sent_at=now),
        )


class AccessReviewRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def round_opened(self, round_key: str) -> bool:
        return (
            self.conn.execute(
                select(access_review_rounds.c.round).where(access_review_rounds.c.round == round_key)
            ).first()
            is not None
        )

    def mark_round_opened(self, round_key: str, now: datetime) -> None:
        inserted(self.conn, insert(access_review_rounds).values(round=round_key, opened_at=now))

    def add(self, review: AccessReview, items: Sequence[ReviewItem]) -> bool:
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(access_reviews).values(**asdict(review)))
                if items:
                    self.conn.execute(insert(access_review_items), [asdict(i) for i in items])
            return True
        except IntegrityError:
            return False

    @staticmethod
    def _review(row) -> AccessReview:
        return AccessReview(**{k: getattr(row, k) for k in _REVIEW_FIELDS})

    def get(self, review_id: str) -> AccessReview | None:
        row = self.conn.execute(select(access_reviews).where(access_reviews.c.id == review_id)).first()
        return self._review(row) if row else None

    def unclosed(self) -> list[AccessReview]:
        rows = self.conn.execute(
            select(access_reviews)
            .where(access_reviews.c.closed_at.is_(None))
            .order_by(access_reviews.c.deadline, access_reviews.c.institution_code)
        )
        return [self._review(r) for r in rows]

    def of_round(self, round_key: str) -> list[AccessReview]:
        rows = self.conn.execute(
            select(access_reviews)
            .where(access_reviews.c.round == round_key)
            .order_by(access_reviews.c.institution_code, access_reviews.c.category)
        )
        return [self._review(r) for r in rows]

    def items(self, review_id: str) -> list[ReviewItem]:
        rows = self.conn.execute(
            select(access_review_items)
            .where(access_review_items.c.review_id == review_id)
            .order_by(access_review_items.c.username)
        )
        return [ReviewItem(**{k: getattr(r, k) for k in _ITEM_FIELDS}) for r in rows]

    def claim(self, review_id: str, step: str, now: datetime) -> bool:
        column = _STEPS[step]
        done = self.conn.execute(
            update(access_reviews).where(and_(access_reviews.c.id == review_id, column.is_(None))).values({column: now})
        )
        return done.rowcount == 1

    def answer(self, review_id: str, confirmed: dict[str, bool], by: str, now: datetime) -> None:
        for account_id, still_works in confirmed.items():
            self.conn.execute(
                update(access_review_items)
                .where(
                    and_(
                        access_review_items.c.review_id == review_id,
                        access_review_items.c.account_id == account_id,
                        access_review_items.c.state != ItemState.REMOVED,
                    )
                )
                .values(
                    state=ItemState.CONFIRMED if still_works else ItemState.NOT_CONFIRMED, decided_by=by, decided_at=now
                )
            )
        self.conn.execute(
            update(access_reviews).where(access_reviews.c.id == review_id).values(answered_at=now, answered_by=by)
        )

    def mark_removed(self, review_id: str, account_id: str, now: datetime) -> bool:
        done = self.conn.execute(
            update(access_review_items)
            .where(
                and_(
                    access_review_items.c.review_id == review_id,
                    access_review_items.c.account_id == account_id,
                    access_review_items.c.state.in_([ItemState.PENDING, ItemState.NOT_CONFIRMED]),
                )
            )
            .values(state=ItemState.REMOVED, decided_at=now)
        )
        return done.rowcount == 1
