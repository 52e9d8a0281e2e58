"""The outbox worker: approved grant changes reach Keycloak, each exactly once
in effect. Its jobs, each in its own module:

- Claim (here): due entries are leased (owner + expiry), so several workers, or a
  restarted one, never work on the same entry at once, and an entry whose
  worker died is taken up again when its lease runs out. A claimed batch is cut
  into one slice per thread.
- Make the accounts (`services/accounts.py`, the one path the legacy import takes
  too): the fresh type A entries of a slice have theirs made together, in
  partialImport requests sized by `RequestSize`, before its entries are worked one
  by one; an entry whose account was not made that way (Keycloak away, a resumed
  entry) makes it itself, through the same call, on its own turn.
- Apply (`services/provisioning.py`): join, leave, end sessions; every step
  idempotent, an account's making and its mail checkpointed.
- Notify (`services/notifications.py`): the new account's password mail.
- Finish (here): the entry is marked done in the same transaction as the
  application's move to provisioned (or failed), with its audit rows.
- Keycloak down or the mail server down: the entry is released with an
  exponential backoff and tried again; nothing is lost.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from ..domain import Application, ChangeKind, Status, taiwan_date
from . import closing
from .accounts import RequestSize
from .applications import load_application
from .clock import utcnow
from .closing import AccountChange
from .notifications import SignInPlaces, password_mail
from .ports import (
    AuditEntry,
    ConcurrentDecision,
    Directory,
    DirectoryError,
    DirectoryRefused,
    DirectoryUnavailable,
    LeaseLost,
    Mailer,
    MailUnavailable,
    NewAccount,
    OutboxEntry,
    Telemetry,
    UnitOfWork,
)
from .provisioning import GrantApplier, MadeAccount, change_details, planned_account
from .schedule import Schedule

log = logging.getLogger(__name__)

WORKER = "sync-service"  # the actor the audit chain names for the worker's own steps

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Outcome:
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    retried_ids: set[int] = field(default_factory=set)

    def add(self, other: Outcome) -> None:
        self.done += other.done
        self.retried += other.retried
        self.failed += other.failed
        self.lost += other.lost
        self.retried_ids |= other.retried_ids

    @property
    def handled(self) -> int:
        return self.done + self.retried + self.failed + self.lost


class Worker:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        directory_factory: Callable[[], Directory],
        mailer: Mailer,
        *,
        threads: int = 8,
        lease_seconds: float = 60,
        max_backoff_seconds: float = 60,
        base_backoff_seconds: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
        owner: str | None = None,
        batch_size: int | None = None,
        sign_in_places: SignInPlaces | None = None,
        schedule: Schedule | None = None,
        request_seconds: float = 2.5,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.telemetry = telemetry  # each batch's outcome, for the operators (docs/operations.md §8)
        self.schedule = schedule  # the periodic jobs run between batches (services/schedule.py)
        self.sign_in_places = sign_in_places
        self.directory_factory = directory_factory
        self.mailer = mailer
        self.threads = max(1, threads)
        # How many entries one claim takes. By default as many as the threads
        # start at once (the first ones are done soonest); bulk loads raise it, so
        # that one partialImport request makes many accounts. It must stay small
        # enough to be worked off well within the lease.
        self.batch_size = max(1, batch_size or self.threads)
        self.lease = timedelta(seconds=lease_seconds)
        # One partialImport request should take about this long (a quarter of the client's timeout).
        self.request_size = RequestSize(request_seconds)
        self.max_backoff = max_backoff_seconds
        self.base_backoff = base_backoff_seconds
        self.clock = clock
        self.owner = owner or f"worker-{uuid.uuid4().hex[:12]}"
        # One directory client per thread: python-keycloak's session and token
        # refresh are not meant to be shared between threads.
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="outbox") if self.threads > 1 else None

    def close(self) -> None:
        if self._pool:
            self._pool.shutdown(wait=True)

    def _directory(self) -> Directory:
        if getattr(self._local, "directory", None) is None:
            self._local.directory = self.directory_factory()
        directory: Directory = self._local.directory
        return directory

    def _map(self, function: Callable[..., Any], items: Iterable[Any]) -> list[Any]:
        if self._pool:
            return list(self._pool.map(function, items))
        return [function(item) for item in items]

    # ---- the loop --------------------------------------------------------

    def run_batch(self) -> Outcome:
        """Claim what is due now and work it off: the batch is cut into one slice per
        thread, and each thread works its slice end to end (its new accounts in
        partialImport requests, then entry by entry: mail, finish). No thread waits for
        another between the two, so Keycloak hashes one slice's passwords while another
        thread mails and records (docs/decisions/0110-provisioning-at-the-hashing-limit.md)."""
        now = self.clock()
        with self.uow_factory() as uow:
            entries = uow.outbox.claim(self.owner, now, taiwan_date(now), self.lease, limit=self.batch_size)
            uow.commit()
        outcome = Outcome()
        if not entries:
            return outcome
        # One entry per account name makes it in bulk; a second one goes the one-by-one way.
        bulk = {e.id for e in _one_per_name([e for e in entries if _makes_new_account(e)])}
        for result in self._map(lambda part: self._work_slice(part, bulk), _split(entries, self.threads)):
            outcome.add(result)
        if self.telemetry is not None:
            self.telemetry.outbox_handled(outcome.done, outcome.retried, outcome.failed)
        return outcome

    def _work_slice(self, entries: Sequence[OutboxEntry], bulk: set[int]) -> Outcome:
        outcome, slice_ = Outcome(), list(entries)

        def renew() -> None:
            # The claim leased the whole slice at once; making its accounts may take longer
            # than the lease on a busy machine, so the leases are renewed after each request.
            # An entry whose lease ran out is left to whoever takes it up (`process` of
            # an entry made here but lost finds its account and checkpoints it there).
            nonlocal slice_
            kept = self._renew(slice_)
            outcome.lost += len(slice_) - len(kept)
            slice_ = kept

        try:
            made = self._make_accounts([e for e in entries if e.id in bulk], after_each_request=renew)
        except Exception:  # then every entry goes the one-by-one way, where each failure has its handling
            log.exception("making the slice's accounts failed")
            made = {}
        for entry in slice_:
            outcome.add(self.process(entry, made.get(entry.id)))
        return outcome

    def _renew(self, entries: list[OutboxEntry]) -> list[OutboxEntry]:
        """The entries whose lease this worker still held, and now holds for another lease."""
        kept, now = [], self.clock()
        with self.uow_factory() as uow:
            for entry in entries:
                try:
                    uow.outbox.checkpoint(entry.id, self.owner, now, self.lease)
                except LeaseLost:
                    log.warning("lease on outbox entry %s lost; another worker will finish it", entry.id)
                    continue
                kept.append(entry)
            uow.commit()
        return kept

    def run_until_idle(self) -> Outcome:
        """`worker --once`: everything that is due now, then stop (entries
        waiting for a backoff or an effective date stay for the next run)."""
        total = Outcome()
        while True:
            outcome = self.run_batch()
            # Stop when nothing is due, or when all that came back were entries
            # already retried in this run (Keycloak still down: leave them to backoff).
            again = outcome.retried_ids <= total.retried_ids and outcome.done + outcome.failed == 0
            total.add(outcome)
            if outcome.handled == 0 or again:
                return total

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        while not stop.is_set():
            if self.schedule is not None:
                for summary in self.schedule.run_due():
                    log.info("%s", summary)
            try:
                outcome = self.run_batch()
            except Exception:  # the database may be away too: keep the loop alive
                log.exception("outbox batch failed")
                outcome = Outcome()
            if outcome.handled == 0:
                stop.wait(poll_seconds)

    # ---- the new accounts of a batch ----------------------------------------

    def _make_accounts(
        self, wanted: Sequence[OutboxEntry], after_each_request: Callable[[], None] = lambda: None
    ) -> dict[int, MadeAccount]:
        """Type A entries that have made no account yet get theirs here, in
        partialImport requests of up to ACCOUNTS_PER_REQUEST. Returns what was made,
        by entry id; everything else is left to `process`, entry by entry."""
        if not wanted:
            return {}
        apps = self._load_applications([e.change.application_id for e in wanted])
        for e in wanted:  # the names these A held while pending (decision 0121), given back to be made now
            try:
                self._directory().release_name(e.change.account, e.change.application_id)
            except DirectoryError as error:  # the entry releases it again on its own path
                log.info("releasing the name of entry %s failed (%s)", e.id, error)
        planned = {
            e.id: (planned_account(apps[e.change.application_id], e.change), apps[e.change.application_id])
            for e in wanted
        }
        accounts = [planned[e.id][0] for e in wanted]
        made_ids: dict[str, str] = {}
        while accounts:
            size = self.request_size.next()
            chunk, accounts = accounts[:size], accounts[size:]
            made_ids.update(self._create_chunk(chunk))
            after_each_request()
        made = {}
        for e in wanted:
            account, app = planned[e.id]
            account_id = made_ids.get(account.username.lower())
            if account_id is not None:
                assert account.password is not None  # planned_account gives each a temporary one
                made[e.id] = MadeAccount(account_id, account.password, app)
        return made

    def _create_chunk(self, accounts: list[NewAccount]) -> dict[str, str]:
        started = time.monotonic()
        try:
            made = self._directory().create_accounts(accounts)
            self.request_size.observed(len(accounts), time.monotonic() - started)
            return made
        except DirectoryError as e:
            self.request_size.observed(
                len(accounts), time.monotonic() - started
            )  # each entry meets it again on its own and is retried or failed there
            log.info("making %d accounts at once failed (%s); they go one by one", len(accounts), e)
        except Exception:
            log.exception("making %d accounts at once failed; they go one by one", len(accounts))
        return {}

    def _load_applications(self, application_ids: list[str]) -> dict[str, Application]:
        with self.uow_factory() as uow:
            return {i: load_application(uow, i) for i in application_ids}

    # ---- one entry ---------------------------------------------------------

    def process(self, entry: OutboxEntry, made: MadeAccount | None = None) -> Outcome:
        if self._superseded(entry):
            try:
                self._finish(entry, superseded=True)
            except LeaseLost:
                return Outcome(lost=1)
            return Outcome(done=1)
        try:
            account = self._applier().apply(entry, made)
        except LeaseLost:
            log.warning("lease on outbox entry %s lost; another worker will finish it", entry.id)
            return Outcome(lost=1)
        except (DirectoryUnavailable, MailUnavailable) as e:
            return self._retry_later(entry, str(e))
        except DirectoryRefused as e:
            return self._fail(entry, e)
        except Exception as e:  # an unforeseen answer: keep the entry, back off, let people look
            log.exception("outbox entry %s: unexpected error", entry.id)
            return self._retry_later(entry, f"{type(e).__name__}: {e}")
        try:
            self._finish(entry, account)
        except LeaseLost:
            return Outcome(lost=1)
        return Outcome(done=1)

    def _load_application(self, application_id: str) -> Application:
        with self.uow_factory() as uow:
            return load_application(uow, application_id)

    def _checkpoint(self, entry: OutboxEntry, **progress: Any) -> None:
        with self.uow_factory() as uow:
            uow.outbox.checkpoint(entry.id, self.owner, self.clock(), self.lease, **progress)
            uow.commit()

    def _applier(self) -> GrantApplier:
        return GrantApplier(
            self._directory(), self._load_application, self._checkpoint, self._mail_password, clock=self.clock
        )

    def _mail_password(self, entry: OutboxEntry, app: Application, password: str) -> None:
        message_id = f"<outbox-{entry.id}-{uuid.uuid4().hex[:8]}@sync-service>"
        self.mailer.send(password_mail(app, password, message_id=message_id, places=self.sign_in_places))
        self._checkpoint(entry, mail_sent_at=self.clock())

    def _superseded(self, entry: OutboxEntry) -> bool:
        """A departure dated ahead (B or D, R-MGR-6) whose seat names the account as its manager
        on the day it falls due was overtaken by a later decision (replaced, then appointed
        again): applying it would take away a grant decided after it."""
        change = entry.change
        if change.effective_on is None or change.kind not in (ChangeKind.REVOKE, ChangeKind.DEMOTE):
            return False
        with self.uow_factory() as uow:
            seat = uow.seats.get(change.institution_code, change.category)
        return seat.holder(taiwan_date(self.clock())) == change.account

    def _finish(self, entry: OutboxEntry, account: AccountChange | None = None, *, superseded: bool = False) -> None:
        now = self.clock()
        with self.uow_factory() as uow:
            uow.outbox.mark_done(entry.id, self.owner, now)
            app = load_application(uow, entry.change.application_id)
            uow.record(
                AuditEntry(
                    actor=WORKER,
                    action="keycloak.superseded" if superseded else f"keycloak.{entry.change.kind.value}",
                    at=now,
                    application_id=app.id,
                    approved_by=app.decided_by,
                    details={"change": change_details(entry)},
                )
            )
            if account is not None:  # the account closed with its last grant, or opened again (R-ACC-2)
                uow.record(
                    closing.audit_entry(
                        account,
                        actor=WORKER,
                        username=entry.change.account,
                        at=now,
                        after=entry.change.kind.value,
                        application_id=app.id,
                        approved_by=app.decided_by,
                    )
                )
            if uow.outbox.unfinished_of(app.id) == 0 and app.status in (Status.APPROVED, Status.FAILED):
                app.mark_provisioned(by=WORKER, at=now)
                uow.applications.save(app)
            uow.commit()

    def _fail(self, entry: OutboxEntry, error: DirectoryRefused) -> Outcome:
        now = self.clock()
        for _ in range(10):
            try:
                with self.uow_factory() as uow:
                    uow.outbox.mark_failed(entry.id, self.owner, now, f"{error.code}: {error.en}")
                    app = load_application(uow, entry.change.application_id)
                    if app.status in (Status.APPROVED, Status.FAILED):
                        app.mark_failed(f"{error.zh} / {error.en}", by=WORKER, at=now)
                        uow.applications.save(app)
                    # What the approval reserved is given back: a failed A or C holds no seat.
                    seat = uow.seats.get(app.institution.code, app.category)
                    loaded = seat.version
                    if app.release_seat(seat):
                        uow.seats.save(seat, loaded_version=loaded, application_id=app.id)
                    uow.commit()
                return Outcome(failed=1)
            except LeaseLost:
                return Outcome(lost=1)
            except ConcurrentDecision:
                continue
        return self._retry_later(entry, f"{error.code}: seat busy")

    def _retry_later(self, entry: OutboxEntry, error: str) -> Outcome:
        now = self.clock()
        # Exponential backoff with jitter: many workers coming back together
        # must not hammer a Keycloak that has only just come up.
        delay = min(self.max_backoff, self.base_backoff * 2 ** max(0, entry.attempts - 1))
        delay *= random.uniform(0.5, 1.0)
        try:
            with self.uow_factory() as uow:
                uow.outbox.retry_later(entry.id, self.owner, now, now + timedelta(seconds=delay), error[:2000])
                uow.commit()
        except LeaseLost:
            return Outcome(lost=1)
        return Outcome(retried=1, retried_ids={entry.id})


def _makes_new_account(entry: OutboxEntry) -> bool:
    """A type A entry that has not made its account yet, as far as we know."""
    change = entry.change
    return (
        change.kind is ChangeKind.GRANT
        and change.create_account
        and entry.account_id is None
        and entry.mail_sent_at is None
    )


def _one_per_name(entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """The first entry of each account name: a second one in the same request
    would be skipped, yet answered with the first one's id."""
    seen: set[str] = set()
    first = []
    for e in entries:
        name = e.change.account.lower()
        if name not in seen:
            seen.add(name)
            first.append(e)
    return first


def _split(items: list[T], parts: int) -> list[list[T]]:
    """Up to `parts` chunks of nearly equal size, none empty."""
    size = -(-len(items) // max(1, parts))
    return [items[i : i + size] for i in range(0, len(items), size)]
