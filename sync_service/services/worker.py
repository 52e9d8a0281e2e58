"""The outbox worker: approved grant changes reach Keycloak, each exactly once
in effect.

- Claim: due entries are leased (owner + expiry), so several workers, or a
  restarted one, never work on the same entry at once, and an entry whose
  worker died is taken up again when its lease runs out.
- Apply: every step is idempotent (join/leave a group, end sessions), so a
  replay after a crash changes nothing. Creating an account (A) is the one
  step that is not: progress (account made, mail sent) is checkpointed, and a
  resumed entry finds the account it made instead of making another.
- Finish: the entry is marked done in the same transaction as the
  application's move to provisioned (or failed), with its audit rows.
- Keycloak down or the mail server down: the entry is released with an
  exponential backoff and tried again; nothing is lost.
"""
from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..adapters.audit_chain import AuditEntry
from ..adapters.repository import LeaseLost, OutboxEntry
from ..domain import Application, Status, taiwan_date
from ..domain.grants import ChangeKind
from ..domain.names import split_person_name
from ..domain.passwords import generate_password
from .notifications import password_mail
from .ports import Directory, DirectoryRefused, DirectoryUnavailable, Mailer, MailUnavailable, NewAccount

log = logging.getLogger(__name__)

WORKER = "sync-service"  # the actor the audit chain names for the worker's own steps
REQUIRED_ACTIONS = ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS")  # R-PWD-1, R-CONF-1


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
    def __init__(self, uow_factory: Callable, directory_factory: Callable[[], Directory], mailer: Mailer, *,
                 threads: int = 8, lease_seconds: float = 60, max_backoff_seconds: float = 60,
                 base_backoff_seconds: float = 0.5, clock: Callable[[], datetime] = utcnow,
                 owner: str | None = None) -> None:
        self.uow_factory = uow_factory
        self.directory_factory = directory_factory
        self.mailer = mailer
        self.threads = max(1, threads)
        self.lease = timedelta(seconds=lease_seconds)
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
        return self._local.directory

    # ---- the loop --------------------------------------------------------

    def run_batch(self) -> Outcome:
        """Claim what is due now and work it off."""
        now = self.clock()
        with self.uow_factory() as uow:
            # No more than the threads can start at once: an entry claimed but
            # left waiting would hold its lease idle, or lose it before it begins.
            entries = uow.outbox.claim(self.owner, now, taiwan_date(now), self.lease, limit=self.threads)
            uow.commit()
        outcome = Outcome()
        if not entries:
            return outcome
        if self._pool:
            for result in self._pool.map(self.process, entries):
                outcome.add(result)
        else:
            for entry in entries:
                outcome.add(self.process(entry))
        return outcome

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
            try:
                outcome = self.run_batch()
            except Exception:  # the database may be away too: keep the loop alive
                log.exception("outbox batch failed")
                outcome = Outcome()
            if outcome.handled == 0:
                stop.wait(poll_seconds)

    # ---- one entry ---------------------------------------------------------

    def process(self, entry: OutboxEntry) -> Outcome:
        try:
            self._apply(entry)
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
            self._finish(entry)
        except LeaseLost:
            return Outcome(lost=1)
        return Outcome(done=1)

    def _load_application(self, application_id: str) -> Application:
        with self.uow_factory() as uow:
            return uow.applications.get(application_id)

    def _checkpoint(self, entry: OutboxEntry, **progress) -> None:
        with self.uow_factory() as uow:
            uow.outbox.checkpoint(entry.id, self.owner, self.clock(), self.lease, **progress)
            uow.commit()

    def _apply(self, entry: OutboxEntry) -> None:
        change, directory = entry.change, self._directory()
        code, cat = change.institution_code, change.category
        if change.kind is ChangeKind.GRANT:
            account_id = self._account_for_grant(entry, directory)
            directory.join(account_id, code, cat, "manager")
            directory.leave(account_id, code, cat, "user")  # R-MGR-4: the manager level replaces the user level
        elif change.kind is ChangeKind.DEMOTE:
            account = directory.find_account(change.account)
            if account is None:
                raise _no_account(change.account)
            directory.join(account.id, code, cat, "user")  # first the new level: never a moment with neither
            directory.leave(account.id, code, cat, "manager")
        elif change.kind is ChangeKind.REVOKE:
            account = directory.find_account(change.account)
            if account is not None:  # an account removed meanwhile holds nothing to revoke
                directory.leave(account.id, code, cat, "manager")
                directory.end_sessions(account.id)  # R-MGR-3: close the functions now, not at token expiry

    def _account_for_grant(self, entry: OutboxEntry, directory: Directory) -> str:
        change = entry.change
        account = directory.find_account(change.account)
        if not change.create_account:
            if account is None:
                raise _no_account(change.account)
            return account.id
        app = self._load_application(change.application_id)
        personal = [app.form.national_id.value, app.form.phone.e164, app.form.phone.national, app.account,
                    app.form.email.split("@")[0]]
        if account is None:
            password = generate_password(personal)
            account_id = directory.create_account(_new_account(app, password))
            self._checkpoint(entry, account_id=account_id)
        else:
            if not _made_for(account, entry, app):
                raise DirectoryRefused(
                    "account.taken",
                    f"帳號名稱 {change.account} 已有他人使用，請申請人另擇帳號名稱",
                    f"The account name {change.account} belongs to someone else; the applicant must choose another",
                )
            account_id = account.id
            if entry.account_id is None:
                self._checkpoint(entry, account_id=account_id)
            if entry.mail_sent_at is not None:
                return account_id
            # Made by an earlier attempt that died before the mail went out:
            # nobody knows that password, so a fresh one is set and mailed.
            password = generate_password(personal)
            directory.set_password(account_id, password, temporary=True)
        self.mailer.send(password_mail(app, password, message_id=f"<outbox-{entry.id}-{uuid.uuid4().hex[:8]}@sync-service>"))
        self._checkpoint(entry, mail_sent_at=self.clock())
        return account_id

    def _finish(self, entry: OutboxEntry) -> None:
        now = self.clock()
        with self.uow_factory() as uow:
            uow.outbox.mark_done(entry.id, self.owner, now)
            app = uow.applications.get(entry.change.application_id)
            uow.record(AuditEntry(actor=WORKER, action=f"keycloak.{entry.change.kind.value}", at=now,
                                  application_id=app.id, approved_by=app.decided_by,
                                  details={"change": _change_details(entry)}))
            if uow.outbox.unfinished_of(app.id) == 0 and app.status in (Status.APPROVED, Status.FAILED):
                app.mark_provisioned(by=WORKER, at=now)
                uow.applications.save(app)
            uow.commit()

    def _fail(self, entry: OutboxEntry, error: DirectoryRefused) -> Outcome:
        now = self.clock()
        try:
            with self.uow_factory() as uow:
                uow.outbox.mark_failed(entry.id, self.owner, now, f"{error.code}: {error.en}")
                app = uow.applications.get(entry.change.application_id)
                if app.status in (Status.APPROVED, Status.FAILED):
                    app.mark_failed(f"{error.zh} / {error.en}", by=WORKER, at=now)
                    uow.applications.save(app)
                uow.commit()
        except LeaseLost:
            return Outcome(lost=1)
        return Outcome(failed=1)

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


def _no_account(username: str) -> DirectoryRefused:
    return DirectoryRefused(
        "account.not_found",
        f"找不到帳號 {username}；C、D 類申請須填寫既有帳號",
        f"No account {username}; applications C and D must name an existing account",
    )


def _made_for(account, entry: OutboxEntry, app: Application) -> bool:
    """Is this existing account the one an earlier attempt of this entry made?"""
    if entry.account_id is not None:
        return account.id == entry.account_id
    national_ids = account.attributes.get("nationalId", [])
    return (account.email or "").lower() == app.form.email.lower() and app.form.national_id.value in national_ids


def _new_account(app: Application, password: str) -> NewAccount:
    family, given = split_person_name(app.form.applicant_name)
    return NewAccount(
        username=app.account, email=app.form.email, first_name=given or family, last_name=family,
        attributes={"department": app.form.department, "phone": app.form.phone.national,
                    "nationalId": app.form.national_id.value},
        password=password, required_actions=REQUIRED_ACTIONS,
    )


def _change_details(entry: OutboxEntry) -> dict:
    c = entry.change
    return {"kind": c.kind.value, "institution_code": c.institution_code, "category": c.category,
            "account": c.account, "create_account": c.create_account, "outbox_id": entry.id}
