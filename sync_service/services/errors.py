"""Errors of the use cases, shaped like the domain's: a code and zh-Hant/English text."""

from __future__ import annotations

from ..domain import DomainError


class NotFound(DomainError):
    pass


class SignInRequired(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    """The request clashes with what exists (an account of that name already)."""


class Busy(DomainError):
    """The decision kept colliding with concurrent ones; the caller may try again."""


def application_not_found(application_id: str) -> NotFound:
    return NotFound("application.not_found", f"找不到申請案 {application_id}", f"No application {application_id}")
