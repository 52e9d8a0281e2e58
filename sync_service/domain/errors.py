"""Errors of the domain, each with a stable code and a message in zh-Hant and English.

Reviewers and applicants read zh-Hant first (the agency's working language);
English serves the vendor's engineers and the API's clients. The code is what
programs compare: messages may be reworded, codes may not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    """A rule of the domain refused something."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code}: {en} / {zh}")
        self.code = code
        self.zh = zh
        self.en = en

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


class FieldError(DomainError):
    """One field of a form breaks its rule."""

    def __init__(self, code: str, field: str, zh: str, en: str) -> None:
        super().__init__(code, zh, en)
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, **super().as_dict()}


class FormInvalid(DomainError):
    """Several fields at once: an applicant should see every mistake in one go,
    not fix them one round-trip at a time."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(
            "form.invalid",
            f"申請表有 {len(self.errors)} 個欄位需要修正",
            f"{len(self.errors)} field(s) of the form need correcting",
        )

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "errors": [e.as_dict() for e in self.errors]}


class IllegalTransition(DomainError):
    """The application is not in a state where this step may be taken."""


class ApprovalRefused(DomainError):
    """The application may not be approved yet (documents, originals, form)."""

    def __init__(self, code: str, zh: str, en: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(code, zh, en)
        self.missing = missing


class ManagerSeatRefused(DomainError):
    """The decision would break R-MGR-1 (one manager per institution and category)
    or names a manager who is not the one on record."""
