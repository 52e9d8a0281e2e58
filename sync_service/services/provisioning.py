"""Applying one approved grant change in Keycloak (the outbox worker's second job; the
first, claiming and leasing, is `services/worker.py`, the third, the mail, is
`services/notifications.py`).

Every step is idempotent (join/leave a group, end sessions), so a replay after a crash
changes nothing. Creating an account (A) is the one step that is not: progress (account
made, mail sent) is checkpointed on the entry, and a resumed entry finds the account it
made instead of making another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import policies

from ..domain import Application, ApplicationType, ChangeKind, GrantChange, Level
from ..domain.passwords import generate_password
from . import accounts, closing, people
from .clock import utcnow
from .closing import AccountChange
from .ports import Account, Directory, DirectoryRefused, NewAccount, OutboxEntry

# Records progress on the entry under its lease (LeaseLost when the lease is gone).
Checkpoint = Callable[..., None]
# Mails the new account's password, then checkpoints mail_sent_at.
PasswordNotice = Callable[[OutboxEntry, Application, str], None]


@dataclass(frozen=True)
class MadeAccount:
    """An account the batch made for a type A entry, already in its managers group."""

    account_id: str
    password: str
    app: Application


def personal_data(app: Application) -> list[str]:
    """What a generated password must not contain (R-PWD: no personal data)."""
    return [
        app.form.national_id.value,
        app.form.phone.e164,
        app.form.phone.national,
        app.account,
        app.form.email.split("@")[0],
    ]


def temporary_password(app: Application) -> str:
    """A fresh temporary password for a type A account, by the realm's rules (R-PWD-3, R-PWD-6)."""
    return generate_password(policies.load().password, personal_data(app))


def account_of(app: Application, change: GrantChange, password: str) -> NewAccount:
    """The account of a type A application, made with the manager grant it was approved for."""
    form = app.form
    return accounts.new_account(
        username=app.account,
        full_name=form.applicant_name,
        email=form.email,
        phone=form.phone.national,
        national_id=form.national_id.value,
        department=form.department,
        grants=(change.grant(Level.MANAGER),),
        password=password,
    )


def planned_account(app: Application, change: GrantChange) -> NewAccount:
    """A type A application's account with a fresh temporary password."""
    return account_of(app, change, temporary_password(app))


class GrantApplier:
    """Applies an entry's change with one directory client; `load` reads an application."""

    def __init__(
        self,
        directory: Directory,
        load: Callable[[str], Application],
        checkpoint: Checkpoint,
        notify: PasswordNotice,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.directory, self.load, self.checkpoint, self.notify = directory, load, checkpoint, notify
        self.clock = clock

    def apply(self, entry: OutboxEntry, made: MadeAccount | None = None) -> AccountChange | None:
        change, directory = entry.change, self.directory
        manager, user = change.grant(Level.MANAGER), change.grant(Level.USER)
        if change.kind is ChangeKind.GRANT and made is not None:
            # Made in the managers group and in no other: only the password mail is left.
            self.checkpoint(entry, account_id=made.account_id)
            self._name_institution(entry, made)
            self.notify(entry, made.app, made.password)
        elif change.kind is ChangeKind.GRANT:
            account_id = self._account_for_grant(entry)
            if not change.create_account:
                self._require_applicant(entry)
            directory.join(account_id, manager)
            directory.leave(account_id, user)  # R-MGR-4: the manager level replaces the user level
            self._name_institution(entry, None)
            if closing.reopen(directory, account_id):  # a later grant opens a closed account (R-ACC-2)
                return AccountChange.REOPENED
        elif change.kind is ChangeKind.DEMOTE:
            account = directory.find_account(change.account)
            if account is None:
                raise _no_account(change.account)
            self._require_applicant(entry, account)
            directory.join(account.id, user)  # first the new level: never a moment with neither
            directory.leave(account.id, manager)
            # The manager level ends now (R-MGR-6: on the change's date), not at the tokens' expiry:
            # the console the person has open and the tokens they hold stop; they sign in again as a user.
            directory.end_sessions(account.id)
        elif change.kind is ChangeKind.REVOKE:
            account = directory.find_account(change.account)
            if account is not None:  # an account removed meanwhile holds nothing to revoke
                directory.leave(account.id, manager)
                directory.end_sessions(account.id)  # R-MGR-3: close the functions now, not at token expiry
                if closing.close_if_nothing_left(directory, account.id, self.clock()):
                    return AccountChange.CLOSED
        return None

    def _name_institution(self, entry: OutboxEntry, made: MadeAccount | None) -> None:
        """The institution's group, made by now, carries the name the console shows beside its code (0150)."""
        app = made.app if made is not None else self.load(entry.change.application_id)
        self.directory.describe_institution(entry.change.institution_code, app.institution.name)

    def _require_applicant(self, entry: OutboxEntry, account: Account | None = None) -> None:
        """C and D: the account named must still be the person on the application
        (same e-mail, same national ID), or the change is not made."""
        app = self.load(entry.change.application_id)
        if app.type not in (ApplicationType.C, ApplicationType.D):
            return
        account = account or self.directory.find_account(entry.change.account)
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

    def _account_for_grant(self, entry: OutboxEntry) -> str:
        change, directory = entry.change, self.directory
        account = directory.find_account(change.account)
        if not change.create_account:
            if account is None:
                raise _no_account(change.account)
            return account.id
        app = self.load(change.application_id)
        if account is not None and account.reserved_for == change.application_id:
            # The name this A held while pending (decision 0121) is given back to be made at once.
            directory.release_name(change.account, change.application_id)
            account = None
        if account is None:
            new = planned_account(app, change)
            account_id = directory.create_accounts([new]).get(change.account.lower())
            if account_id is None:  # taken between the look-up and now, or its e-mail is someone else's
                raise _not_made(change.account)
            self.checkpoint(entry, account_id=account_id)
            password = new.password
        elif _existed_before_the_decision(account, app):
            if not people.is_holder(account, app):
                raise _taken(change.account)
            # R-MGR-2: the person has an account but no access to the screening system: the
            # grant is added to it (opened again if it was closed), and no password is mailed.
            if entry.account_id is None:
                self.checkpoint(entry, account_id=account.id)
            return account.id
        else:
            if not _is_made_by_this_entry(account, entry, app):
                raise _taken(change.account)
            account_id = account.id
            if entry.account_id is None:
                self.checkpoint(entry, account_id=account_id)
            if entry.mail_sent_at is not None:
                return account_id
            # Made by an earlier attempt that died before the mail went out:
            # nobody knows that password, so a fresh one is set and mailed.
            password = temporary_password(app)
            directory.set_password(account_id, password, temporary=True)
        assert password is not None  # a type A account is made with a temporary password
        self.notify(entry, app, password)
        return account_id


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


def _existed_before_the_decision(account: Account, app: Application) -> bool:
    """Was the account there before the reviewer approved? Then no attempt of this entry made it."""
    return account.created_at is not None and app.decided_at is not None and account.created_at < app.decided_at


def _taken(username: str) -> DirectoryRefused:
    return DirectoryRefused(
        "account.taken",
        f"帳號名稱 {username} 已有他人使用，未予開通：請取消此申請，並請申請人以其他帳號名稱重新申請",
        f"The account name {username} belongs to someone else; nothing was made. Cancel this application "
        "and ask the applicant to apply again with another name",
    )


def _is_made_by_this_entry(account: Account, entry: OutboxEntry, app: Application) -> bool:
    """Is this existing account the one an earlier attempt of this entry made?"""
    if entry.account_id is not None:
        return account.id == entry.account_id
    return accounts.is_same_person(account, app.form.email, app.form.national_id.value)


def change_details(entry: OutboxEntry) -> dict[str, Any]:
    """What the audit chain keeps of an applied change."""
    c = entry.change
    return {
        "kind": c.kind.value,
        "institution_code": c.institution_code,
        "category": c.category,
        "account": c.account,
        "create_account": c.create_account,
        "outbox_id": entry.id,
    }
