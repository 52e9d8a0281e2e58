"""The ports the use cases talk through. Adapters implement them (python-keycloak,
SMTP, SQLAlchemy); tests use in-memory fakes. Errors cross the port as ours,
never as python-keycloak's or smtplib's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


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


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    email: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NewAccount:
    username: str
    email: str
    first_name: str
    last_name: str
    attributes: dict[str, str]
    password: str  # temporary: the person replaces it at first sign-in (R-PWD-1)
    required_actions: tuple[str, ...]
    # Grants the account holds from its creation on: (institution, category, level).
    grants: tuple[tuple[str, str, str], ...] = ()


class Directory(Protocol):
    """Accounts and grants in the identity provider (Keycloak)."""

    def find_account(self, username: str) -> Account | None: ...

    def create_account(self, account: NewAccount) -> str:
        """Returns the new account's id; DirectoryRefused('account.exists') if taken."""

    def create_accounts(self, accounts: Sequence[NewAccount]) -> dict[str, str]:
        """Makes the accounts whose names are free, each with its grants, in
        one go. Idempotent by name: a name taken already is left as it is and
        missing from the answer. Returns the new accounts' ids by username
        (in lower case, as Keycloak keeps it)."""

    def set_password(self, account_id: str, password: str, *, temporary: bool = True) -> None: ...

    def join(self, account_id: str, institution: str, category: str, level: str) -> None:
        """Idempotent: joining twice is joining once. Creates the group on first need."""

    def leave(self, account_id: str, institution: str, category: str, level: str) -> None:
        """Idempotent: leaving a group one is not in changes nothing."""

    def end_sessions(self, account_id: str) -> None: ...

    def members(self, institution: str, category: str, level: str) -> dict[str, str]:
        """The accounts in the grant's group, username -> account id ({} when no group)."""
        ...

    def repair_manager_access(self, institution: str, category: str) -> list[str]:
        """Make the pair's admin-console permissions as they should be; the drift found, in words."""
        ...

    def grants_of(self, account_id: str) -> set[tuple[str, str, str]]:
        """(institution, category, level) of every grant group the account is in."""


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

    @property
    def is_reviewer(self) -> bool:
        return "hpa-reviewer" in self.roles


class TokenInvalid(Exception):
    pass


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Caller:
        """TokenInvalid unless signed by the realm, unexpired and for us."""


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
