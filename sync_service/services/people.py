"""Who a person is (R-ACC-1): the national ID on a form against the keyed digest an account
holds (decision 0030), never an account name. One place for the comparison, used at filing,
on the applicants' pages and by the worker before it changes an account."""

from __future__ import annotations

from ..domain import Application
from .ports import Account, Caller, Directory


def is_holder(account: Account | None, app: Application) -> bool:
    """Is the holder of this account the person the application names (their national ID)?"""
    return account is not None and account.holds_national_id(app.form.national_id.value)


def mismatch(account: Account, app: Application) -> tuple[str, str] | None:
    """What differs between the account and the person on the application, in words (zh, en)."""
    if (account.email or "").lower() != app.form.email.lower():
        return "電子郵件", "e-mail"
    if not is_holder(account, app):
        return "身分證字號", "national ID"
    return None


def signed_in_account(directory: Directory, caller: Caller | None) -> Account | None:
    """The account the caller signed in with, read live by its id (the token's subject)."""
    if caller is None:
        return None
    return directory.account(caller.subject)
