"""Making accounts: the one path for the outbox worker (type A approvals) and the legacy
import (docs/decisions/0041, 0105). Both describe the person the same way (`new_account`),
ask for the same first sign-in (`REQUIRED_ACTIONS`), recognise an account an earlier,
interrupted run made by the same person (`is_same_person`), and make accounts through
`Directory.create_accounts` (Keycloak's partialImport, idempotent by name).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from ..domain import Grant
from ..domain.legacy import PasswordHash
from ..domain.names import split_person_name
from .ports import Account, NewAccount

# First sign-in: a new password (R-PWD-1; an imported hash may not meet R-PWD-3, decision 0031),
# the profile confirmed and the terms accepted (R-CONF-1).
REQUIRED_ACTIONS = ("UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS")
# Accounts per partialImport request, at most: Keycloak spends about 66 ms of one core
# on each new password (hash and policy), and a request must end well within the
# timeout however busy the machine; `RequestSize` sizes each request below this.
ACCOUNTS_PER_REQUEST = 20


def new_account(
    *,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    national_id: str,
    department: str | None,
    grants: Sequence[Grant],
    password: str | None = None,
    password_hash: PasswordHash | None = None,
) -> NewAccount:
    """A person's account as Keycloak is asked to make it, with the grants it holds from
    its creation on. `password`: temporary, replaced at first sign-in; None with the old
    system's `password_hash` or, without either, a set-a-password mail later."""
    family, given = split_person_name(full_name)
    return NewAccount(
        username=username,
        email=email,
        first_name=given or family,
        last_name=family,
        attributes={
            "phone": phone,
            "nationalId": national_id,
            **({"department": department} if department else {}),
        },
        password=password,
        password_hash=password_hash,
        required_actions=REQUIRED_ACTIONS,
        grants=tuple(grants),
    )


def is_same_person(account: Account, email: str, national_id: str) -> bool:
    """Is this existing account the person's (same e-mail, same national ID)?"""
    return (account.email or "").lower() == email.lower() and account.holds_national_id(national_id)


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
