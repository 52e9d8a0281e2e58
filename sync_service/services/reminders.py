"""The periodic duties over every account (decision 0085): password reminders
(R-PWD-2) and access reviews (after Entra ID's access reviews). Both are
`ScheduledJob`s the worker runs; both work out what is due from what they
find, so a missed run catches up, and do each mail and each removal once
even with two workers (a conditional write claims it first).
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import policies

from ..domain import Grant, Level, taiwan_date
from ..domain.reminders import ItemState, PasswordCycle, ReviewRound, review_round
from ..domain.words import Words
from . import closing, reminder_mails
from .institutions import named_institution
from .ports import (
    AccessReview,
    AuditEntry,
    Directory,
    DirectoryAccount,
    Mailer,
    OutgoingMail,
    ReviewItem,
    UnitOfWork,
)

JOB = "scheduled-job"  # the audit chain's actor for what a job does itself


@dataclass
class AccountRead:
    """One read of the realm's people, shared by the jobs the worker runs at the same `now`
    (one pass over Keycloak for both duties, not one each)."""

    directory: Callable[[], Directory]
    _at: datetime | None = None
    _accounts: list[DirectoryAccount] = field(default_factory=list)
    _emails: dict[str, str | None] = field(default_factory=dict)

    def at(self, now: datetime) -> list[DirectoryAccount]:
        if self._at != now:
            self._accounts, self._at = list(self.directory().accounts()), now
            self._emails = {a.username: a.email for a in self._accounts}
        return self._accounts

    def email_of(self, username: str, now: datetime) -> str | bool | None:
        """The address from this run's read, False when this run has not read it."""
        if self._at != now or username not in self._emails:
            return False
        return self._emails[username]


# ---- password reminders (R-PWD-2) -----------------------------------------------------


def due_reminders(
    accounts: Iterable[DirectoryAccount],
    sent: set[tuple[str, datetime]],
    now: datetime,
    change_every_days: int,
    days_before: int,
) -> list[tuple[DirectoryAccount, PasswordCycle]]:
    """The accounts whose password cycle has reached its reminder and has not had it."""
    due = []
    for a in accounts:
        if not a.enabled or not a.email or a.password_set_at is None:
            continue
        cycle = PasswordCycle(a.id, a.password_set_at, change_every_days)
        if cycle.reminder_due(now, days_before) and (a.id, a.password_set_at) not in sent:
            due.append((a, cycle))
    return due


@dataclass
class PasswordReminders:
    uow: Callable[[], UnitOfWork]
    accounts: AccountRead
    mailer: Mailer
    change_at: str  # where a person changes their password: the realm's account console
    name: str = "password-reminders"
    every: timedelta = timedelta(hours=1)

    def run(self, now: datetime) -> str:
        days = policies.load().password.change_every_days
        with self.uow() as uow:
            sent = uow.password_reminders.sent()
        due = due_reminders(self.accounts.at(now), sent, now, days, policies.reminders().password_days_before)
        mailed = 0
        for account, cycle in due:
            with self.uow() as uow:
                if not uow.password_reminders.claim(account.id, cycle.set_at, now):
                    continue  # another worker sent it
                message_id = f"<password-reminder.{account.id}.{int(cycle.set_at.timestamp())}@sync-service>"
                assert account.email is not None  # due_reminders leaves out accounts without an address
                # MailUnavailable leaves the claim uncommitted: the next run tries again.
                self.mailer.send(
                    reminder_mails.password_reminder(
                        account.email, account.username, cycle.due_at, self.change_at, message_id
                    )
                )
                uow.commit()
            mailed += 1
        return f"{len(due)} due, {mailed} mailed"


# ---- access reviews ---------------------------------------------------------------------


@dataclass(frozen=True)
class PairMembers:
    managers: list[DirectoryAccount]
    users: list[DirectoryAccount]


def members_by_pair(accounts: Iterable[DirectoryAccount]) -> dict[tuple[str, str], PairMembers]:
    pairs: dict[tuple[str, str], PairMembers] = defaultdict(lambda: PairMembers([], []))
    for a in accounts:
        for g in a.grants:
            members = pairs[(g.institution_code, g.category)]
            (members.managers if g.level is Level.MANAGER else members.users).append(a)
    return dict(pairs)


def reviews_to_open(
    accounts: Iterable[DirectoryAccount], rnd: ReviewRound, now: datetime
) -> list[tuple[AccessReview, list[ReviewItem]]]:
    """One review per (institution, category) that has users and a manager to ask."""
    deadline = rnd.deadline_if_opened_at(now)
    out = []
    for (institution, category), members in sorted(members_by_pair(accounts).items()):
        if not members.users or not members.managers:
            continue
        manager = min(members.managers, key=lambda a: a.username)  # one per pair (R-MGR-1)
        review = AccessReview(
            uuid.uuid4().hex, rnd.key, institution, category, manager.id, manager.username, now, deadline
        )
        items = [ReviewItem(review.id, u.id, u.username, ItemState.PENDING) for u in members.users]
        out.append((review, items))
    return out


def closes_at(review: AccessReview, reminder_days_before: int) -> datetime | None:
    """When the unconfirmed lose the grant: the deadline, but never before the reminder has
    had its days (a reminder sent late by a missed run moves it); None while the reminder
    an unanswered review is owed has not gone."""
    if review.answered_at is not None:
        return review.deadline
    if review.reminded_at is None:
        return None
    return max(review.deadline, review.reminded_at + timedelta(days=reminder_days_before))


@dataclass
class AccessReviews:
    uow: Callable[[], UnitOfWork]
    accounts: AccountRead
    directory: Callable[[], Directory]
    mailer: Mailer
    page: str  # the managers' page of the sync service
    name: str = "access-reviews"
    every: timedelta = timedelta(hours=1)

    def run(self, now: datetime) -> str:
        rules = policies.reminders()
        rnd = review_round(now, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
        opened = self._open(rnd, now)
        mailed = self._mail_openings(now)
        reminded = self._remind(now, rules.review_reminder_days_before)
        removed = self._close(now, rules.review_reminder_days_before)
        return f"round {rnd.key}: {opened} opened, {mailed} asked, {reminded} reminded, {removed} removed"

    def _open(self, rnd: ReviewRound, now: datetime) -> int:
        with self.uow() as uow:
            if uow.access_reviews.round_opened(rnd.key):
                return 0  # Keycloak is read once a round, not every run
        opened = 0
        with self.uow() as uow:
            for review, items in reviews_to_open(self.accounts.at(now), rnd, now):
                if uow.access_reviews.add(review, items):
                    opened += 1
                    uow.record(
                        AuditEntry(
                            actor=JOB,
                            action="access-review.opened",
                            at=now,
                            details={
                                "round": rnd.key,
                                "institution_code": review.institution_code,
                                "category": review.category,
                                "users": len(items),
                            },
                        )
                    )
            uow.access_reviews.mark_round_opened(rnd.key, now)
            uow.commit()
        return opened

    def _institution(self, review: AccessReview, directory: Directory) -> Words:
        """The institution as the mail names it: its name beside its code (issue 21 point 3)."""
        return named_institution(self.uow(), directory, review.institution_code)

    def _email_of(self, review: AccessReview, now: datetime) -> str | None:
        known = self.accounts.email_of(review.manager_username, now)  # the opening run read them all
        if not isinstance(known, bool):
            return known
        account = self.directory().find_account(review.manager_username)
        return account.email if account else None

    def _mail_step(
        self, review: AccessReview, step: str, now: datetime, make: Callable[[str, str], OutgoingMail]
    ) -> bool:
        with self.uow() as uow:
            if not uow.access_reviews.claim(review.id, step, now):
                return False
            to = self._email_of(review, now)
            if to:  # a manager without an address is still shown to HPA as not answered
                self.mailer.send(make(to, f"<access-review.{step}.{review.id}@sync-service>"))
            uow.commit()
        return True

    def _mail_openings(self, now: datetime) -> int:
        mailed = 0
        with self.uow() as uow:
            waiting = [
                (r, len(uow.access_reviews.items(r.id)))
                for r in uow.access_reviews.unclosed()
                if r.opening_mailed_at is None
            ]
        if not waiting:
            return 0
        directory = self.directory()  # one, for the names of the institutions
        for review, users in waiting:
            last_day = taiwan_date(review.deadline - timedelta(seconds=1))
            mailed += self._mail_step(
                review,
                "opening_mailed",
                now,
                functools.partial(
                    _opened_mail,
                    review=review,
                    institution=self._institution(review, directory),
                    users=users,
                    last_day=last_day,
                    page=self.page,
                ),
            )
        return mailed

    def _remind(self, now: datetime, days_before: int) -> int:
        reminded = 0
        with self.uow() as uow:
            owed = [
                r
                for r in uow.access_reviews.unclosed()
                if r.answered_at is None and r.reminded_at is None and now >= r.deadline - timedelta(days=days_before)
            ]
            pending = {r.id: sum(i.state == ItemState.PENDING for i in uow.access_reviews.items(r.id)) for r in owed}
        if not owed:
            return 0
        directory = self.directory()
        for review in owed:
            last_day = taiwan_date(max(review.deadline, now + timedelta(days=days_before)) - timedelta(seconds=1))
            reminded += self._mail_step(
                review,
                "reminded",
                now,
                functools.partial(
                    _reminder_mail,
                    review=review,
                    institution=self._institution(review, directory),
                    pending=pending[review.id],
                    last_day=last_day,
                    page=self.page,
                ),
            )
        return reminded

    def _close(self, now: datetime, reminder_days_before: int) -> int:
        removed = 0
        with self.uow() as uow:
            due = [
                r
                for r in uow.access_reviews.unclosed()
                if (at := closes_at(r, reminder_days_before)) is not None and now >= at
            ]
        directory = self.directory()
        for review in due:
            with self.uow() as uow:
                items = uow.access_reviews.items(review.id)
            grant = Grant(review.institution_code, review.category, Level.USER)
            for item in items:
                if item.state not in (ItemState.PENDING, ItemState.NOT_CONFIRMED):
                    continue
                with self.uow() as uow:
                    if not uow.access_reviews.mark_removed(review.id, item.account_id, now):
                        continue
                    # The path of every removal (the worker's R-MGR-3): leave the grant group,
                    # end the sessions so the grant is gone now, not at the next token refresh.
                    directory.leave(item.account_id, grant)
                    directory.end_sessions(item.account_id)
                    closed = closing.close_if_nothing_left(directory, item.account_id, now)  # R-ACC-2
                    uow.record(
                        AuditEntry(
                            actor=JOB,
                            action="access-review.removed",
                            at=now,
                            details={
                                "round": review.round,
                                "institution_code": review.institution_code,
                                "category": review.category,
                                "level": Level.USER.value,
                                "account": item.username,
                                "answer": item.state,
                            },
                        )
                    )
                    if closed:
                        uow.record(
                            closing.audit_entry(
                                closing.AccountChange.CLOSED,
                                actor=JOB,
                                username=item.username,
                                at=now,
                                after="access-review",
                            )
                        )
                    uow.commit()
                removed += 1
            with self.uow() as uow:
                if uow.access_reviews.claim(review.id, "closed", now):
                    uow.record(
                        AuditEntry(
                            actor=JOB,
                            action="access-review.closed",
                            at=now,
                            details={
                                "round": review.round,
                                "institution_code": review.institution_code,
                                "category": review.category,
                                "answered": review.answered_at is not None,
                            },
                        )
                    )
                    uow.commit()
        return removed


# ---- the managers' answers and HPA's overview (the pages) ------------------------------------


class ReviewClosed(Exception):
    """The review has closed: answers are no longer taken."""


def reviews_of_manager(uow: UnitOfWork, grants: set[Grant]) -> list[tuple[AccessReview, list[ReviewItem]]]:
    """The open reviews of the pairs the person manages now (whoever managed them at the opening)."""
    managed = {(g.institution_code, g.category) for g in grants if g.level is Level.MANAGER}
    with uow:
        return [
            (r, uow.access_reviews.items(r.id))
            for r in uow.access_reviews.unclosed()
            if (r.institution_code, r.category) in managed
        ]


def answer(
    uow: UnitOfWork, review_id: str, confirmed_ids: set[str], grants: set[Grant], by: str, now: datetime
) -> AccessReview:
    """The manager's answer: the ticked users still work there, the others do not."""
    with uow:
        review = uow.access_reviews.get(review_id)
        if review is None or Grant(review.institution_code, review.category, Level.MANAGER) not in grants:
            raise LookupError(review_id)
        if review.closed_at is not None:
            raise ReviewClosed(review_id)
        items = uow.access_reviews.items(review_id)
        answers = {i.account_id: i.account_id in confirmed_ids for i in items if i.state != ItemState.REMOVED}
        uow.access_reviews.answer(review_id, answers, by, now)
        uow.record(
            AuditEntry(
                actor=by,
                action="access-review.answered",
                at=now,
                details={
                    "round": review.round,
                    "institution_code": review.institution_code,
                    "category": review.category,
                    "confirmed": sum(answers.values()),
                    "not_confirmed": len(answers) - sum(answers.values()),
                },
            )
        )
        uow.commit()
        return review


def overview(uow: UnitOfWork, now: datetime) -> list[AccessReview]:
    """HPA's view: every review of the current round and any older one still open, unanswered first."""
    rules = policies.reminders()
    rnd = review_round(now, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
    with uow:
        reviews = {r.id: r for r in uow.access_reviews.of_round(rnd.key) + uow.access_reviews.unclosed()}
    return sorted(reviews.values(), key=lambda r: (r.answered_at is not None, r.institution_code, r.category))


def _opened_mail(
    to: str, message_id: str, *, review: AccessReview, institution: Words, users: int, last_day: date, page: str
) -> OutgoingMail:
    return reminder_mails.review_opened(to, review, institution, users, last_day, page, message_id)


def _reminder_mail(
    to: str, message_id: str, *, review: AccessReview, institution: Words, pending: int, last_day: date, page: str
) -> OutgoingMail:
    return reminder_mails.review_reminder(to, review, institution, pending, last_day, page, message_id)
