"""The ports the use cases talk through, and the types that cross them.
Adapters implement them (SQLAlchemy, python-keycloak, SMTP); tests use
in-memory fakes. Errors cross a port as ours, never as SQLAlchemy's,
python-keycloak's or smtplib's. The service layer imports no adapter: a
test (tests/unit/test_import_contract.py) keeps it so.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Protocol, Self, runtime_checkable

import policies

from ..domain import Application, Grant, GrantChange, Level, ManagerSeat, national_id_digest
from ..domain.keycloak_events import People
from ..domain.legacy import PasswordHash
from ..domain.personal_data import Letter, PersonalDataRequest
from ..domain.suspensions import Suspension

# ---- storage: repositories in one unit of work -----------------------------


class ConcurrentDecision(Exception):
    """Another transaction changed the same manager seat first: reload and decide again."""


class LeaseLost(Exception):
    """The entry's claim expired and another worker may hold it now: stop touching it."""


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit chain (R-AUD-1): who, what, when, on whose approval."""

    actor: str
    action: str
    at: datetime
    application_id: str | None = None
    approved_by: str | None = None
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChainRow:
    """One audit chain row as stored (what its hash and signature cover), with the
    institution and account of the application it belongs to, if any (the export)."""

    seq: int
    at: datetime
    actor: str
    action: str
    application_id: str | None
    approved_by: str | None
    payload: str
    prev_hash: str
    hash: str
    signature: str
    application_institution: str | None = None
    application_account: str | None = None
    shown: AuditEntry | None = None  # the row with people named (pseudonyms resolved, decision 0095)


@dataclass(frozen=True)
class OutboxEntry:
    """A decided grant change on its way to Keycloak, with the worker's progress."""

    id: int
    change: GrantChange
    attempts: int
    account_id: str | None
    mail_sent_at: datetime | None
    status: str
    last_error: str | None
    done_at: datetime | None


class ApplicationRepository(Protocol):
    def add(self, app: Application) -> None: ...

    def save(self, app: Application) -> None: ...

    def get(self, application_id: str) -> Application | None: ...

    def list(
        self,
        *,
        status: str | None = None,
        type: str | None = None,
        institution_code: str | None = None,
        category: str | None = None,
        account: str | None = None,
        national_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Application]: ...

    def open_like(self, app: Application) -> builtins.list[Application]:
        """Open applications for the same account, or the same person, institution and category."""
        ...

    def queue(
        self,
        *,
        statuses: Sequence[str] | None = None,
        type: str | None = None,
        institution_code: str | None = None,
        category: str | None = None,
        limit: int = 50,
        offset: int = 0,
        newest_first: bool = False,
    ) -> tuple[builtins.list[Application], int]:
        """The reviewers' queue (any of `statuses`; None: all), oldest or newest first, and how many match in all."""

    def counts_by_status(
        self, *, type: str | None = None, institution_code: str | None = None, category: str | None = None
    ) -> dict[str, int]: ...

    def awaiting_receipt(self, limit: int) -> builtins.list[Application]:
        """Submitted applications whose applicant was not mailed the reference yet, oldest first."""
        ...

    def receipt_mailed(self, application_id: str, at: datetime) -> None:
        """The applicant of this application was mailed its reference."""


@dataclass(frozen=True)
class Scan:
    """A scan of a signed document, beside its application (stored encrypted)."""

    id: str
    application_id: str
    document: str
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    content: bytes | None = None


class ScanRepository(Protocol):
    def add(self, scan: Scan) -> None: ...

    def of_application(self, application_id: str) -> list[Scan]:
        """Without their content: what a page lists."""

    def get(self, application_id: str, scan_id: str) -> Scan | None:
        """With its content, decrypted."""


class SeatRepository(Protocol):
    def get(self, institution_code: str, category: str) -> ManagerSeat:
        """The seat as stored; an empty seat (version 0) if none is."""

    def held(self) -> list[ManagerSeat]:
        """Every seat that has (or had, until its leaving date) a manager."""

    def save(self, seat: ManagerSeat, *, loaded_version: int, application_id: str | None) -> None:
        """ConcurrentDecision if someone decided on the seat since `loaded_version`."""


class OutboxRepository(Protocol):
    def add(self, changes: Sequence[GrantChange], now: datetime) -> None: ...

    def claim(self, owner: str, now: datetime, today: date, lease: timedelta, limit: int) -> list[OutboxEntry]:
        """Lease up to `limit` due entries, at most one per (institution, category)."""

    def of_application(self, application_id: str) -> list[OutboxEntry]: ...

    def unfinished_of(self, application_id: str) -> int: ...

    def requeue_failed(self, application_id: str, now: datetime) -> int:
        """The failed changes of a retried application: due again, counted afresh."""
        ...

    def cancel_failed(self, application_id: str) -> int: ...

    # Each of these raises LeaseLost unless `owner` still holds the entry's lease.
    def checkpoint(self, entry_id: int, owner: str, now: datetime, lease: timedelta, **progress: Any) -> None: ...

    def mark_done(self, entry_id: int, owner: str, now: datetime) -> None: ...

    def mark_failed(self, entry_id: int, owner: str, now: datetime, error: str) -> None: ...

    def retry_later(self, entry_id: int, owner: str, now: datetime, at: datetime, error: str) -> None: ...


class KeycloakEventLog(Protocol):
    """Where the copy of Keycloak's events stands (decision 0090), in the unit of work's transaction."""

    def lock(self) -> None:
        """Take the audit chain's turn before reading what is recorded."""

    def cursor(self, stream: str) -> int | None:
        """The newest event time (ms) recorded of this stream, None before the first."""

    def unrecorded(self, keys: Sequence[str]) -> set[str]:
        """Those of these event keys not recorded yet."""

    def mark_recorded(self, keys: Iterable[tuple[str, int]]) -> None: ...

    def advance(self, stream: str, newest_ms: int, *, forget_before: int) -> None: ...


@dataclass(frozen=True)
class ImportedRowState:
    """What became of one row of an old-system export (docs/legacy-import.md)."""

    row: int
    account: str
    status: str  # imported, refused
    reason_code: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    account_id: str | None = None
    wants_mail: bool = False


@dataclass(frozen=True)
class MailDue:
    """An imported account waiting for its set-a-password mail."""

    file_sha256: str
    row: int
    account_id: str


class LegacyImportRepository(Protocol):
    def rows_of(self, file_sha256: str) -> dict[int, ImportedRowState]: ...

    def record(self, file_sha256: str, states: Sequence[ImportedRowState], at: datetime) -> None:
        """Rows already recorded are left as they are (a second run changes nothing)."""

    def claim_mails(self, now: datetime, limit: int) -> list[MailDue]:
        """Up to `limit` unsent mails, marked sent in this transaction (two workers never take the same)."""

    def unclaim_mail(self, due: MailDue) -> None:
        """The mail did not go out: due again."""

    def mails_waiting(self) -> int: ...


class PersonalDataRequestRepository(Protocol):
    """A person's requests about their own data (R-PD-2, decision 0095)."""

    def add(self, request: PersonalDataRequest) -> None: ...

    def save(self, request: PersonalDataRequest) -> None: ...

    def get(self, request_id: str) -> PersonalDataRequest | None: ...

    def of_account(self, account: str) -> list[PersonalDataRequest]: ...

    def queue(self, status: str | None = None, limit: int = 100) -> list[PersonalDataRequest]: ...

    def letter(self, request_id: str) -> Letter | None:
        """A written request's letter, with its content."""

    def processing_stopped(self, account: str) -> bool:
        """Has the person had the processing of their data stopped (an approved request)?"""

    def pseudonymise(self, account: str, pseudonym: str) -> int:
        """Their requests name them by the pseudonym from now on; how many did."""


class PersonalRecords(Protocol):
    """A person's data across the service's own records, by account (R-PD-2, R-PD-4, decision 0096)."""

    def application_ids(self, account: str) -> list[str]: ...

    def emails(self, account: str) -> set[str]:
        """Every e-mail address their applications gave."""

    def holds_manager_seat(self, account: str) -> bool: ...

    def correct(self, account: str, field: str, value: str, *, applicant_name: str | None = None) -> int:
        """A correction of their applications' field; how many rows changed."""

    def erase(self, account: str, pseudonym: str, account_id: str | None = None) -> dict[str, int]:
        """Deletion: their scans go, their applications keep only what the audit needs and name the
        pseudonym, as do the reviews and reminders that named them; counts by kind."""

    def remove_scans_decided_before(self, cutoff: datetime) -> int: ...

    def remove_applications_closed_before(self, cutoff: datetime) -> int: ...

    def remove_requests_decided_before(self, cutoff: datetime) -> int: ...


class PasswordReminderRepository(Protocol):
    """Which password cycles have had their reminder (R-PWD-2): one row per (account, password set at)."""

    def sent(self) -> set[tuple[str, datetime]]: ...

    def claim(self, account_id: str, password_set_at: datetime, now: datetime) -> bool:
        """Record the reminder as sent; False if it already is (another worker, an earlier run)."""


@dataclass(frozen=True)
class AccessReview:
    """One (institution, category)'s review in one round."""

    id: str
    round: str
    institution_code: str
    category: str
    manager_account_id: str
    manager_username: str
    opened_at: datetime
    deadline: datetime
    opening_mailed_at: datetime | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    reminded_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ReviewItem:
    review_id: str
    account_id: str
    username: str
    state: str  # domain.reminders.ItemState
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class AuditCheckpoint:
    """The audit chain's end at a moment, signed with the audit key (decision 0136): mailed to the
    agency, so that a history rewritten later, even re-signed with the key, no longer matches it."""

    seq: int
    hash: str
    at: datetime
    signature: str  # "key id:base64" over the checkpoint's text
    line: str  # the one line `audit verify --checkpoints` reads back (as mailed and printed)


@dataclass(frozen=True)
class AuditAnchor:
    """The audit chain's end (row seq, its hash), signed, as recorded in Keycloak (decision 0136)."""

    seq: int
    hash: str
    signature: str
    at: datetime | None = None  # when Keycloak recorded it (read back)


class AuditAnchors(Protocol):
    """Keycloak's admin events as the second place of the chain's end (decision 0136)."""

    def record(self, anchor: AuditAnchor) -> None:
        """DirectoryUnavailable when Keycloak does not take it."""

    def newest(self, count: int, key_ids: Sequence[str]) -> list[AuditAnchor]:
        """The newest anchors signed with these keys (by their ids), up to `count` of each key,
        newest first. Anchors of other keys are not read: another chain's (tests share a realm),
        or a flood meant to push ours out of the window."""


class AuditCheckpointRepository(Protocol):
    """The checkpoints made, in the unit of work's transaction (decision 0136)."""

    def claim(self, period: int, now: datetime, sent_to: str) -> AuditCheckpoint | None:
        """The checkpoint of the chain's end now, recorded for `period`; None when the chain has
        not grown since the last checkpoint or another worker took this period."""

    def made_since(self, start: datetime) -> list[AuditCheckpoint]:
        """The checkpoints made from `start` on, oldest first."""

    def anchor(self) -> AuditAnchor | None:
        """The chain's end now, signed for Keycloak's record; None while the chain is empty."""


class AccessReviewRepository(Protocol):
    def round_opened(self, round_key: str) -> bool: ...

    def mark_round_opened(self, round_key: str, now: datetime) -> None: ...

    def add(self, review: AccessReview, items: Sequence[ReviewItem]) -> bool:
        """False when the pair already has its review in this round."""

    def get(self, review_id: str) -> AccessReview | None: ...

    def unclosed(self) -> list[AccessReview]: ...

    def of_round(self, round_key: str) -> list[AccessReview]: ...

    def items(self, review_id: str) -> list[ReviewItem]: ...

    def claim(self, review_id: str, step: str, now: datetime) -> bool:
        """Mark `step` (opening_mailed, reminded, closed) done once; False if it was."""

    def answer(self, review_id: str, confirmed: dict[str, bool], by: str, now: datetime) -> None: ...

    def mark_removed(self, review_id: str, account_id: str, now: datetime) -> bool:
        """An unconfirmed item becomes removed; False if it is not (any more) unconfirmed."""


class SuspensionRepository(Protocol):
    """Suspensions (停權, R-SUS-1, decision 0163), with what each took away."""

    def add(self, suspension: Suspension) -> None: ...

    def save(self, suspension: Suspension) -> None: ...

    def get(self, suspension_id: str) -> Suspension | None: ...

    def active_for_institution(self, institution_code: str) -> Suspension | None: ...

    def active_for_account(self, account_id: str, excluding: str | None = None) -> Suspension | None:
        """The person's own suspension in force (not `excluding`)."""
        ...

    def holds_any(self, account_id: str, excluding: str | None = None) -> bool:
        """Whether a suspension in force (not `excluding`) holds a grant of this account aside."""
        ...

    def suspended_accounts(self) -> set[str]:
        """The account names (lower case) of the people suspended now."""
        ...

    def listed(self, limit: int = 200) -> list[Suspension]:
        """Active first, newest first."""
        ...

    def suspended_institutions(self) -> set[str]: ...

    def notices_for(self, username: str) -> list[Suspension]:
        """Active suspensions of the institutions this person managed when they were suspended."""
        ...

    def forget_grants(self, account_id: str, level: Level) -> int:
        """Grants of this account and level that ended during a suspension: not given back on lifting."""
        ...

    def forget_grant(self, account_id: str, grant: Grant) -> int:
        """This grant of the account ended during a suspension: not given back on lifting."""
        ...


@dataclass(frozen=True)
class GrantEnding:
    """A user-level grant a manager ends from a date (decision 0127): at 00:00 Taipei of `end_on`
    the person leaves the pair's users group (and their account closes if nothing is left)."""

    account_id: str
    username: str
    institution_code: str
    category: str
    end_on: date
    set_by: str
    set_at: datetime


class GrantEndingRepository(Protocol):
    def set(self, ending: GrantEnding) -> None:
        """The person's pending ending in the pair, replacing an earlier date."""

    def cancel(self, account_id: str, institution_code: str, category: str) -> bool:
        """False when there was none."""

    def of_pair(self, institution_code: str, category: str) -> dict[str, GrantEnding]:
        """The pair's pending endings, by account id."""

    def due(self, today: date) -> list[GrantEnding]: ...

    def take(self, ending: GrantEnding) -> bool:
        """Remove the ending as applied; False when another worker took it (or it changed)."""


class Telemetry(Protocol):
    """What the operators' metrics count (adapters/metrics.py: Prometheus, docs/operations.md §8).
    Counts and times only: never a name, an account or anything a person typed."""

    def outbox_handled(self, done: int, retried: int, failed: int) -> None:
        """A worker's batch: entries applied, put back for a retry, failed for good."""

    def job_ran(self, name: str, ok: bool, at: datetime) -> None:
        """A periodic job's run ended, well or with an error."""

    def chain_verified(self, intact: bool, rows: int, at: datetime) -> None:
        """The audit chain was verified: whole or broken, how many rows."""

    def request_served(self, route: str, method: str, status: int, seconds: float) -> None:
        """A page or API request was answered (a 429 is a budget's refusal)."""


class UnitOfWork(Protocol):
    """One transaction per use case: `with uow: ...; uow.commit()`. Leaving the
    block without a commit writes nothing. The domain events of every
    application touched are written to the audit chain with the commit."""

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def seats(self) -> SeatRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def scans(self) -> ScanRepository: ...

    @property
    def keycloak_events(self) -> KeycloakEventLog: ...

    @property
    def legacy(self) -> LegacyImportRepository: ...

    @property
    def personal_requests(self) -> PersonalDataRequestRepository: ...

    @property
    def personal_records(self) -> PersonalRecords: ...

    @property
    def password_reminders(self) -> PasswordReminderRepository: ...

    @property
    def access_reviews(self) -> AccessReviewRepository: ...

    @property
    def grant_endings(self) -> GrantEndingRepository: ...

    @property
    def audit_checkpoints(self) -> AuditCheckpointRepository: ...

    @property
    def suspensions(self) -> SuspensionRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def record(self, entry: AuditEntry) -> None:
        """An audit row that is no application event (e.g. the worker's Keycloak changes)."""

    def audit_trail(self, application_id: str) -> list[AuditEntry]:
        """One application's audit rows, oldest first."""

    def audit_rows(self, start: datetime, end: datetime) -> list[ChainRow]:
        """The chain's rows stamped from `start` (inclusive) to `end` (exclusive), in chain order."""

    def pseudonym_of(self, kind: str, value: str, now: datetime) -> str:
        """A person's pseudonym in the audit chain (decision 0095)."""

    def audit_about(self, identifiers: set[tuple[str, str]], application_ids: set[str]) -> list[AuditEntry]:
        """The entries about one person, anyone else shown only as "another person"."""

    def erase_person(self, identifiers: set[tuple[str, str]], now: datetime) -> None:
        """With the commit: the audit chain's pseudonyms of the person no longer say who they were."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


# ---- the identity provider --------------------------------------------------


class DirectoryError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.zh, self.en = code, zh, en


class DirectoryUnavailable(DirectoryError):
    """Keycloak cannot be reached or answers 5xx: try again later, nothing is lost."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "directory.unavailable",
            "身分管理系統暫時無法連線，稍後自動重試",
            "The identity provider cannot be reached; will retry" + (f" ({detail})" if detail else ""),
        )


class DirectoryRefused(DirectoryError):
    """Keycloak refused the change itself (4xx): retrying the same will not help."""


class MailUnavailable(Exception):
    """The mail server did not take the message: try again later."""


# A name a pending application A holds in Keycloak: a disabled account without credentials, marked
# with the application's reference (decision 0121). Keycloak itself then refuses the name to anyone.
RESERVATION_ATTRIBUTE = "screening.reservedFor"
# A closed account's marks (decision 0126; a suspended person's too, with their own key: decision 0163).
CLOSED_AT_ATTRIBUTE, CLOSED_BECAUSE_ATTRIBUTE = "screening.closedAt", "screening.closedBecause"


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    email: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    # The realm keeps keyed digests of the national ID, not the number (decision 0030): the
    # directory that read the account hands over the key to compare with.
    national_id_key: bytes | None = field(default=None, repr=False, compare=False)
    created_at: datetime | None = None
    enabled: bool = True

    @property
    def closed(self) -> tuple[str, str] | None:
        """(closedAt, closedBecause) when the account is closed (decision 0126), else None."""
        at, because = self.attributes.get(CLOSED_AT_ATTRIBUTE), self.attributes.get(CLOSED_BECAUSE_ATTRIBUTE)
        return (at[0], because[0] if because else "") if at else None

    @property
    def reserved_for(self) -> str | None:
        """The pending application A this name is held for (decision 0121), or None: a real account."""
        values = self.attributes.get(RESERVATION_ATTRIBUTE)
        return values[0] if values else None

    def holds_national_id(self, national_id: str) -> bool:
        """Does the account carry this national ID? (One place for it: Keycloak keeps
        HMAC digests of it, sync_service/domain/national_id_digest.py.)"""
        return national_id_digest.holds(self.attributes, national_id, self.national_id_key)


@dataclass(frozen=True)
class Holder:
    """A person holding a grant, as their manager's page lists them (decision 0127)."""

    id: str
    username: str
    first_name: str | None
    last_name: str | None
    email: str | None
    enabled: bool


@dataclass(frozen=True)
class PairState:
    """What Keycloak holds for one (institution, category) pair, as the reconciler reads it."""

    members: dict[str, str]  # the managers group's members, username -> account id ({} when no group)
    drift: tuple[str, ...] = ()  # how the pair's groups and admin-console permissions differ, in words


@dataclass(frozen=True)
class NewAccount:
    username: str
    email: str
    first_name: str
    last_name: str
    attributes: dict[str, str]
    # Temporary: the person replaces it at first sign-in (R-PWD-1). None: no password (an
    # account moved in from the old system, with its old hash or a set-a-password mail).
    password: str | None
    required_actions: tuple[str, ...]
    # The grants the account holds from its creation on.
    grants: tuple[Grant, ...] = ()
    # The old system's PBKDF2 hash, stored as it is (Keycloak verifies it): legacy import only.
    password_hash: PasswordHash | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DirectoryAccount:
    """A person as the periodic jobs read them: no names, no attributes."""

    id: str
    username: str
    email: str | None
    enabled: bool
    password_set_at: datetime | None  # the password credential's createdDate; None without one
    grants: frozenset[Grant] = frozenset()


@dataclass(frozen=True)
class Profile:
    """A person's profile as they may read it (R-PD-2): what the realm holds about them, the
    national ID digests left out (keyed hashes for look-up, not data of theirs, decision 0030)."""

    username: str
    email: str | None
    first_name: str | None
    last_name: str | None
    enabled: bool
    email_verified: bool
    created_at: datetime | None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    required_actions: tuple[str, ...] = ()


# The identity provider (Keycloak), by role: a use case asks for the role it needs. One
# contract suite (tests/integration/test_directory_contract.py) holds the fake and the
# Keycloak adapter to the same behaviour; `Directory` is all the roles together.


class Accounts(Protocol):
    """People's accounts: found, made, their password, their sessions."""

    def find_account(self, username: str) -> Account | None: ...

    def account(self, account_id: str) -> Account | None:
        """The account with this id (a signed-in person's: their token's subject), None if none has it."""
        ...

    def account_of_person(self, national_id: str) -> Account | None:
        """The account that holds this national ID (R-ACC-1: one person, one account), or None.
        Keycloak keeps keyed digests, so the look-up is by the digest (decision 0030)."""
        ...

    def reserve_name(self, username: str, reference: str) -> bool:
        """Holds the name for the pending application A `reference` (decision 0121): True when it
        is held for it (now or before), False when the name is someone else's."""
        ...

    def release_name(self, username: str, reference: str) -> None:
        """Gives the name back if it is still held for `reference` (and is nothing else)."""
        ...

    def create_accounts(self, accounts: Sequence[NewAccount]) -> dict[str, str]:
        """Makes the accounts whose names are free, each with its grants, in
        one go (one or many). Idempotent by name: a name taken already is
        left as it is and missing from the answer. Returns the new accounts'
        ids by username (in lower case, as Keycloak keeps it)."""

    def set_password(self, account_id: str, password: str, *, temporary: bool = True) -> None: ...

    def send_set_password_mail(self, account_id: str, lifespan_seconds: int) -> None:
        """The identity provider mails the person a link to set their password (an imported account)."""

    def end_sessions(self, account_id: str) -> None: ...

    def set_enabled(self, account_id: str, enabled: bool) -> None: ...

    def delete_account(self, account_id: str) -> None:
        """Idempotent: an account gone already is what was asked."""


class Memberships(Protocol):
    """Who holds which grant (an account's membership of the grant's group)."""

    def join(self, account_id: str, grant: Grant) -> None:
        """Idempotent: joining twice is joining once. Creates the grant's group
        on first need (and, for the manager level, the pair's admin-console
        permissions)."""

    def leave(self, account_id: str, grant: Grant) -> None:
        """Idempotent: leaving a group one is not in changes nothing."""

    def members(self, grant: Grant) -> dict[str, str]:
        """The accounts holding the grant, username -> account id ({} when no group)."""
        ...

    def holders(self, grant: Grant) -> list[Holder]:
        """The people holding the grant, with their names ([] when no group), by username."""
        ...

    def grants_of(self, account_id: str) -> set[Grant]:
        """Every grant the account holds."""

    def describe_institution(self, code: str, name: str) -> None:
        """The institution's group carries its name (what a manager reads in the console beside
        the code, decision 0150); nothing when there is no such group yet."""

    def institution_name(self, code: str) -> str | None:
        """The name the institution's group carries (`describe_institution`), None when none."""
        ...


class ConsolePermissions(Protocol):
    """A pair's managers group and its admin-console permissions, as the reconciler reads and repairs them."""

    def repair_manager_access(self, institution: str, category: str) -> list[str]:
        """Make the pair's admin-console permissions as they should be; the drift found, in words ([] if none)."""
        ...

    def read_pairs(
        self, pairs: Sequence[tuple[str, str]], progress: Callable[[int], None] | None = None
    ) -> dict[tuple[str, str], PairState]:
        """Many pairs' managers and permission drift at once, read in bulk where Keycloak
        allows; `progress(n)` after every n pairs read."""


class Standing(Protocol):
    """Whether an account is open: its realm roles, and closing it when its last grant ended
    (R-ACC-2, decision 0126): disabled, with `screening.closedAt` and `screening.closedBecause`
    (the sign-in page reads them)."""

    def realm_roles_of(self, account_id: str) -> set[str]:
        """The realm roles the account holds, directly or through its groups."""
        ...

    def close_account(self, account_id: str, closed_on: date, because: str) -> bool:
        """Disable and mark the account; False when it was closed already (its first mark stays)."""
        ...

    def reopen_account(self, account_id: str, because: str) -> bool:
        """Remove the marks of a closing for `because` and enable the account (a lockout stays
        disabled); False when it was not closed for that reason."""
        ...


class Profiles(Protocol):
    """A person's own data in the realm (R-PD-2, decision 0095)."""

    def profile_of(self, account_id: str) -> Profile: ...

    def correct_profile(self, account_id: str, field: str, value: str) -> None:
        """One field (policies/personal_data.toml `correctable`): email, first_name, last_name or an attribute."""


class Roster(Protocol):
    """Everyone at once, for the periodic jobs."""

    def accounts(self) -> Iterator[DirectoryAccount]:
        """Every person of the realm (no service accounts), page by page, with when their
        password was set and their grants: what the reminders and reviews read."""


@dataclass(frozen=True)
class SignInState:
    alive: bool
    roles: frozenset[str] = frozenset()


class SignInStates(Protocol):
    """The live word on a page's sign-in (decision 0130)."""

    def sign_in_state(self, account_id: str, session_id: str | None) -> SignInState:
        """What the identity provider says now of one sign-in: is its session (Keycloak's
        `sid`) still there, the account still there and enabled, and which realm roles does
        the account hold now (composites and groups included)."""


class Directory(Accounts, Memberships, Standing, ConsolePermissions, Profiles, Roster, SignInStates, Protocol):
    """The identity provider in every role (what the Keycloak adapter and the fake implement)."""


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    # Names the outbox entry it comes from, so a mail can be traced to its decision.
    message_id: str


class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """MailUnavailable when the server does not take it."""


@dataclass(frozen=True)
class Caller:
    """Who is calling the API, from a verified token."""

    subject: str
    username: str
    roles: frozenset[str] = frozenset()
    email: str | None = None
    # The identity provider's session this caller signed in with (Keycloak's `sid`), if any.
    session_id: str | None = None

    @property
    def is_reviewer(self) -> bool:
        return policies.REVIEWER_ROLE in self.roles

    @property
    def is_vendor(self) -> bool:
        """The vendor's staff (維護廠商, R-VEN-1)."""
        return policies.VENDOR_ROLE in self.roles

    @property
    def is_staff(self) -> bool:
        """HPA's reviewers and the vendor's staff: they read every application and request."""
        return self.is_reviewer or self.is_vendor


class TokenInvalid(Exception):
    pass


class TokenNotForUs(TokenInvalid):
    """Signed by the realm and valid, but issued for another client."""


@dataclass(frozen=True)
class LogoutNotice:
    """The identity provider says a session ended (OIDC back-channel logout)."""

    subject: str | None
    session_id: str | None


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Caller:
        """TokenInvalid unless signed by the realm, unexpired and for us."""

    def verify_logout(self, token: str, client_id: str) -> LogoutNotice:
        """A back-channel logout token for `client_id`: TokenInvalid unless signed by the
        realm, for that client, and a logout event (OIDC Back-Channel Logout 1.0, 2.6)."""


@dataclass(frozen=True)
class OpenChallenge:
    """A captcha issued and not answered yet: the characters its picture shows, and until when."""

    answer: str
    expires_at: datetime


class ChallengeStore(Protocol):
    """The intake's open captcha challenges, one store every web process shares (decision 0133)."""

    def put(self, challenge_id: str, challenge: OpenChallenge) -> None: ...

    def peek(self, challenge_id: str) -> OpenChallenge | None:
        """The open challenge, left open (to draw its picture)."""

    def take(self, challenge_id: str) -> OpenChallenge | None:
        """The open challenge, closed by this call: None when there is none or another request
        (of any process) took it first."""

    def sweep(self, now: datetime) -> int:
        """Forget the challenges expired by `now`; how many."""


@runtime_checkable
class PageSessions(Protocol):
    """The pages' sessions, kept on the server (decision 0130)."""

    def end(self, *, session_id: str | None, subject: str | None) -> int:
        """End the page sessions signed in with this identity-provider session (or, without
        one, every page session of the subject); how many ended."""


# ---- the periodic jobs' sources (services/schedule.py runs them) -------------


class ScheduledJob(Protocol):
    name: str  # what `jobs run NAME` takes
    every: timedelta  # how often the worker runs it

    def run(self, now: datetime) -> str:
        """Do what is due at `now`; return a one-line summary (no personal data)."""
        ...


@dataclass(frozen=True)
class Leaving:
    """An account with a departure date set on it."""

    account_id: str
    username: str
    departure_date: date | None  # None: the value set is no date (the admin console validates; kept safe here)


class DepartureDates(Protocol):
    """Where the departure dates of users are kept (Keycloak user attributes)."""

    def leaving(self) -> list[Leaving]:
        """Every account that carries a departure date."""
        ...

    def clear(self, account_id: str, departure_date: date | None) -> None:
        """Remove the date from the account (only if it still holds this one)."""
        ...


class EventSource(Protocol):
    """Keycloak's stored events and the names behind their ids."""

    def events(
        self, stream: str, date_from_ms: int, date_to_ms: int | None, first: int, max_results: int
    ) -> list[dict[str, Any]]:
        """Stored events of one stream (USER or ADMIN) from `date_from_ms` to `date_to_ms`
        (inclusive, None for no end), oldest first, `max_results` from offset `first`."""
        ...

    def people(self, user_ids: set[str], group_ids: set[str]) -> People:
        """Names and institutions of these accounts, paths of these groups (missing ones left out)."""
        ...


# ---- the audit export's signed bundle (decision 0091) ------------------------

_TAIWAN = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class ExportRequest:
    institution: str
    start: date  # Taiwan dates, both inclusive
    end: date

    @property
    def utc_range(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(), _TAIWAN).astimezone(UTC),
            datetime.combine(self.end + timedelta(days=1), time(), _TAIWAN).astimezone(UTC),
        )


class BundleWriter(Protocol):
    def bundle(
        self,
        request: ExportRequest,
        rows: list[ChainRow],
        generated_at: datetime,
        checkpoints: Sequence[AuditCheckpoint] = (),
        accounts: list[dict[str, Any]] | None = None,
    ) -> bytes:
        """The signed bundle (a zip: the entries, the chain's checkpoints mailed since the range's
        start, the verifier, the public key, how to check); with `accounts`, the institution's
        accounts and grants at `generated_at`, in the signed header (R-AUD-2)."""
        ...


# ---- the printed forms (decision 0062) ----------------------------------------


@dataclass
class PrintedForm:
    document: str
    annex: str
    title: str
    reference: str
    qr_target: str
    # Label and value; a value of several choices (the ticked boxes) is a tuple, each kept whole.
    rows: list[tuple[str, str | tuple[str, ...]]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None
    table_title: str = ""
    signatures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: list[PrintedForm] = field(default_factory=list)  # a second sheet (附件2-2)
    seals: frozenset[str] = frozenset()  # the rows signed or sealed by hand: room for a seal
    help_desk: str = ""  # the help desk's line at the foot


class Renderer(Protocol):
    def render(self, form: PrintedForm) -> bytes: ...
