"""Password reminders (R-PWD-2) and access reviews, as pure rules over dates.

A password's cycle is named by the moment it was set (Keycloak's credential
createdDate): a new password is a new cycle, so "once per cycle" is "once per
(account, createdDate)". An access review round is named by the Taiwanese date
its period starts on; each (institution, category) with users gets one review
per round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .applications import TAIWAN, taiwan_date


@dataclass(frozen=True)
class PasswordCycle:
    account_id: str
    set_at: datetime  # the credential's createdDate
    change_every_days: int

    @property
    def due_at(self) -> datetime:
        return self.set_at + timedelta(days=self.change_every_days)

    def remind_at(self, days_before: int) -> datetime:
        return self.due_at - timedelta(days=days_before)

    def reminder_due(self, now: datetime, days_before: int) -> bool:
        """From `days_before` days ahead of the change on (a missed run still sends it late)."""
        return now >= self.remind_at(days_before)


@dataclass(frozen=True)
class ReviewRound:
    """One period's access review: opens on its first Taiwanese day, closes at its deadline."""

    starts_on: date
    answer_days: int
    reminder_days_before: int

    @property
    def key(self) -> str:
        return self.starts_on.isoformat()

    @property
    def opens_at(self) -> datetime:
        return datetime.combine(self.starts_on, time(0), TAIWAN)

    @property
    def deadline(self) -> datetime:
        """Midnight (Taiwan) at the end of the last answering day."""
        return self.opens_at + timedelta(days=self.answer_days)

    @property
    def remind_at(self) -> datetime:
        return self.deadline - timedelta(days=self.reminder_days_before)

    def deadline_if_opened_at(self, now: datetime) -> datetime:
        """A review opened late (no worker ran on the first day) still gives its managers
        the whole `answer_days`: the later of the round's deadline and that many days on."""
        late = datetime.combine(taiwan_date(now) + timedelta(days=self.answer_days), time(0), TAIWAN)
        return max(self.deadline, late)

    @property
    def last_day(self) -> date:
        """The last day a manager can answer on, as people read a deadline."""
        return taiwan_date(self.deadline - timedelta(seconds=1))


def review_round(now: datetime, every_months: int, answer_days: int, reminder_days_before: int) -> ReviewRound:
    """The round whose period `now` falls in (periods start on 1 January and every `every_months` after)."""
    today = taiwan_date(now)
    first_month = (today.month - 1) // every_months * every_months + 1
    return ReviewRound(date(today.year, first_month, 1), answer_days, reminder_days_before)


class ItemState:
    PENDING = "pending"  # not answered yet
    CONFIRMED = "confirmed"  # the manager confirmed the person still works there
    NOT_CONFIRMED = "not-confirmed"  # the manager said they no longer do
    REMOVED = "removed"  # the grant was taken away at the deadline

    ANSWERED = (CONFIRMED, NOT_CONFIRMED)
