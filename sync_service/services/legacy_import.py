"""Moving in from the old system (docs/legacy-import.md, docs/decisions/0105).

`import_legacy` makes the accounts of a checked export (`domain.legacy.plan`) in Keycloak, a
chunk at a time, through the worker's own port (`Directory.create_accounts`: partialImport with
its grant groups and the managers' permissions), and keeps the manager seats of the service's
database in step. The state of every row is stored under the file's digest and row number:

- per chunk: (1) the manager seats are reserved (one transaction), (2) the accounts are made in
  Keycloak (one request; SKIP leaves an existing name as it is), (3) the rows are recorded as
  imported or refused, with one audit row per account (one transaction);
- each institution of the rows made is named in Keycloak (its group's description, as the worker
  names it from an application: decision 0150), once per run, before its rows are recorded;
- killed anywhere, a run again skips the recorded rows; an account that Keycloak made before the
  kill but the database never heard of is recognised as ours (same e-mail and national ID) and
  recorded, not refused; a seat reserved for it is already its own.

`LegacyImportMail` is the scheduled job that mails the imported accounts without a usable hash
Keycloak's set-a-password link, a batch per run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import policies

from ..domain import Level
from ..domain.errors import ManagerSeatRefused
from ..domain.legacy import HASH_NOTES, LegacyAccount, LegacyRow, Plan, Refusal
from . import accounts
from .ports import AuditEntry, Directory, DirectoryError, ImportedRowState, NewAccount, UnitOfWork

log = logging.getLogger(__name__)

ACTOR = "legacy-import"  # the actor the audit chain names


@dataclass
class ImportSummary:
    rows: int = 0
    already: int = 0  # rows a previous run recorded
    imported: int = 0  # rows recorded as imported by this run (or, dry run: that would be)
    refused: int = 0  # rows refused by this run (or, dry run: that would be)
    accounts: int = 0  # accounts made or recognised by this run
    mails: int = 0  # of those, accounts that will get the set-a-password mail

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: {self.imported} imported, {self.refused} refused, {self.already} already done "
            f"earlier; {self.accounts} accounts, {self.mails} to be mailed a link / "
            f"共 {self.rows} 列：匯入 {self.imported}、拒絕 {self.refused}、先前已完成 {self.already}；"
            f"帳號 {self.accounts} 個，其中 {self.mails} 個將寄送設定密碼通知信"
        )


@dataclass
class _Chunk:
    accounts: list[LegacyAccount]
    states: list[ImportedRowState] = field(default_factory=list)


def import_legacy(
    plan: Plan,
    file_sha256: str,
    uow_factory: Callable[[], UnitOfWork],
    directory: Directory,
    *,
    today: date,
    clock: Callable[[], datetime],
    dry_run: bool = False,
    per_request: int | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Import what the plan keeps, record what it refuses; `progress(n)` as n rows are settled."""
    per_request = per_request or policies.legacy_import().accounts_per_request
    with uow_factory() as uow:
        done = uow.legacy.rows_of(file_sha256)
    summary = ImportSummary(rows=plan.rows, already=len(done))
    progress(len(done))
    refusals = [_refused_state(r) for r in plan.refusals if r.row not in done]
    summary.refused += len(refusals)
    if refusals and not dry_run:
        with uow_factory() as uow:
            uow.legacy.record(file_sha256, refusals, clock())
            uow.commit()
    progress(len(refusals))
    pending = [_still_to_do(a, done) for a in plan.accounts]
    pending = [a for a in pending if a.rows]
    if dry_run:
        summary.imported = sum(len(a.rows) for a in pending)
        summary.accounts = len(pending)
        summary.mails = sum(1 for a in pending if a.first.password_hash is None)
        return summary
    described: set[str] = set()  # institutions named by this run: once each, however many rows
    for start in range(0, len(pending), per_request):
        chunk = _Chunk(pending[start : start + per_request])
        _import_chunk(chunk, file_sha256, uow_factory, directory, today, clock, described)
        for state in chunk.states:
            if state.status == "imported":
                summary.imported += 1
            else:
                summary.refused += 1
        summary.accounts += len({s.account for s in chunk.states if s.status == "imported"})
        summary.mails += sum(1 for s in chunk.states if s.wants_mail)
        progress(len(chunk.states))
    return summary


def _still_to_do(account: LegacyAccount, done: dict[int, ImportedRowState]) -> LegacyAccount:
    return LegacyAccount([r for r in account.rows if r.row not in done])


def _refused_state(refusal: Refusal) -> ImportedRowState:
    return ImportedRowState(refusal.row, refusal.account, "refused", refusal.code, refusal.zh, refusal.en)


def _refuse(row: LegacyRow, code: str, zh: str, en: str) -> ImportedRowState:
    return ImportedRowState(row.row, row.account, "refused", code, zh, en)


def _import_chunk(
    chunk: _Chunk,
    file_sha256: str,
    uow_factory: Callable[[], UnitOfWork],
    directory: Directory,
    today: date,
    clock: Callable[[], datetime],
    described: set[str],
) -> None:
    refused = _reserve_seats(chunk, uow_factory, today)
    chunk.states += refused.values()
    wanted = [LegacyAccount([r for r in a.rows if r.row not in refused]) for a in chunk.accounts]
    wanted = [a for a in wanted if a.rows]
    for account in list(wanted):
        refusal = _person_has_another_account(directory, account)
        if refusal is not None:
            chunk.states += [_refuse(r, *refusal) for r in account.rows]
            wanted.remove(account)
    made = directory.create_accounts([new_account(a) for a in wanted])
    outcomes: list[tuple[LegacyAccount, str]] = []
    for account in wanted:
        account_id = made.get(account.account)
        if account_id is None:
            existing_id, refusal = _existing_of_same_person(directory, account)
            if existing_id is None:
                assert refusal is not None
                chunk.states += [_refuse(r, *refusal) for r in account.rows]
                continue
            account_id = existing_id
        outcomes.append((account, account_id))
    # Before the rows are recorded: a run killed after this chunk's accounts were made names
    # their institutions when it is run again (naming twice changes nothing).
    _name_institutions([row for account, _ in outcomes for row in account.rows], directory, described)
    now = clock()
    with uow_factory() as uow:
        given_back = {s.row for s in chunk.states if s.status == "refused"} - set(refused)
        _give_back_seats(uow, [a for a in chunk.accounts], given_back)
        for account, account_id in outcomes:
            mail = account.first.password_hash is None
            for i, row in enumerate(account.rows):
                note = HASH_NOTES.get(row.hash_note or "")
                chunk.states.append(
                    ImportedRowState(
                        row.row,
                        row.account,
                        "imported",
                        row.hash_note,
                        note[0] if note else None,
                        note[1] if note else None,
                        account_id,
                        wants_mail=mail and i == 0,
                    )
                )
            uow.record(
                AuditEntry(
                    actor=ACTOR,
                    action="account.imported",
                    at=now,
                    details={
                        "account": account.account,
                        "account_id": account_id,
                        "file_sha256": file_sha256,
                        "rows": list(account.row_numbers),
                        "grants": [
                            {"institution_code": g.institution_code, "category": g.category, "level": g.level.value}
                            for g in account.grants
                        ],
                        "password": "set-password mail" if mail else "old system's hash",
                    },
                )
            )
        uow.legacy.record(file_sha256, chunk.states, now)
        uow.commit()


def _name_institutions(rows: Sequence[LegacyRow], directory: Directory, described: set[str]) -> None:
    """Each institution's group carries the export's name for it, as the worker names an
    institution when it grants its manager: the console and the mails show it beside the code
    (decision 0150). The first row of an institution names it."""
    for row in rows:
        if row.institution_code not in described:
            directory.describe_institution(row.institution_code, row.institution_name)
            described.add(row.institution_code)


def _reserve_seats(chunk: _Chunk, uow_factory: Callable[[], UnitOfWork], today: date) -> dict[int, ImportedRowState]:
    """The manager seats of the chunk's manager rows, taken for them before Keycloak hears of it
    (as an approval takes its seat before the worker acts). A seat someone else holds refuses the row."""
    refused: dict[int, ImportedRowState] = {}
    with uow_factory() as uow:
        for account in chunk.accounts:
            for row in account.rows:
                if row.level is not Level.MANAGER:
                    continue
                seat = uow.seats.get(row.institution_code, row.category)
                loaded = seat.version
                if seat.holder(today) == row.account:
                    continue  # ours already (a run killed after this step)
                try:
                    seat.appoint(row.account, application_id=f"legacy:{row.row}", today=today)
                except ManagerSeatRefused as e:
                    refused[row.row] = _refuse(row, e.code, e.zh, e.en)
                    continue
                uow.seats.save(seat, loaded_version=loaded, application_id=None)
        uow.commit()
    return refused


def _give_back_seats(uow: UnitOfWork, accounts: Sequence[LegacyAccount], rows: set[int]) -> None:
    """Seats reserved for rows Keycloak then refused are free again."""
    for account in accounts:
        for row in account.rows:
            if row.row in rows and row.level is Level.MANAGER:
                seat = uow.seats.get(row.institution_code, row.category)
                loaded = seat.version
                if seat.give_back(row.account):
                    uow.seats.save(seat, loaded_version=loaded, application_id=None)


RowRefusal = tuple[str, str, str]  # code, zh, en


def _person_has_another_account(directory: Directory, account: LegacyAccount) -> RowRefusal | None:
    """One person, one account (R-ACC-1): a person who already has an account under another name
    is not given a second one (Keycloak would refuse the whole request); the row names both."""
    first = account.first
    holder = directory.account_of_person(first.national_id.value)
    if holder is None or holder.username == first.account.lower():
        return None
    return (
        "person.has_account",
        f"一人一帳號：此人（身分證字號相同）已有帳號 {holder.username}，帳號 {first.account} 未建立；"
        "請選定保留的帳號、更正後重新匯入",
        f"One person, one account: this person (the same national ID) already has account {holder.username}; "
        f"account {first.account} was not made. Choose the account to keep, correct the file and import again",
    )


def _existing_of_same_person(
    directory: Directory, account: LegacyAccount
) -> tuple[str, None] | tuple[None, RowRefusal]:
    """Keycloak skipped the name: made by a run that was killed before it recorded it (then it is
    ours: same e-mail and national ID, and its grants are joined again, idempotently), or someone
    else's name or e-mail address (then the rows are refused)."""
    first = account.first
    existing = directory.find_account(first.account)
    if existing is None:
        return None, (
            "email.taken",
            f"此 E-mail 已由系統中另一帳號使用，帳號 {first.account} 未建立",
            f"Another account in the system already has this e-mail address; account {first.account} was not made",
        )
    if not accounts.is_same_person(existing, first.email, first.national_id.value):
        return None, (
            "account.taken",
            f"系統中已有他人使用帳號 {first.account}",
            f"The account name {first.account} already belongs to someone else in the system",
        )
    for grant in account.grants:
        directory.join(existing.id, grant)
    return existing.id, None


def new_account(account: LegacyAccount) -> NewAccount:
    """The account of an old-system person, with every grant of their rows (accounts.py, the worker's path)."""
    first = account.first
    return accounts.new_account(
        username=first.account,
        full_name=first.name,
        email=first.email,
        phone=first.phone.national,
        national_id=first.national_id.value,
        department=first.department,
        grants=account.grants,
        password_hash=first.password_hash,
    )


# ---- the set-a-password mails ------------------------------------------------------


@dataclass
class LegacyImportMail:
    """Scheduled job: Keycloak's execute-actions mail (set a password) to imported accounts
    without a usable hash, `batch` per run, every `every` (policies/legacy_import.toml)."""

    uow_factory: Callable[[], UnitOfWork]
    directory_factory: Callable[[], Directory]
    batch: int
    every: timedelta
    link_lifetime_seconds: int
    name: str = "legacy-import-mail"

    @classmethod
    def from_policies(
        cls, uow_factory: Callable[[], UnitOfWork], directory_factory: Callable[[], Directory]
    ) -> LegacyImportMail:
        rules = policies.legacy_import()
        return cls(
            uow_factory,
            directory_factory,
            rules.mail_batch,
            timedelta(seconds=rules.mail_every_seconds),
            policies.load().reset_link_lifetime_seconds,  # R-LCK-4: one hour, as every change-password link
        )

    def run(self, now: datetime) -> str:
        with self.uow_factory() as uow:
            due = uow.legacy.claim_mails(now, self.batch)
            uow.commit()
        if not due:
            with self.uow_factory() as uow:
                return self._summary(0, 0, uow.legacy.mails_waiting())
        directory = self.directory_factory()
        sent = failed = 0
        for item in due:
            try:
                directory.send_set_password_mail(item.account_id, self.link_lifetime_seconds)
                sent += 1
            except DirectoryError as e:
                failed += 1
                log.warning("set-password mail of imported row %s not sent: %s", item.row, e.code)
                with self.uow_factory() as uow:
                    uow.legacy.unclaim_mail(item)
                    uow.commit()
        with self.uow_factory() as uow:
            return self._summary(sent, failed, uow.legacy.mails_waiting())

    @staticmethod
    def _summary(sent: int, failed: int, waiting: int) -> str:
        return f"sent {sent}, failed {failed}, waiting {waiting} / 已寄 {sent}、失敗 {failed}、待寄 {waiting}"
