"""Closing an account when its holder's last grant ends, and opening it again on a later
grant (R-ACC-2, decision 0126). Every way a grant ends calls `close_if_nothing_left` after
the grant is gone (a B on its date, a user's departure date, a lapsed access review, a
manager's removal in the console or on the managers' page); every way a grant is given
calls `reopen` (an A or C, a manager adding an existing account). Both are idempotent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ..domain import taiwan_date
from ..domain.closing import LAST_GRANT_ENDED, holds_nothing
from .ports import AuditEntry, Directory


def close_if_nothing_left(directory: Directory, account_id: str, now: datetime) -> bool:
    """Close the account (disabled and marked) if it holds no grant and no staff role any more.
    True when it is closed, now or before (a replay finds it closed). The caller ends the
    sessions, as every end of a grant does at once (disabling alone refuses only the next refresh)."""
    if not holds_nothing(directory.grants_of(account_id), directory.realm_roles_of(account_id)):
        return False
    directory.close_account(account_id, taiwan_date(now), LAST_GRANT_ENDED)
    return True


def close_after_removal(directory: Directory, account_id: str, now: datetime) -> bool:
    """A grant removed elsewhere (the console): close if nothing is left, and end the sessions then."""
    if not close_if_nothing_left(directory, account_id, now):
        return False
    directory.end_sessions(account_id)
    return True


def reopen(directory: Directory, account_id: str) -> bool:
    """Open an account its last grant's end closed (a lockout or a suspension stays). True when opened."""
    return directory.reopen_account(account_id, LAST_GRANT_ENDED)


class AccountChange(StrEnum):
    """What became of the account itself (R-ACC-2); the audit chain says so (R-AUD-1)."""

    CLOSED = "closed"  # its last grant ended
    REOPENED = "reopened"  # a closed account got a grant again


def audit_entry(
    change: AccountChange,
    *,
    actor: str,
    username: str,
    at: datetime,
    after: str,
    application_id: str | None = None,
    approved_by: str | None = None,
    **details: object,
) -> AuditEntry:
    """The audit row `account.closed` or `account.reopened`: whose account, after what, by whom."""
    return AuditEntry(
        actor=actor,
        action=f"account.{change.value}",
        at=at,
        application_id=application_id,
        approved_by=approved_by,
        details={"account": username, "because": LAST_GRANT_ENDED, "after": after, **details},
    )
