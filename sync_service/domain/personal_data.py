"""Personal-data requests (R-PD-2; Personal Data Protection Act arts. 3, 13).

A person asks to have a copy of what is held about them, to have it corrected,
to stop its processing, or to have it deleted. Each request has its deadline
(policies/personal_data.toml), extendable once, with the reason the person
reads; a reviewer decides, never on their own request. What the decision
does to Keycloak and to the service's records is the service layer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import policies

from . import fields
from .applications import taiwan_date
from .errors import DomainError, FieldError, FormInvalid


class RequestStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


STATUS_LABELS = {
    RequestStatus.OPEN: ("處理中", "Open"),
    RequestStatus.APPROVED: ("已核准並辦理", "Approved and carried out"),
    RequestStatus.REJECTED: ("已駁回", "Refused"),
}


def parse_correction(field_name: object, value: object, correctable: Mapping[str, policies.Named]) -> dict[str, str]:
    """What a correction asks: one of the fields a person may have `correctable` (policies/
    personal_data.toml), and its right value."""
    name = fields.clean(field_name)
    if name not in correctable:
        raise FieldError(
            "correction.field", "field", "請選擇要更正的資料項目", "Choose which item of your data to correct"
        )
    label = correctable[name]
    if name == "email":
        right = fields.parse_email(value, field="value")
    elif name == "phone":
        right = fields.parse_phone(value, field="value").national
    else:
        right = fields.parse_text(value, "value", f"正確的{label.zh}", f"The right {label.en.lower()}", 50)
    return {"field": name, "value": right}


# How a request reached us: signed in at /my-data, or in writing to the vendor (附件4 五
# 「以書面…向資拓宏宇行使」), registered by the vendor's (or HPA's) staff.
ONLINE, WRITTEN = "online", "written"

# An administrative fee (附件4 五 「得酌收行政作業費用」, PDPA art. 14) is recorded in NT$, up to this.
MAX_FEE = 100_000


@dataclass(frozen=True)
class Letter:
    """The scan of a written request's letter, kept with the request (encrypted at rest)."""

    filename: str
    content_type: str
    size: int
    content: bytes | None = None


@dataclass
class PersonalDataRequest:
    id: str
    account: str
    kind: str
    filed_at: datetime
    due_on: date
    details: dict[str, Any] = field(default_factory=dict)
    channel: str = ONLINE
    # Written requests: who registered the letter, the day it arrived (the deadline counts from
    # it), the fee charged (NT$, None when none was), and the letter's scan.
    registered_by: str | None = None
    received_on: date | None = None
    fee: int | None = None
    letter: Letter | None = None
    status: RequestStatus = RequestStatus.OPEN
    extended_to: date | None = None
    extension_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    def overdue(self, today: date) -> bool:
        return self.status is RequestStatus.OPEN and today > self.deadline

    def _open(self) -> None:
        if self.status is not RequestStatus.OPEN:
            raise DomainError("request.decided", "此請求已處理完畢", "This request has been decided already")

    def _not_own(self, by: str) -> None:
        if by.lower() == self.account.lower():
            raise DomainError(
                "request.own",
                "審核人員不得處理自己的個資請求",
                "A reviewer may not decide their own personal-data request",
            )

    def extend(self, reason: object, *, by: str, rules: policies.PersonalDataRules) -> None:
        """Art. 13: once, by as much again (`rules`: this kind's extension_days), with the reason
        told to the person."""
        self._open()
        self._not_own(by)
        if self.extended_to is not None:
            raise DomainError("request.extended_once", "期限僅得延長一次", "The deadline may be extended only once")
        text = fields.clean(reason, "extension_reason")
        if not text:
            raise FieldError(
                "extension_reason.required",
                "extension_reason",
                "延長期限須說明原因（當事人會看到）",
                "Say why the deadline is extended (the person will read it)",
            )
        text = fields.refuse_markup(text, "extension_reason")
        self.extended_to = self.due_on + timedelta(days=rules.kinds[self.kind].extension_days)
        self.extension_reason = text

    def approve(self, *, by: str, at: datetime) -> None:
        self._open()
        self._not_own(by)
        self.status, self.decided_by, self.decided_at = RequestStatus.APPROVED, by, at

    def reject(self, reason: object, *, by: str, at: datetime) -> None:
        self._open()
        self._not_own(by)
        text = fields.clean(reason, "decision_reason")
        if not text:
            raise FieldError(
                "decision_reason.required",
                "decision_reason",
                "駁回須說明原因（當事人會看到）",
                "Say why the request is refused (the person will read it)",
            )
        text = fields.refuse_markup(text, "decision_reason")
        self.status, self.decided_by, self.decided_at, self.decision_reason = RequestStatus.REJECTED, by, at, text


def parse_fee(value: object) -> int | None:
    """行政作業費用 in whole NT$; blank for none charged."""
    text = fields.clean(value, "fee").replace(",", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > MAX_FEE:
        raise FieldError(
            "fee.invalid",
            "fee",
            f"行政作業費用請填 0 到 {MAX_FEE:,} 的整數金額（新臺幣元）；未收費請留空",
            f"The fee is a whole amount from 0 to {MAX_FEE:,} (NT$); leave it blank when none was charged",
        )
    return int(text)


def new_request(
    *,
    id: str,
    account: str,
    kind: object,
    now: datetime,
    field_name: object = None,
    value: object = None,
    reason: object = None,
    received_on: date | None = None,
    rules: policies.PersonalDataRules,
) -> PersonalDataRequest:
    """A request of one of `rules`' kinds (policies/personal_data.toml), due by its deadline."""
    kind = fields.clean(kind)
    if kind not in rules.kinds:
        raise FieldError("request.kind", "kind", "請選擇請求類別", "Choose what you ask for")
    details: dict[str, Any] = {}
    if kind == "correct":
        errors = []
        try:
            details = parse_correction(field_name, value, rules.correctable)
        except FieldError as e:
            errors.append(e)
        if errors:
            raise FormInvalid(errors)
    text = fields.clean(reason, "reason")
    if text:
        details["reason"] = fields.parse_text(text, "reason", "說明", "Explanation", 500)
    # Art. 13 counts from the request's arrival: today online, the letter's day in writing.
    due = (received_on or taiwan_date(now)) + timedelta(days=rules.kinds[kind].answer_within_days)
    return PersonalDataRequest(id=id, account=account.lower(), kind=kind, filed_at=now, due_on=due, details=details)
