"""The `Application` aggregate: one form 1 (附件1) from intake to provisioning.

    draft ─submit→ submitted ─record_originals_received→ originals_received ─approve→ approved
                       │                                        │                      │
                       └──────────────reject───────────────────┴→ rejected            ├─mark_provisioned→ provisioned
                                                                                      └─mark_failed→ failed ─┬→ provisioned
                                                                                                             └→ failed

Approval is one decision over the application and its manager seat (the
one-manager invariant): `Application.approve(seat, ...)` is its only entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import policies

from . import fields
from .errors import ApprovalRefused, DomainError, FieldError, FormInvalid, IllegalTransition, ManagerSeatRefused
from .events import (
    ApplicationApproved,
    ApplicationCancelled,
    ApplicationProvisioned,
    ApplicationRejected,
    ApplicationSubmitted,
    DocumentDeclared,
    Event,
    OriginalsReceived,
    ProvisioningFailed,
    ProvisioningRetried,
    VendorProcessingRecorded,
)
from .grants import GrantChange
from .seats import ManagerSeat

# Taiwan has kept UTC+8 without daylight saving since 1979; a fixed offset
# spares the domain a tz database. Calendar dates (effective dates, "today")
# are Taiwanese dates, whatever the server's clock zone.
TAIWAN = timezone(timedelta(hours=8), "Asia/Taipei")


def taiwan_date(at: datetime) -> date:
    return at.astimezone(TAIWAN).date()


class ApplicationType(StrEnum):
    """The four boxes of 申請作業 on form 1. Their names and documents live in
    policies/documents.toml; what each *does* is code, hence this enum."""

    A = "A"  # 管理者新申請: new account, new manager (R-MGR-2)
    B = "B"  # 管理者註銷: revoke the manager (R-MGR-3)
    C = "C"  # 已有帳號需申請管理者權限: existing account becomes manager (R-MGR-4)
    D = "D"  # 管理者權限異動為使用者: manager becomes user (R-MGR-5)

    @property
    def creates_account(self) -> bool:
        return self is ApplicationType.A

    @property
    def appoints_manager(self) -> bool:
        return self in (ApplicationType.A, ApplicationType.C)


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ORIGINALS_RECEIVED = "originals_received"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROVISIONED = "provisioned"
    FAILED = "failed"
    CANCELLED = "cancelled"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: ("草稿", "draft"),
    Status.SUBMITTED: ("已送件", "submitted"),
    Status.ORIGINALS_RECEIVED: ("已收正本", "originals received"),
    Status.APPROVED: ("已核准", "approved"),
    Status.REJECTED: ("已退件", "rejected"),
    Status.PROVISIONED: ("已開通", "provisioned"),
    Status.FAILED: ("開通失敗", "provisioning failed"),
    Status.CANCELLED: ("已取消", "cancelled"),
}

# action: (states it may start from, state it leads to, zh label, en label). The labels are
# what is refused in "申請案目前為「…」，不能{zh}" and "… status is “…”, so {en} is not possible".
TRANSITIONS: dict[str, tuple[frozenset[Status], Status, str, str]] = {
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED, "送件", "submitting it"),
    # Each letter records the originals it carried; the last required one moves the
    # application on (R-DOC-4).
    "record_originals_received": (
        frozenset({Status.SUBMITTED}),
        Status.ORIGINALS_RECEIVED,
        "登錄正本收件",
        "recording receipt of its originals",
    ),
    "approve": (frozenset({Status.ORIGINALS_RECEIVED}), Status.APPROVED, "核准", "approving it"),
    # A reviewer may reject before the originals arrive: a wrong application
    # should not wait for a letter that cannot mend it.
    "reject": (frozenset({Status.SUBMITTED, Status.ORIGINALS_RECEIVED}), Status.REJECTED, "退件", "rejecting it"),
    # A failed provisioning may be retried, and may fail again.
    "mark_provisioned": (
        frozenset({Status.APPROVED, Status.FAILED}),
        Status.PROVISIONED,
        "開通完成",
        "marking it provisioned",
    ),
    "mark_failed": (frozenset({Status.APPROVED, Status.FAILED}), Status.FAILED, "開通失敗", "marking it failed"),
    # A reviewer decides what becomes of a failed provisioning: tried again once
    # its cause is fixed, or cancelled; a failed application holds no seat.
    "retry": (frozenset({Status.FAILED}), Status.APPROVED, "重新開通", "retrying its provisioning"),
    "cancel": (frozenset({Status.FAILED}), Status.CANCELLED, "取消", "cancelling it"),
}

# An applicant may declare documents until the reviewer decides.
_DOCUMENTS_OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ORIGINALS_RECEIVED})
# Statuses that come after an approval: provisioning reports "on whose approval".
_APPROVED_LINE = frozenset({Status.APPROVED, Status.PROVISIONED, Status.FAILED})


# Who a reviewer filed an application for: the person (the JSON API, on their behalf) or the
# institution (its representative's letter, 附件2-1 四).
FILED_FOR_PERSON, FILED_FOR_INSTITUTION = "person", "institution"


@dataclass(frozen=True)
class Institution:
    code: str  # 醫事機構代碼
    name: str  # 醫事機構名稱


@dataclass(frozen=True)
class Form1:
    """The applicant's part of 附件1, validated."""

    department: str
    applicant_name: str
    account: str
    phone: fields.Phone
    national_id: fields.PersonalId
    email: str
    application_date: date
    reason: str | None = None  # 註銷原因, B only
    # The day the change takes effect (生效日期), any type (R-MGR-6): A and C on approval or on
    # this day if later; B and D at 00:00 (Taipei) of this day. None: the form's own date.
    effective_date: date | None = None

    @property
    def takes_effect_on(self) -> date:
        """The form's date for the change: its effective date, or else the day it was signed."""
        return self.effective_date or self.application_date


@dataclass(frozen=True)
class Receipt:
    """One paper original received by HPA (R-DOC-4): the official letter (公文) that carried
    it, by its number (文號) and the day HPA received it, and the reviewer who recorded it."""

    document: str
    letter_number: str
    received_on: date
    by: str
    at: datetime


@dataclass(frozen=True)
class VendorRecord:
    """維護廠商登錄 (R-FORM-6): filled by the system vendor."""

    name: str
    processed_on: date
    notes: str = ""


def parse_application_type(value: object, field: str = "type") -> ApplicationType:
    text = fields.clean(value, field).upper()
    if text not in ApplicationType.__members__:
        raise FieldError(
            f"{field}.unknown",
            field,
            "申請作業應為 A（管理者新申請）、B（管理者註銷）、C（已有帳號需申請管理者權限）或 D（管理者權限異動為使用者）",
            "The application type must be A (new manager), B (revoke manager), "
            "C (existing account becomes manager) or D (manager becomes user)",
        )
    return ApplicationType(text)


def new_application(
    *,
    id: str,
    type: object,
    category: object,
    institution_code: object,
    institution_name: object,
    department: object,
    applicant_name: object,
    account: object,
    phone: object,
    national_id: object,
    email: object,
    application_date: object,
    reason: object = None,
    effective_date: object = None,
    today: date,
    catalogue: policies.Policies,
) -> Application:
    """A draft application from what the applicant typed (R-FORM-1, R-FORM-2, R-FORM-3, R-FORM-4, R-FORM-5).

    Every field is checked and all mistakes are raised together as
    `FormInvalid`, so a form is corrected in one pass. `catalogue`: the agency's categories
    and documents (policies/), which the caller hands in.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def take(name: str, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            values[name] = parse(*args, **kwargs)
        except FieldError as e:
            errors.append(e)

    take("type", parse_application_type, type)
    take("category", fields.parse_category, category, catalogue.categories)
    take("institution_code", fields.parse_institution_code, institution_code)
    take("institution_name", fields.parse_institution_name, institution_name)
    take("department", fields.parse_department, department)
    take("applicant_name", fields.parse_person_name, applicant_name)
    take("phone", fields.parse_phone, phone)
    take("national_id", fields.parse_personal_id, national_id, today=today)
    take("email", fields.parse_email, email)
    take("application_date", fields.parse_application_date, application_date, today)

    kind = values.get("type")
    if kind is ApplicationType.A:
        take("account", fields.parse_new_account_name, account)
    else:
        # B, C, D name the applicant's existing account (附件1 note 2); if the
        # type itself is wrong, still check the shape so all errors show.
        take("account", fields.parse_existing_account_name, account)

    has_reason = bool(fields.clean(reason, "reason"))
    has_effective = (
        bool(fields.clean(effective_date, "effective_date")) if not isinstance(effective_date, date) else True
    )
    # Form 1 has one date for every type (申請(註銷)日期, R-MGR-6): each may carry its effective day.
    if has_effective and "application_date" in values:
        take("effective_date", fields.parse_effective_date, effective_date, values["application_date"])
    if kind is ApplicationType.B:
        take("reason", fields.parse_reason, reason)
    elif kind is not None and has_reason:
        # Only B has this box on the form; a value elsewhere is a
        # misunderstanding the applicant should hear about, not silently lose.
        errors.append(
            FieldError(
                "reason.not_applicable",
                "reason",
                "註銷原因只適用於 B（管理者註銷）",
                "A reason for revoking applies only to type B (revoke manager)",
            )
        )

    if errors:
        raise FormInvalid(errors)
    form = Form1(
        department=values["department"],
        applicant_name=values["applicant_name"],
        account=values["account"],
        phone=values["phone"],
        national_id=values["national_id"],
        email=values["email"],
        application_date=values["application_date"],
        reason=values.get("reason"),
        effective_date=values.get("effective_date"),
    )
    return Application(
        id=id,
        type=values["type"],
        institution=Institution(values["institution_code"], values["institution_name"]),
        category=values["category"],
        form=form,
        catalogue=catalogue,
    )


def require_actor(by: str, at: datetime) -> None:
    # The audit chain must answer "who" and "when" without guessing.
    if not by or not str(by).strip():
        raise DomainError("actor.required", "必須記錄執行者", "The acting person must be recorded")
    if at.tzinfo is None or at.utcoffset() is None:
        raise DomainError(
            "time.naive",
            "時間必須含時區",
            "Times must carry a time zone",
        )


def _reason_given(reason: object, zh: str, en: str) -> str:
    """A rejection or a failure says why: the cleaned text, or a FieldError."""
    text = fields.clean(reason, "reason")
    if not text:
        raise FieldError("reason.required", "reason", zh, en)
    return text


class Application:
    """Aggregate root: one application of type A–D for one (institution, category)."""

    def __init__(
        self,
        *,
        id: str,
        type: ApplicationType,
        institution: Institution,
        category: str,
        form: Form1,
        catalogue: policies.Policies,
        status: Status = Status.DRAFT,
        declared_documents: Iterable[str] = (),
        receipts: Iterable[Receipt] = (),
        vendor_record: VendorRecord | None = None,
        submitted_at: datetime | None = None,
        filed_by: str | None = None,
        filed_for: str | None = None,
        originals_received_by: str | None = None,
        originals_received_at: datetime | None = None,
        decided_by: str | None = None,
        decided_at: datetime | None = None,
        replacing: str | None = None,
        rejection_reason: str | None = None,
        failure_reason: str | None = None,
        provisioned_at: datetime | None = None,
    ) -> None:
        self.id = id
        self.type = ApplicationType(type)
        self.institution = institution
        self.category = category
        self.form = form
        # The documents this type and category asks for, and their names (policies/documents.toml):
        # handed in by whoever makes or loads the application, never read here.
        self.catalogue = catalogue
        self.status = Status(status)
        # What the applicant says the file holds (the intake's `documents`): shown as
        # declared, never taken for received.
        self.declared_documents: set[str] = set(declared_documents)
        # What HPA received on paper, one receipt per document, each with its letter.
        self.receipts: dict[str, Receipt] = {r.document: r for r in receipts}
        self.vendor_record = vendor_record
        self.submitted_at = submitted_at
        # A reviewer who filed it for someone else (filed_for: "person", or "institution" from its
        # letter); that reviewer does not decide it.
        self.filed_by = filed_by
        self.filed_for = filed_for
        self.originals_received_by = originals_received_by
        self.originals_received_at = originals_received_at
        self.decided_by = decided_by
        self.decided_at = decided_at
        self.replacing = replacing
        self.rejection_reason = rejection_reason
        self.failure_reason = failure_reason
        self.provisioned_at = provisioned_at
        self.events: list[Event] = []

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.type} {self.institution.code}/{self.category} {self.status}>"

    # ---- what the application must carry ------------------------------

    @property
    def account(self) -> str:
        return self.form.account

    @property
    def required_documents(self) -> tuple[str, ...]:
        """From policies: form 1 always; affidavit and consent for A and C;
        the two licences for GAS-LAB's A and C (R-DOC-1, R-DOC-2, R-DOC-3)."""
        return self.catalogue.required_documents(self.type.value, self.category)

    @property
    def received_documents(self) -> tuple[str, ...]:
        return tuple(d for d in self.required_documents if d in self.receipts)

    @property
    def missing_documents(self) -> tuple[str, ...]:
        """Required originals HPA has not received (what the applicant declared does not count)."""
        return tuple(d for d in self.required_documents if d not in self.receipts)

    @property
    def form_received_on(self) -> date | None:
        """The day HPA received form 1 itself: the notice of a change counts from it (R-MGR-6)."""
        receipt = self.receipts.get("form-1")
        return receipt.received_on if receipt else None

    @property
    def gives_notice(self) -> bool:
        """B and D end or lower a manager's grant: the institution gives notice of them (R-MGR-6)."""
        return self.type in (ApplicationType.B, ApplicationType.D)

    def notice_days(self, today: date) -> int | None:
        """Days of notice a B or D gives (附件2-1 四, R-MGR-6): from the day HPA received form 1
        (its letter) to the effective date. Before the letter is in, from today: the notice can
        only get shorter. None for A and C."""
        if not self.gives_notice:
            return None
        return (self.form.takes_effect_on - (self.form_received_on or today)).days

    def late_notice(self, today: date, days_asked: int) -> bool:
        """Less notice than `days_asked` (policies/departures.toml: 15). It does not stop the change
        (refusing would leave a departed person's access open); the reviewer is told."""
        days = self.notice_days(today)
        return days is not None and days < days_asked

    @property
    def approved_by(self) -> str | None:
        return self.decided_by if self.status in _APPROVED_LINE else None

    # ---- transitions ---------------------------------------------------

    def _check_transition(self, action: str) -> Status:
        sources, target, zh, en = TRANSITIONS[action]
        if self.status not in sources:
            now_zh, now_en = STATUS_LABELS[self.status]
            raise IllegalTransition(
                f"transition.{action}",
                f"申請案目前為「{now_zh}」，不能{zh}",
                f"The application's status is “{now_en}”, so {en} is not possible",
            )
        return target

    def submit(self, *, by: str, at: datetime, on_behalf_of: str | None = None, for_institution: bool = False) -> None:
        """`on_behalf_of`: the account a reviewer files for (B, C, D filed for someone else);
        `for_institution`: filed from the institution's letter, its representative's notice
        (a B or D, 附件2-1 四). Whoever files for someone else does not decide it."""
        require_actor(by, at)
        self.status = self._check_transition("submit")
        self.submitted_at = at
        if on_behalf_of is not None or for_institution:
            self.filed_by = by
            self.filed_for = FILED_FOR_INSTITUTION if for_institution else FILED_FOR_PERSON
        self.events.append(
            ApplicationSubmitted(
                application_id=self.id,
                by=by,
                at=at,
                on_behalf_of=on_behalf_of,
                for_institution=for_institution or None,
            )
        )

    def declare_document(self, document: str, *, by: str, at: datetime) -> None:
        """The applicant declares a document part of the file (the intake's list). Only
        documents this type and category asks for are accepted: anything else is a
        misfiled upload. A declaration is not a receipt (R-DOC-4)."""
        require_actor(by, at)
        if self.status not in _DOCUMENTS_OPEN:
            now_zh, now_en = STATUS_LABELS[self.status]
            raise IllegalTransition(
                "transition.declare_document",
                f"申請案目前為「{now_zh}」，不能再補件",
                f"The application's status is “{now_en}”, so documents can no longer be added",
            )
        self._check_document(document)
        if document in self.declared_documents:
            return  # declaring twice changes nothing, and records nothing
        self.declared_documents.add(document)
        self.events.append(DocumentDeclared(application_id=self.id, by=by, at=at, document=document))

    def _check_document(self, document: str) -> None:
        if document not in self.required_documents:
            known = self.catalogue.documents
            asked = "、".join(known[d].zh for d in self.required_documents)
            raise FieldError(
                "documents.not_required",
                "documents",
                f"此申請不需要文件「{document}」；應檢附：{asked}",
                f"Document {document!r} is not asked for by this application; it needs: "
                + ", ".join(self.required_documents),
            )

    def record_originals_received(
        self,
        *,
        by: str,
        at: datetime,
        documents: Iterable[str],
        letter_number: object = None,
        received_on: object = None,
        letter_rules: policies.Letters,
    ) -> None:
        """Signed paper originals arrived by official letter (R-DOC-4): the reviewer names each
        document the letter held, the letter's number (文號, in `letter_rules`' format) and the day HPA
        received it (not in the future, not before the form's date). All or nothing; once every
        required original is in, the application is ready to decide."""
        require_actor(by, at)
        target = self._check_transition("record_originals_received")
        documents = tuple(dict.fromkeys(documents))
        errors: list[FieldError] = []
        try:
            day = fields.parse_received_on(received_on, earliest=self.form.application_date, today=taiwan_date(at))
        except FieldError as e:
            errors.append(e)
            day = None
        try:
            number = fields.parse_letter_number(letter_number, received_on=day, rules=letter_rules)
        except FieldError as e:
            errors.append(e)
        if not documents:
            errors.append(
                FieldError(
                    "documents.required",
                    "documents",
                    "請逐一勾選此公文所附的正本",
                    "Tick each original this letter carried",
                )
            )
        for document in documents:
            try:
                self._check_document(document)
            except FieldError as e:
                errors.append(e)
            else:
                if document in self.receipts:
                    r = self.receipts[document]
                    errors.append(
                        FieldError(
                            "documents.already_received",
                            "documents",
                            f"「{self.catalogue.documents[document].zh}」已於 {r.received_on} 以 {r.letter_number} 收件",
                            f"{document} was received already, on {r.received_on} by letter {r.letter_number}",
                        )
                    )
        if errors or day is None:
            raise FormInvalid(errors)
        for document in documents:
            self.receipts[document] = Receipt(document, number, day, by, at)
        self.events.append(
            OriginalsReceived(
                application_id=self.id, by=by, at=at, documents=documents, letter_number=number, received_on=day
            )
        )
        if not self.missing_documents:
            self.status = target
            self.originals_received_by = by
            self.originals_received_at = at

    def check_approvable(self) -> None:
        """Raise unless `approve` would succeed: the state machine, the paper
        originals (R-DOC-4), every required document (R-DOC-1, R-DOC-2, R-DOC-3)."""
        if self.status is Status.SUBMITTED:
            known = self.catalogue.documents
            missing = self.missing_documents
            raise ApprovalRefused(
                "approval.originals_missing",
                "尚未收到正本公文，不能核准：" + "、".join(known[d].zh for d in missing),
                "The signed paper originals have not all been recorded as received; approval must wait: "
                + "; ".join(known[d].en for d in missing),
                missing=missing,
            )
        self._check_transition("approve")
        missing = self.missing_documents
        if missing:
            known = self.catalogue.documents
            raise ApprovalRefused(
                "approval.documents_missing",
                "缺少文件，不能核准：" + "、".join(known[d].zh for d in missing),
                "Documents missing, approval must wait: " + "; ".join(known[d].en for d in missing),
                missing=missing,
            )

    def approve(
        self, seat: ManagerSeat, *, by: str, at: datetime, replacing: str | None = None
    ) -> tuple[GrantChange, ...]:
        """A reviewer approves: one decision over the application and its
        manager seat. Either both change or neither does: the application is
        checked first (state, originals, documents), then the seat decides
        (and refuses before changing anything), and only then is the
        application marked approved. `replacing` names the current manager
        when the reviewer approves A or C as a hand-over."""
        require_actor(by, at)
        self.check_approvable()
        if replacing is not None:
            replacing = replacing.strip().lower() or None
        changes = self._seat_decision(seat, today=taiwan_date(at), replacing=replacing)
        self.status = Status.APPROVED
        self.decided_by = by
        self.decided_at = at
        self.replacing = replacing
        self.events.append(
            ApplicationApproved(
                application_id=self.id, by=by, at=at, approved_by=by, replacing=replacing, changes=changes
            )
        )
        return changes

    def _seat_decision(self, seat: ManagerSeat, *, today: date, replacing: str | None) -> tuple[GrantChange, ...]:
        """What this application's type asks of the seat (R-MGR-2, R-MGR-3, R-MGR-4, R-MGR-5)."""
        self._check_seat(seat)
        # R-MGR-6: every type takes effect on the form's date if that is later than today.
        effective_on = (
            self.form.effective_date if self.form.effective_date and self.form.effective_date > today else None
        )
        if self.type.appoints_manager:
            return seat.appoint(
                self.account,
                application_id=self.id,
                today=today,
                create_account=self.type.creates_account,
                replacing=replacing,
                effective_on=effective_on,
            )
        if replacing is not None:
            raise ManagerSeatRefused(
                "manager_seat.replacing_not_applicable",
                "只有 A、C 類申請可以取代現任管理者",
                "Only applications A and C can replace the current manager",
            )
        if self.type is ApplicationType.B:
            return seat.revoke(self.account, application_id=self.id, today=today, effective_on=effective_on)
        return seat.demote(self.account, application_id=self.id, today=today, effective_on=effective_on)

    def reject(self, *, by: str, at: datetime, reason: str) -> None:
        require_actor(by, at)
        target = self._check_transition("reject")
        text = fields.refuse_markup(_reason_given(reason, "退件必須說明原因", "A rejection needs a reason"), "reason")
        self.status = target
        self.decided_by = by
        self.decided_at = at
        self.rejection_reason = text
        self.events.append(ApplicationRejected(application_id=self.id, by=by, at=at, reason=text))

    def mark_provisioned(self, *, by: str, at: datetime) -> None:
        """The identity provider now reflects the decision (the worker reports)."""
        require_actor(by, at)
        self.status = self._check_transition("mark_provisioned")
        self.failure_reason = None
        self.provisioned_at = at
        self.events.append(ApplicationProvisioned(application_id=self.id, by=by, at=at, approved_by=self.decided_by))

    def mark_failed(self, reason: str, *, by: str, at: datetime) -> None:
        require_actor(by, at)
        target = self._check_transition("mark_failed")
        text = _reason_given(reason, "必須說明失敗原因", "A failure needs a reason")
        self.status = target
        self.failure_reason = text
        self.events.append(
            ProvisioningFailed(application_id=self.id, by=by, at=at, approved_by=self.decided_by, reason=text)
        )

    def retry(self, seat: ManagerSeat, *, by: str, at: datetime) -> bool:
        """The cause of a failed provisioning is fixed: its changes are queued
        again, and an A or C takes its manager seat again (refused if someone
        holds it meanwhile). True when the seat changed."""
        require_actor(by, at)
        target = self._check_transition("retry")
        self._check_seat(seat)
        changed = self.type.appoints_manager and seat.take_back(self.account, today=taiwan_date(at))
        self.status = target
        self.events.append(
            ProvisioningRetried(
                application_id=self.id,
                by=by,
                at=at,
                approved_by=self.decided_by,
                failure_reason=self.failure_reason or "",
            )
        )
        return changed

    def cancel(self, seat: ManagerSeat, *, by: str, at: datetime, reason: object) -> bool:
        """A failed application is given up; it holds no seat. True when the seat changed."""
        require_actor(by, at)
        target = self._check_transition("cancel")
        text = fields.parse_text(reason, "reason", "取消原因", "Reason for cancelling", 500)
        changed = self.release_seat(seat)
        self.status = target
        self.events.append(
            ApplicationCancelled(application_id=self.id, by=by, at=at, approved_by=self.decided_by, reason=text)
        )
        return changed

    def release_seat(self, seat: ManagerSeat) -> bool:
        """A failed (or cancelled) A or C gives back the manager seat its approval
        reserved, so that the real applicant is not refused for a seat nobody
        holds. True when the seat changed."""
        self._check_seat(seat)
        return self.type.appoints_manager and seat.give_back(self.account)

    def _check_seat(self, seat: ManagerSeat) -> None:
        if (self.institution.code, self.category) != (seat.institution_code, seat.category):
            raise DomainError(
                "manager_seat.wrong_seat",
                "申請案的機構或業務類別與管理者席位不符",
                "The application is for another institution or category than this manager seat",
            )

    def record_vendor_processing(
        self, name: object, processed_on: object, notes: object = "", *, by: str, at: datetime
    ) -> None:
        """維護廠商登錄 (R-FORM-6). Kept for every application once it has
        been submitted, whatever the outcome; a later record replaces the
        earlier one and both stay in the audit chain."""
        require_actor(by, at)
        if self.status is Status.DRAFT:
            raise IllegalTransition(
                "transition.record_vendor_processing",
                "申請案尚未送件，不能登錄維護廠商處理紀錄",
                "The application has not been submitted; there is nothing for the vendor to record",
            )
        errors: list[FieldError] = []
        record: dict[str, Any] = {}
        for key, parse in (
            ("vendor_name", lambda: fields.parse_text(name, "vendor_name", "維護廠商姓名", "Vendor name", 50)),
            ("processed_on", lambda: fields.parse_date(processed_on, "processed_on", "處理日期", "Processing date")),
        ):
            try:
                record[key] = parse()
            except FieldError as e:
                errors.append(e)
        notes_text = fields.refuse_markup(fields.clean(notes, "notes"), "notes")
        if len(notes_text) > 1000:
            errors.append(
                FieldError("notes.too_long", "notes", "備註最多 1000 個字", "Notes have at most 1000 characters")
            )
        if errors:
            raise FormInvalid(errors)
        self.vendor_record = VendorRecord(record["vendor_name"], record["processed_on"], notes_text)
        self.events.append(
            VendorProcessingRecorded(
                application_id=self.id,
                by=by,
                at=at,
                approved_by=self.approved_by,
                vendor_name=record["vendor_name"],
                processed_on=record["processed_on"],
                notes=notes_text,
            )
        )
