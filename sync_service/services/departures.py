"""Users leaving on their date (R-USR-2): a periodic job of the worker.

An institution's manager removes a user's grant ahead of time by setting the
user's departure date (異動生效日, a Taiwanese calendar date) in the admin
console, on the attribute policies/departures.toml names. From 00:00 (Taipei)
of that date the job takes the user out of their user-level grant groups,
ends their sessions at once and clears the date, recording it in the audit chain.

What is due is read from Keycloak each run (every date on or before today),
so a run missed while no worker was up is caught up on the next one. Every
step is idempotent (leave, end sessions); the date is cleared last, so a run
that dies half-way is finished by the next. Managers leave through an
application B on its effective date (the outbox), not through this job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import policies

from ..domain import Level, taiwan_date
from . import closing
from .ports import AuditEntry, DepartureDates, Directory, UnitOfWork

ACTOR = "sync-service"  # the audit chain's name for the worker's own steps


class UsersLeaving:
    """The scheduled job `user-departures` (services/schedule.py)."""

    name = "user-departures"

    def __init__(
        self, dates: Callable[[], DepartureDates], directory: Callable[[], Directory], uow: Callable[[], UnitOfWork]
    ) -> None:
        self.every = timedelta(seconds=policies.departures().check_every_seconds)
        self._dates, self._directory, self._uow = dates, directory, uow

    def run(self, now: datetime) -> str:
        today = taiwan_date(now)
        dates, directory = self._dates(), self._directory()
        due = [p for p in dates.leaving() if p.departure_date is not None and p.departure_date <= today]
        for person in due:
            removed = sorted(
                (g for g in directory.grants_of(person.account_id) if g.level is Level.USER),
                key=lambda g: (g.institution_code, g.category),
            )
            for grant in removed:
                directory.leave(person.account_id, grant)
            directory.end_sessions(person.account_id)  # at once, not at the next token refresh
            closed = closing.close_if_nothing_left(directory, person.account_id, now)  # R-ACC-2
            with self._uow() as uow:
                # A user grant a suspension holds aside ended too: the lifting does not give it back.
                held_aside = uow.suspensions.forget_grants(person.account_id, Level.USER)
                uow.record(
                    AuditEntry(
                        actor=ACTOR,
                        action="keycloak.user_departure",
                        at=now,
                        details={
                            "account": person.username,
                            "departure_date": str(person.departure_date),
                            "grants": [f"{g.institution_code}/{g.category}/{g.level.value}" for g in removed],
                            "suspended_grants": held_aside or None,
                        },
                    )
                )
                if closed:
                    uow.record(
                        closing.audit_entry(
                            closing.AccountChange.CLOSED,
                            actor=ACTOR,
                            username=person.username,
                            at=now,
                            after="user-departure",
                        )
                    )
                uow.commit()
            dates.clear(person.account_id, person.departure_date)
        return f"{len(due)} users left on their departure date"
