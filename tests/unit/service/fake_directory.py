"""In-memory stand-ins for the ports: Keycloak's accounts and grant groups, and a mailbox."""
from __future__ import annotations

import threading
import uuid

from sync_service.services.ports import (
    Account,
    DirectoryRefused,
    DirectoryUnavailable,
    MailUnavailable,
    NewAccount,
    OutgoingMail,
)


class FakeKeycloak:
    """The state one fake realm holds; many `FakeDirectory` clients may share it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str, dict] = {}  # id -> {username, email, attributes, password, temporary, actions}
        self.members: set[tuple[str, str, str, str]] = set()  # (account_id, institution, category, level)
        self.logouts: list[str] = []
        self.creations = 0
        self.down = False
        # Fail after this many more calls (a crash in the middle of an entry).
        self.fail_after: int | None = None

    def directory(self) -> FakeDirectory:
        return FakeDirectory(self)

    def id_of(self, username: str) -> str | None:
        for account_id, a in self.accounts.items():
            if a["username"] == username.lower():
                return account_id
        return None

    def grants_of_user(self, username: str) -> set[tuple[str, str, str]]:
        account_id = self.id_of(username)
        return {(i, c, level) for a, i, c, level in self.members if a == account_id}

    def managers_of(self, institution: str, category: str) -> set[str]:
        return {self.accounts[a]["username"] for a, i, c, level in self.members
                if (i, c, level) == (institution, category, "manager")}


class FakeDirectory:
    def __init__(self, kc: FakeKeycloak) -> None:
        self.kc = kc

    def _call(self) -> None:
        if self.kc.down:
            raise DirectoryUnavailable("fake Keycloak is down")
        if self.kc.fail_after is not None:
            if self.kc.fail_after <= 0:
                raise DirectoryUnavailable("fake Keycloak failed mid-entry")
            self.kc.fail_after -= 1

    def find_account(self, username):
        with self.kc.lock:
            self._call()
            account_id = self.kc.id_of(username)
            if account_id is None:
                return None
            a = self.kc.accounts[account_id]
            return Account(account_id, a["username"], a["email"], {k: [v] for k, v in a["attributes"].items()})

    def holds_national_id(self, account, national_id):
        # The fake keeps the number in clear; Keycloak keeps digests (decision 0030).
        return national_id in account.attributes.get("nationalId", [])

    def create_account(self, account: NewAccount) -> str:
        with self.kc.lock:
            self._call()
            if self.kc.id_of(account.username):
                raise DirectoryRefused("account.exists", "帳號已存在", "exists")
            return self._add(account)

    def _add(self, account: NewAccount) -> str:
        account_id = str(uuid.uuid4())
        self.kc.accounts[account_id] = {
            "username": account.username.lower(), "email": account.email, "attributes": dict(account.attributes),
            "first_name": account.first_name, "last_name": account.last_name,
            "password": account.password, "temporary": True, "actions": tuple(account.required_actions)}
        self.kc.creations += 1
        for grant in account.grants:
            self.kc.members.add((account_id, *grant))
        return account_id

    def create_accounts(self, accounts):
        """One call for all, as Keycloak's partialImport with SKIP: taken names are left out."""
        with self.kc.lock:
            self._call()
            made = {}
            for account in accounts:
                if self.kc.id_of(account.username):
                    continue
                made[account.username.lower()] = self._add(account)
            return made

    def set_password(self, account_id, password, *, temporary=True):
        with self.kc.lock:
            self._call()
            self.kc.accounts[account_id].update(password=password, temporary=temporary)

    def join(self, account_id, institution, category, level):
        with self.kc.lock:
            self._call()
            self.kc.members.add((account_id, institution, category, level))

    def leave(self, account_id, institution, category, level):
        with self.kc.lock:
            self._call()
            self.kc.members.discard((account_id, institution, category, level))

    def end_sessions(self, account_id):
        with self.kc.lock:
            self._call()
            self.kc.logouts.append(account_id)

    def members(self, institution, category, level):
        with self.kc.lock:
            self._call()
            return {self.kc.accounts[a]["username"]: a for a, i, c, lv in self.kc.members
                    if (i, c, lv) == (institution, category, level)}

    def repair_manager_access(self, institution, category):
        with self.kc.lock:
            self._call()
            return []

    def grants_of(self, account_id):
        with self.kc.lock:
            self._call()
            return {(i, c, level) for a, i, c, level in self.kc.members if a == account_id}


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.down = False

    def send(self, mail: OutgoingMail) -> None:
        if self.down:
            raise MailUnavailable("fake mail server is down")
        self.sent.append(mail)

    def to(self, address: str) -> list[OutgoingMail]:
        return [m for m in self.sent if m.to == address]
