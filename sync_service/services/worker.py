"""The outbox worker: approved grant changes reach Keycloak, each exactly once
in effect.

- Claim: due entries are leased (owner + expiry), so several workers, or a
  restarted one, never work on the same entry at once, and an entry whose
  worker died is taken up again when its lease runs out.
- Apply: every step is idempotent (join/leave a group, end sessions), so a
  replay after a crash changes nothing. Creating an account (A) is the one
  step that is not: progress (account made, mail sent) is checkpointed, and a
  resumed entry finds the account it made instead of making another.
- One way to make accounts, `Directory.create_accounts` (Keycloak's
  partialImport with SKIP, idempotent by name), for one or many: a claimed
  batch is cut into one slice per thread, and the fresh type A entries of a
  slice have theirs made together before its entries are worked one by one; an entry whose
  account was not made that way (Keycloak away, a resumed entry) makes it
  itself, through the same call, on its own turn. Either way the account is
  made with its manager grant, checkpointed, then mailed.
- Finish: the entry is marked done in the same transaction as the
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
from datetime import UTC, datetime, timedelta

from ..domain import Application, ApplicationType, ChangeKind, GrantChange, Level, Status, taiwan_date
from ..domain.names import split_person_name
from ..domain.passwords import generate_password
from . import people
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
    UnitOfWork,
)
from .schedule import Schedule

log = logging.getLogger(__name__)

WORKER = "sync-service"  # the actor the audit chain names for the worker's own steps
REQUIRED_ACTIONS = ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS")  # R-PWD-1, R-CONF-1
# Accounts per partialImport request, at most: Keycloak spends about 66 ms of one core
# on each new password (hash and policy), and a request must end well within the
# timeout however busy the machine; `RequestSize` sizes each request below this.
ACCOUNTS_PER_REQUEST = 20


class RequestSize:
    """How many accounts the next partialImport request carries: as many as Keycloak made
    in `target_seconds` at the pace last seen (between 1 and `most`). A request that
    outlives the client's timeout is not undone by Keycloak: its accounts are found later
    and get a second password, hashed again; so the size follows the load instead of
    being fixed (docs/decisions/0110-provisioning-at-the-hashing-limit.md)."""

    def __init__(self, target_seconds: float, most: int = ACCOUNTS_PER_REQUEST, first: int = 5) -> None:
        self.target, self.most, self.first = target_seconds, most, first
        self._per_account: float | None = None
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            if self._per_account is None:
                return min(self.first, self.most)
            return max(1, min(self.most, int(self.target / self._per_account)))

    def observed(self, accounts: int, seconds: float) -> None:
        """A request of `accounts` took `seconds` (until its answer, or until it failed)."""
        pace = seconds / max(1, accounts)
        with self._lock:
            old = self._per_account
            self._per_account = pace if old is None or pace > old else 0.7 * old + 0.3 * pace


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class MadeAccount:
    """An account the batch made for a type A entry, already in its managers group."""

    account_id: str
    password: str
    app: Application


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
    ) -> None:
        self.uow_factory = uow_factory
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
        return self._local.directory

    def _map(self, function: Callable, items: Iterable) -> list:
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
        planned = {e.id: self._plan_account(e, apps[e.change.application_id]) for e in wanted}
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
                made[e.id] = MadeAccount(account_id, account.password, app)
        return made

    def _plan_account(self, entry: OutboxEntry, app: Application) -> tuple[NewAccount, Application]:
        password = generate_password(_personal_data(app))
        return _new_account(app, password, entry.change), app

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
            return {i: uow.applications.get(i) for i in application_ids}

    # ---- one entry ---------------------------------------------------------

    def process(self, entry: OutboxEntry, made: MadeAccount | None = None) -> Outcome:
        try:
            self._apply(entry, made)
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

    def _apply(self, entry: OutboxEntry, made: MadeAccount | None = None) -> None:
        change, directory = entry.change, self._directory()
        manager, user = change.grant(Level.MANAGER), change.grant(Level.USER)
        if change.kind is ChangeKind.GRANT and made is not None:
            # Made in the managers group and in no other: only the password mail is left.
            self._checkpoint(entry, account_id=made.account_id)
            self._mail_password(entry, made.app, made.password)
        elif change.kind is ChangeKind.GRANT:
            account_id = self._account_for_grant(entry, directory)
            if not change.create_account:
                self._require_applicant(entry, directory)
            directory.join(account_id, manager)
            directory.leave(account_id, user)  # R-MGR-4: the manager level replaces the user level
        elif change.kind is ChangeKind.DEMOTE:
            account = directory.find_account(change.account)
            if account is None:
                raise _no_account(change.account)
            self._require_applicant(entry, directory, account)
            directory.join(account.id, user)  # first the new level: never a moment with neither
            directory.leave(account.id, manager)
        elif change.kind is ChangeKind.REVOKE:
            account = directory.find_account(change.account)
            if account is not None:  # an account removed meanwhile holds nothing to revoke
                directory.leave(account.id, manager)
                directory.end_sessions(account.id)  # R-MGR-3: close the functions now, not at token expiry

    def _require_applicant(self, entry: OutboxEntry, directory: Directory, account=None) -> None:
        """C and D: the account named must still be the person on the application
        (same e-mail, same national ID), or the change is not made."""
        app = self._load_application(entry.change.application_id)
        if app.type not in (ApplicationType.C, ApplicationType.D):
            return
        account = account or directory.find_account(entry.change.account)
        if account is None:
            raise _no_account(entry.change.account)
        mismatch = people.mismatch(account, app)
        if mismatch:
            zh, en = mismatch
            raise DirectoryRefused(
                "account.not_the_applicant",
                f"帳號 {account.username} 的{zh}與申請書不符，未予開通；請確認申請人後重新開通或取消",
                f"The {en} of account {account.username} differs from the application's; nothing was changed. "
                "Check who applied, then retry or cancel",
            )

    def _account_for_grant(self, entry: OutboxEntry, directory: Directory) -> str:
        change = entry.change
        account = directory.find_account(change.account)
        if not change.create_account:
            if account is None:
                raise _no_account(change.account)
            return account.id
        app = self._load_application(change.application_id)
        personal = _personal_data(app)
        if account is None:
            password = generate_password(personal)
            account_id = directory.create_accounts([_new_account(app, password, change)]).get(change.account.lower())
            if account_id is None:  # taken between the look-up and now, or its e-mail is someone else's
                raise _not_made(change.account)
            self._checkpoint(entry, account_id=account_id)
        else:
            if not _is_made_by_this_entry(account, entry, app):
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
        self._mail_password(entry, app, password)
        return account_id

    def _mail_password(self, entry: OutboxEntry, app: Application, password: str) -> None:
        message_id = f"<outbox-{entry.id}-{uuid.uuid4().hex[:8]}@sync-service>"
        self.mailer.send(password_mail(app, password, message_id=message_id, places=self.sign_in_places))
        self._checkpoint(entry, mail_sent_at=self.clock())

    def _finish(self, entry: OutboxEntry) -> None:
        now = self.clock()
        with self.uow_factory() as uow:
            uow.outbox.mark_done(entry.id, self.owner, now)
            app = uow.applications.get(entry.change.application_id)
            uow.record(
                AuditEntry(
                    actor=WORKER,
                    action=f"keycloak.{entry.change.kind.value}",
                    at=now,
                    application_id=app.id,
                    approved_by=app.decided_by,
                    details={"change": _change_details(entry)},
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
                    app = uow.applications.get(entry.change.application_id)
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


def _no_account(username: str) -> DirectoryRefused:
    return DirectoryRefused(
        "account.not_found",
        f"找不到帳號 {username}；C、D 類申請須填寫既有帳號",
        f"No account {username}; applications C and D must name an existing account",
    )


def _not_made(username: str) -> DirectoryRefused:
    return DirectoryRefused(
        "account.not_made",
        f"無法建立帳號 {username}：名稱或電子郵件已有其他帳號使用",
        f"Account {username} could not be made: its name or e-mail address belongs to another account",
    )


def _is_made_by_this_entry(account, entry: OutboxEntry, app: Application) -> bool:
    """Is this existing account the one an earlier attempt of this entry made?"""
    if entry.account_id is not None:
        return account.id == entry.account_id
    return (account.email or "").lower() == app.form.email.lower() and account.holds_national_id(
        app.form.national_id.value
    )


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


def _split(items: list, parts: int) -> list[list]:
    """Up to `parts` chunks of nearly equal size, none empty."""
    size = -(-len(items) // max(1, parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _personal_data(app: Application) -> list[str]:
    """What a generated password must not contain (R-PWD: no personal data)."""
    return [
        app.form.national_id.value,
        app.form.phone.e164,
        app.form.phone.national,
        app.account,
        app.form.email.split("@")[0],
    ]


def _new_account(app: Application, password: str, change: GrantChange) -> NewAccount:
    """The account of a type A application, made with the manager grant it was approved for."""
    family, given = split_person_name(app.form.applicant_name)
    return NewAccount(
        username=app.account,
        email=app.form.email,
        first_name=given or family,
        last_name=family,
        attributes={
            "department": app.form.department,
            "phone": app.form.phone.national,
            "nationalId": app.form.national_id.value,
        },
        password=password,
        required_actions=REQUIRED_ACTIONS,
        grants=(change.grant(Level.MANAGER),),
    )


def _change_details(entry: OutboxEntry) -> dict:
    c = entry.change
    return {
        "kind": c.kind.value,
        "institution_code": c.institution_code,
        "category": c.category,
        "account": c.account,
        "create_account": c.create_account,
        "outbox_id": entry.id,
    }
