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
    DocumentAttached,
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

    @property
    def zh(self) -> str:
        return policies.load().application_types[self.value].zh

    @property
    def en(self) -> str:
        return policies.load().application_types[self.value].en


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

# Documents can be added until the reviewer decides: scans at intake, the
# originals by letter, a missing licence sent later.
_DOCUMENTS_OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ORIGINALS_RECEIVED})
# Statuses that come after an approval: provisioning reports "on whose approval".
_APPROVED_LINE = frozenset({Status.APPROVED, Status.PROVISIONED, Status.FAILED})


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
    effective_date: date | None = None  # the departure date of B (R-MGR-6)

    @property
    def late_notice(self) -> bool:
        """R-MGR-6 asks for 15 days' notice (policies/departures.toml). Late
        notice does not stop a revoke (refusing it would leave a departed
        person's access open); it is shown to the reviewer."""
        days = self.notice_days
        return days is not None and days < policies.departures().notice_days

    @property
    def notice_days(self) -> int | None:
        """Days between the application and the departure it announces (B)."""
        if self.effective_date is None:
            return None
        return (self.effective_date - self.application_date).days


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
) -> Application:
    """A draft application from what the applicant typed (R-FORM-1, R-FORM-2, R-FORM-3, R-FORM-4, R-FORM-5).

    Every field is checked and all mistakes are raised together as
    `FormInvalid`, so a form is corrected in one pass.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def take(name: str, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            values[name] = parse(*args, **kwargs)
        except FieldError as e:
            errors.append(e)

    take("type", parse_application_type, type)
    take("category", fields.parse_category, category)
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
    if kind is ApplicationType.B:
        take("reason", fields.parse_reason, reason)
        if has_effective and "application_date" in values:
            take("effective_date", fields.parse_effective_date, effective_date, values["application_date"])
    elif kind is not None:
        # Only B has these boxes on the form; a value elsewhere is a
        # misunderstanding the applicant should hear about, not silently lose.
        if has_reason:
            errors.append(
                FieldError(
                    "reason.not_applicable",
                    "reason",
                    "註銷原因只適用於 B（管理者註銷）",
                    "A reason for revoking applies only to type B (revoke manager)",
                )
            )
        if has_effective:
            errors.append(
                FieldError(
                    "effective_date.not_applicable",
                    "effective_date",
                    "生效日期只適用於 B（管理者註銷）",
                    "An effective date applies only to type B (revoke manager)",
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
        status: Status = Status.DRAFT,
        documents: Iterable[str] = (),
        vendor_record: VendorRecord | None = None,
        submitted_at: datetime | None = None,
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
        self.status = Status(status)
        self.documents: set[str] = set(documents)
        self.vendor_record = vendor_record
        self.submitted_at = submitted_at
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
        return policies.load().required_documents(self.type.value, self.category)

    @property
    def missing_documents(self) -> tuple[str, ...]:
        return tuple(d for d in self.required_documents if d not in self.documents)

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

    def submit(self, *, by: str, at: datetime, on_behalf_of: str | None = None) -> None:
        """`on_behalf_of`: the account a reviewer files for (B, C, D filed for someone else)."""
        require_actor(by, at)
        self.status = self._check_transition("submit")
        self.submitted_at = at
        self.events.append(ApplicationSubmitted(application_id=self.id, by=by, at=at, on_behalf_of=on_behalf_of))

    def attach_document(self, document: str, *, by: str, at: datetime) -> None:
        """Record that a document is in the file. Only documents this type and
        category asks for are accepted: anything else is a misfiled upload."""
        require_actor(by, at)
        if self.status not in _DOCUMENTS_OPEN:
            now_zh, now_en = STATUS_LABELS[self.status]
            raise IllegalTransition(
                "transition.attach_document",
                f"申請案目前為「{now_zh}」，不能再補件",
                f"The application's status is “{now_en}”, so documents can no longer be added",
            )
        self._check_document(document)
        if document in self.documents:
            return  # attaching twice changes nothing, and records nothing
        self.documents.add(document)
        self.events.append(DocumentAttached(application_id=self.id, by=by, at=at, document=document))

    def _check_document(self, document: str) -> None:
        if document not in self.required_documents:
            known = policies.load().documents
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
        documents: Iterable[str] = (),
        letter_number: object = None,
        received_on: object = None,
    ) -> None:
        """The signed paper originals arrived by official letter (R-DOC-4);
        `documents` lists what the letter held, if not attached before;
        `letter_number` and `received_on` name the letter (公文文號, 收文日期)
        when the reviewer records them (the pages always do)."""
        require_actor(by, at)
        target = self._check_transition("record_originals_received")
        letter = self._originals_letter(letter_number, received_on, taiwan_date(at))
        documents = tuple(dict.fromkeys(documents))
        for document in documents:
            self._check_document(document)  # all or nothing: no half-recorded letter
        for document in documents:
            self.attach_document(document, by=by, at=at)
        self.status = target
        self.originals_received_by = by
        self.originals_received_at = at
        self.events.append(OriginalsReceived(application_id=self.id, by=by, at=at, documents=documents, **letter))

    @staticmethod
    def _originals_letter(letter_number: object, received_on: object, today: date) -> dict[str, Any]:
        if letter_number is None and received_on is None:
            return {}
        errors: list[FieldError] = []
        letter: dict[str, Any] = {}
        try:
            letter["letter_number"] = fields.parse_text(letter_number, "letter_number", "公文文號", "Letter number", 50)
        except FieldError as e:
            errors.append(e)
        try:
            day = fields.parse_date(received_on, "received_on", "收文日期", "Date received")
            if day > today:
                raise FieldError(
                    "received_on.future",
                    "received_on",
                    "收文日期不可晚於今天",
                    "The date received cannot be later than today",
                )
            letter["received_on"] = day
        except FieldError as e:
            errors.append(e)
        if errors:
            raise FormInvalid(errors)
        return letter

    def check_approvable(self) -> None:
        """Raise unless `approve` would succeed: the state machine, the paper
        originals (R-DOC-4), every required document (R-DOC-1, R-DOC-2, R-DOC-3)."""
        if self.status is Status.SUBMITTED:
            raise ApprovalRefused(
                "approval.originals_missing",
                "尚未收到正本公文，不能核准",
                "The signed paper originals have not been recorded as received; approval must wait",
            )
        self._check_transition("approve")
        missing = self.missing_documents
        if missing:
            known = policies.load().documents
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
        if self.type.appoints_manager:
            return seat.appoint(
                self.account,
                application_id=self.id,
                today=today,
                create_account=self.type.creates_account,
                replacing=replacing,
            )
        if replacing is not None:
            raise ManagerSeatRefused(
                "manager_seat.replacing_not_applicable",
                "只有 A、C 類申請可以取代現任管理者",
                "Only applications A and C can replace the current manager",
            )
        if self.type is ApplicationType.B:
            return seat.revoke(self.account, application_id=self.id, today=today, effective_on=self.form.effective_date)
        return seat.demote(self.account, application_id=self.id, today=today)

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
