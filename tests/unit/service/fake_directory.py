"""In-memory stand-ins for the ports: Keycloak's accounts and grant groups, and a mailbox."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from sync_service.domain import Grant, Level
from sync_service.services.ports import (
    CLOSED_AT_ATTRIBUTE,
    CLOSED_BECAUSE_ATTRIBUTE,
    RESERVATION_ATTRIBUTE,
    Account,
    DirectoryAccount,
    DirectoryUnavailable,
    Holder,
    MailUnavailable,
    NewAccount,
    OutgoingMail,
    PairState,
    Profile,
    SignInState,
)

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


class FakeKeycloak:
    """The state one fake realm holds; many `FakeDirectory` clients may share it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str, dict] = {}  # id -> {username, email, attributes, password, temporary, actions}
        self.members: set[tuple[str, Grant]] = set()  # (account_id, grant)
        # The pairs whose manager's admin-console permissions are in place: made
        # with the pair's first manager grant, as the Keycloak adapter does.
        self.manager_access: set[tuple[str, str]] = set()
        self.logouts: list[str] = []
        self.set_password_mails: list[str] = []  # account ids mailed a set-a-password link
        self.institution_names: dict[str, str] = {}  # code -> name, as the console shows it
        self.creations = 0
        # People signed in to the pages: account id -> their sessions, enabled, realm roles.
        self.sign_ins: dict[str, dict] = {}
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

    def grants_of_user(self, username: str) -> set[Grant]:
        account_id = self.id_of(username)
        return {g for a, g in self.members if a == account_id}

    def managers_of(self, institution: str, category: str) -> set[str]:
        manager = Grant(institution, category, Level.MANAGER)
        return {self.accounts[a]["username"] for a, g in self.members if g == manager}

    def sign_in(self, account_id: str, session_id: str, roles=frozenset()) -> None:
        """A person signs in (a test's stand-in for the realm's login)."""
        with self.lock:
            held = self.sign_ins.setdefault(account_id, {"sessions": set(), "enabled": True, "roles": frozenset()})
            held["sessions"].add(session_id)
            held["roles"] = frozenset(roles)

    def add_account(
        self, account_id: str, username: str, email: str, national_id: str, created_at: datetime = LONG_AGO
    ) -> None:
        """An account made outside the sync service (a manager's, the old system's), with a known id."""
        self.accounts[account_id] = {
            "created_at": created_at,
            "username": username.lower(),
            "email": email,
            "attributes": {"nationalId": national_id},
            "first_name": "怡君",
            "last_name": "陳",
            "password": None,
            "temporary": False,
            "actions": (),
        }

    def add_member(self, account_id: str, grant: Grant) -> None:
        self.members.add((account_id, grant))
        if grant.level is Level.MANAGER:
            self.manager_access.add((grant.institution_code, grant.category))


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
            return None if account_id is None else self._account(account_id)

    def account(self, account_id):
        with self.kc.lock:
            self._call()
            return self._account(account_id) if account_id in self.kc.accounts else None

    def _account(self, account_id):
        a = self.kc.accounts[account_id]
        attributes = {k: [v] for k, v in a["attributes"].items()}
        if a.get("closed"):  # the closing's marks, as Keycloak keeps them (decision 0126)
            attributes[CLOSED_AT_ATTRIBUTE], attributes[CLOSED_BECAUSE_ATTRIBUTE] = [a["closed"][0]], [a["closed"][1]]
        return Account(
            account_id,
            a["username"],
            a["email"],
            attributes,
            created_at=a.get("created_at"),
            enabled=a.get("enabled", True),
        )

    def reserve_name(self, username, reference):
        with self.kc.lock:
            self._call()
            account_id = self.kc.id_of(username)
            if account_id is None:
                account_id = str(uuid.uuid4())
                self.kc.accounts[account_id] = {
                    "username": username.lower(),
                    "email": None,
                    "attributes": {RESERVATION_ATTRIBUTE: reference},
                    "first_name": "",
                    "last_name": "",
                }
            return self.kc.accounts[account_id]["attributes"].get(RESERVATION_ATTRIBUTE) == reference

    def release_name(self, username, reference):
        with self.kc.lock:
            self._call()
            account_id = self.kc.id_of(username)
            if account_id and self.kc.accounts[account_id]["attributes"].get(RESERVATION_ATTRIBUTE) == reference:
                del self.kc.accounts[account_id]

    def account_of_person(self, national_id):
        with self.kc.lock:
            self._call()
            for account_id, a in self.kc.accounts.items():
                if a["attributes"].get("nationalId", "").upper() == national_id.upper():
                    return Account(account_id, a["username"], a["email"], {k: [v] for k, v in a["attributes"].items()})
            return None

    def _add(self, account: NewAccount) -> str:
        account_id = str(uuid.uuid4())
        self.kc.accounts[account_id] = {
            "created_at": datetime.now(UTC),
            "username": account.username.lower(),
            "email": account.email,
            "attributes": dict(account.attributes),
            "first_name": account.first_name,
            "last_name": account.last_name,
            "password": account.password,
            "temporary": True,
            "actions": tuple(account.required_actions),
        }
        self.kc.creations += 1
        for grant in account.grants:
            self.kc.add_member(account_id, grant)
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

    def join(self, account_id, grant):
        with self.kc.lock:
            self._call()
            self.kc.add_member(account_id, grant)

    def describe_institution(self, code, name):
        with self.kc.lock:
            self._call()
            self.kc.institution_names[code] = name

    def institution_name(self, code):
        with self.kc.lock:
            self._call()
            return self.kc.institution_names.get(code)

    def leave(self, account_id, grant):
        with self.kc.lock:
            self._call()
            self.kc.members.discard((account_id, grant))

    def end_sessions(self, account_id):
        with self.kc.lock:
            self._call()
            self.kc.logouts.append(account_id)
            self.kc.sign_ins.get(account_id, {}).get("sessions", set()).clear()

    def sign_in_state(self, account_id, session_id):
        with self.kc.lock:
            self._call()
            held = self.kc.sign_ins.get(account_id)
            enabled = self.kc.accounts.get(account_id, {}).get("enabled", True)  # closed accounts are disabled
            if held is None or not held["enabled"] or not enabled or session_id not in held["sessions"]:
                return SignInState(alive=False)
            return SignInState(alive=True, roles=held["roles"])

    def members(self, grant):
        with self.kc.lock:
            self._call()
            return {self.kc.accounts[a]["username"]: a for a, g in self.kc.members if g == grant}

    def holders(self, grant):
        with self.kc.lock:
            self._call()
            found = [
                Holder(
                    a,
                    self.kc.accounts[a]["username"],
                    self.kc.accounts[a].get("first_name"),
                    self.kc.accounts[a].get("last_name"),
                    self.kc.accounts[a].get("email"),
                    self.kc.accounts[a].get("enabled", True),
                )
                for a, g in self.kc.members
                if g == grant
            ]
            return sorted(found, key=lambda h: h.username)

    def repair_manager_access(self, institution, category):
        with self.kc.lock:
            self._call()
            if (institution, category) in self.kc.manager_access:
                return []
            self.kc.manager_access.add((institution, category))
            return [f"mgr-{institution}-{category}: missing"]

    def read_pairs(self, pairs, progress=None):
        with self.kc.lock:
            self._call()
            states = {}
            for code, cat in pairs:
                drift = () if (code, cat) in self.kc.manager_access else (f"mgr-{code}-{cat}: missing",)
                states[(code, cat)] = PairState(self.members(Grant(code, cat, Level.MANAGER)), drift)
                if progress:
                    progress(1)
            return states

    def grants_of(self, account_id):
        with self.kc.lock:
            self._call()
            return {g for a, g in self.kc.members if a == account_id}

    def realm_roles_of(self, account_id):
        with self.kc.lock:
            self._call()
            return set(self.kc.accounts[account_id].get("roles", ()))

    def close_account(self, account_id, closed_on, because):
        with self.kc.lock:
            self._call()
            a = self.kc.accounts[account_id]
            if a.get("closed"):
                return False
            a.update(enabled=False, closed=(closed_on.isoformat(), because))
            return True

    def reopen_account(self, account_id, because):
        with self.kc.lock:
            self._call()
            a = self.kc.accounts[account_id]
            if not a.get("closed") or a["closed"][1] != because:
                return False
            a.update(enabled=not a.get("locked"), closed=None)
            return True

    def profile_of(self, account_id):
        with self.kc.lock:
            self._call()
            a = self.kc.accounts[account_id]
            return Profile(
                username=a["username"],
                email=a["email"],
                first_name=a["first_name"],
                last_name=a["last_name"],
                enabled=a.get("enabled", True),
                email_verified=False,
                created_at=a.get("created_at"),
                attributes={k: [v] for k, v in a["attributes"].items() if not k.startswith("nationalId")},
                required_actions=tuple(a["actions"]),
            )

    def correct_profile(self, account_id, field, value):
        with self.kc.lock:
            self._call()
            a = self.kc.accounts[account_id]
            if field in ("email", "first_name", "last_name"):
                a[field] = value
            elif field in ("firstName", "lastName"):
                a["first_name" if field == "firstName" else "last_name"] = value
            else:
                a["attributes"][field] = value

    def set_enabled(self, account_id, enabled):
        with self.kc.lock:
            self._call()
            self.kc.accounts[account_id]["enabled"] = enabled

    def delete_account(self, account_id):
        with self.kc.lock:
            self._call()
            self.kc.accounts.pop(account_id, None)
            self.kc.members = {(a, g) for a, g in self.kc.members if a != account_id}

    def send_set_password_mail(self, account_id, lifespan_seconds):
        with self.kc.lock:
            self._call()
            self.kc.set_password_mails.append(account_id)

    def accounts(self):
        with self.kc.lock:
            self._call()
            return iter(
                [
                    DirectoryAccount(
                        i,
                        a["username"],
                        a.get("email"),
                        a.get("enabled", True),
                        a.get("password_set_at"),
                        frozenset(g for m, g in self.kc.members if m == i),
                    )
                    for i, a in self.kc.accounts.items()
                ]
            )


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
