"""The JSON API's refusal: an HTTP status with our code and zh-Hant/English text
(apart from errors.py, which turns it into a response, so that auth.py and limits.py
may raise it without importing the handlers)."""

from __future__ import annotations

from ..domain import DomainError


class ApiError(DomainError):
    def __init__(self, status: int, code: str, zh: str, en: str, field: str | None = None) -> None:
        super().__init__(code, zh, en)
        self.status, self.field = status, field

    def as_dict(self) -> dict:
        body = super().as_dict()
        if self.field:
            body["field"] = self.field
        return body
