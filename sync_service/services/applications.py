"""Use cases around an application: submit, record originals, approve, reject,
retry or cancel a failed provisioning, vendor record, read. Each is one
transaction (one unit of work)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

import policies

from ..domain import (
    Application,
    ApplicationType,
    FieldError,
    FormInvalid,
    GrantChange,
    ManagerSeat,
    fields,
    new_application,
    taiwan_date,
)
from ..domain.fields import same_mailbox
from ..domain.references import new_reference
from . import people
from .clock import utcnow
from .errors import Busy, Conflict, Forbidden, SignInRequired, application_not_found
from .ports import AuditEntry, Caller, ConcurrentDecision, Directory, UnitOfWork

T = TypeVar("T")

FORM_FIELDS = (
    "type",
    "category",
    "institution_code",
    "institution_name",
    "department",
    "applicant_name",
    "account",
    "phone",
    "national_id",
    "email",
    "application_date",
    "reason",
    "effective_date",
)


def new_application_id() -> str:
    """The application's id is its reference number (申請編號), printed on the forms."""
    return new_reference()


def submit(
    uow: UnitOfWork,
    form: dict[str, Any],
    *,
    caller: Caller | None,
    documents: Iterable[str] = (),
    now: datetime | None = None,
    application_id: str | None = None,
    directory: Directory | None = None,
) -> Application:
    """Applicants submit form 1. A (a new account) is open to anyone, since the
    applicant has no account to sign in with; B, C, D name an existing account
    and are filed by its holder, signed in, or by a reviewer on their behalf.
    An A naming an account that exists already is taken like any other (decision 0131:
    answering otherwise tells a stranger which names exist); the reviewer's file says so.
    With a `directory`, a B, C or D is checked against the account it names: its holder must
    be the person on the form (national ID and e-mail), answered at once rather than after
    the paper arrived."""
    now = now or utcnow()
    app = new_application(
        id=application_id or new_application_id(),
        today=taiwan_date(now),
        catalogue=policies.load(),
        **{k: form.get(k) for k in FORM_FIELDS},
    )
    if app.type is not ApplicationType.A:
        filer = _require_filer_of(app, caller)
        if directory is not None:
            _require_the_holder(app, filer, directory)
    # A pending A holds its new name in Keycloak (decision 0121) when the name is free. A name an
    # account has, or another pending A holds, is filed all the same and answered alike, without
    # a hold: refusing it told a stranger which names exist (decision 0131); the reviewer's file says so.
    holds_name = app.type is ApplicationType.A and directory is not None and directory.find_account(app.account) is None
    by = caller.username if caller else f"applicant:{app.form.email}"
    on_behalf_of = app.account if caller and caller.username.lower() != app.account.lower() else None
    for document in documents:
        app.declare_document(document, by=by, at=now)  # declared, not received (R-DOC-4)
    app.submit(by=by, at=now, on_behalf_of=on_behalf_of)
    if holds_name and directory is not None and not directory.reserve_name(app.account, app.id):
        holds_name = False  # taken since the look-up above (another A, an account): filed all the same
    try:
        _store_new(uow, app)
    except BaseException:
        if holds_name and directory is not None:
            directory.release_name(app.account, app.id)
        raise
    return app


def _store_new(uow: UnitOfWork, app: Application) -> None:
    with uow:
        if uow.personal_requests.processing_stopped(app.account):
            # R-PD-2: the person asked to stop the processing of their data (a decided request).
            raise Conflict(
                "application.processing_stopped",
                "此帳號之當事人已請求停止處理其個人資料，不再受理申請",
                "The holder of this account asked to stop the processing of their personal data; "
                "no application is taken for it",
            )
        _require_no_open_change(uow, app)
        uow.applications.add(app)
        uow.commit()


def _require_no_open_change(uow: UnitOfWork, app: Application) -> None:
    """One B or D open at a time for a manager's seat (issue 21 point 8): a revocation and a change
    to user of the same account at the same institution and category contradict each other."""
    if app.type not in NOTICE_TYPES:
        return
    for other in uow.applications.open_like(app):
        same_seat = (other.institution.code, other.category) == (app.institution.code, app.category)
        if other.type in NOTICE_TYPES and same_seat and other.account.lower() == app.account.lower():
            raise Conflict(
                "application.change_open",
                f"帳號 {app.account} 在此機構與業務類別已有一件處理中的 {other.type.value} 類申請"
                f"（{other.id}）：B 或 D 一次只能有一件，請等候其結果，或請國健署撤回後再申請",
                f"The account {app.account} already has an open application {other.type.value} ({other.id}) "
                "at this institution and category: one B or D at a time; wait for its decision, or ask HPA "
                "to withdraw it first",
            )


# The types an institution's representative gives notice of by letter (附件2-1 四): a manager's
# departure (B) or change to user (D).
NOTICE_TYPES = (ApplicationType.B, ApplicationType.D)


def file_for_institution(
    uow: UnitOfWork,
    form: dict[str, Any],
    *,
    caller: Caller,
    letter_number: object,
    received_on: object,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> Application:
    """A reviewer files a B or D from the institution's letter: its representative's notice of
    a manager's departure or change (附件2-1 四, R-MGR-6). The letter carries form 1, so form 1 is
    recorded as received with it (R-DOC-4) and the notice counts from its date; the application
    is marked as filed on the institution's behalf, and another reviewer decides it."""
    _require_reviewer(caller)
    now = now or utcnow()
    today = taiwan_date(now)
    errors: list[FieldError] = []
    app: Application | None = None
    try:
        app = new_application(
            id=new_application_id(), today=today, catalogue=policies.load(), **{k: form.get(k) for k in FORM_FIELDS}
        )
    except FormInvalid as e:
        errors += e.errors
    if app is not None and app.type not in NOTICE_TYPES:
        errors.append(
            FieldError(
                "type.not_notice",
                "type",
                "依機構來函代為申請只適用於 B（管理者註銷）與 D（管理者權限異動為使用者）",
                "Filing from an institution's letter is for B (revoke manager) and D (manager becomes user) only",
            )
        )
    earliest = app.form.application_date if app is not None else date.min
    day: date | None = None
    try:
        day = fields.parse_received_on(received_on, earliest=earliest, today=today)
    except FieldError as e:
        errors.append(e)
    try:
        fields.parse_letter_number(letter_number, received_on=day, rules=policies.letters())
    except FieldError as e:
        errors.append(e)
    if errors or app is None:
        raise FormInvalid(errors)
    if directory is not None:
        _require_the_holder(app, caller, directory)
    app.submit(by=caller.username, at=now, on_behalf_of=app.account, for_institution=True)
    app.record_originals_received(
        by=caller.username,
        at=now,
        documents=["form-1"],
        letter_number=letter_number,
        received_on=received_on,
        letter_rules=policies.letters(),
    )
    _store_new(uow, app)
    return app


def check_form(form: dict[str, str | None], *, now: datetime | None = None) -> None:
    """The form's field rules as `submit` applies them (its DomainError), filing nothing: an
    anonymous filing hears what to correct before it spends a captcha on it."""
    new_application(
        id="check",
        today=taiwan_date(now or utcnow()),
        catalogue=policies.load(),
        **{k: form.get(k) for k in FORM_FIELDS},
    )


def _require_filer_of(app: Application, caller: Caller | None) -> Caller:
    """B, C and D change an existing account: its holder files them, or a
    reviewer on the holder's behalf (recorded as such). Returns who files it."""
    if caller is None:
        raise SignInRequired(
            "auth.sign_in_required",
            "B、C、D 類申請須先登入既有帳號",
            "Applications B, C and D name an existing account: sign in first",
        )
    if not caller.is_reviewer and caller.username.lower() != app.account.lower():
        raise Forbidden(
            "application.not_own_account",
            f"B、C、D 類申請只能為自己登入的帳號提出（您登入的是 {caller.username}，申請書填的是 {app.account}）",
            f"Applications B, C and D are filed for one's own account (you are signed in as {caller.username}, "
            f"the form names {app.account})",
        )
    return caller


def _require_the_holder(app: Application, caller: Caller, directory: Directory) -> None:
    """R-ACC-1: the person on the form is the holder of the account it names. For one's own
    filing that is the account signed in with (by its id, not its name); a reviewer's filing
    is checked against the named account."""
    own = not caller.is_reviewer
    account = people.signed_in_account(directory, caller) if own else directory.find_account(app.account)
    if account is None:
        raise FormInvalid(
            [
                FieldError(
                    "account.not_found",
                    "account",
                    f"找不到帳號 {app.account}；B、C、D 類申請須填寫既有帳號",
                    f"No account {app.account}; applications B, C and D name an existing account",
                )
            ]
        )
    errors = []
    if (account.email or "").lower() != app.form.email.lower():
        errors.append(
            FieldError(
                "email.not_the_holder",
                "email",
                f"E-mail 與帳號 {account.username} 登錄的 E-mail 不同；請填寫帳號登錄的 E-mail（如需變更，請先更新帳號資料）",
                f"The e-mail differs from the one account {account.username} holds; give the account's e-mail "
                "(to change it, update the account first)",
            )
        )
    if not people.is_holder(account, app):
        who_zh, who_en = ("您登入的帳號", "the account you signed in with") if own else ("此帳號", "this account")
        errors.append(
            FieldError(
                "national_id.not_the_holder",
                "national_id",
                f"身分證字號與{who_zh}（{account.username}）的持有人不符：B、C、D 類申請只能由帳號持有人本人提出",
                f"The national ID is not that of the holder of {who_en} ({account.username}): "
                "applications B, C and D are filed by the account's holder only",
            )
        )
    if errors:
        raise FormInvalid(errors)


def duplicates_of(uow: UnitOfWork, app: Application) -> list[str]:
    """Other applications still open for the same account, or for the same
    person at the same institution and category: a reviewer sees them flagged."""
    with uow:
        return [other.id for other in uow.applications.open_like(app) if other.id != app.id]


def _require_reviewer(caller: Caller) -> None:
    """Deciding is HPA's: the vendor's staff read, record and audit, and decide no grant (R-VEN-1)."""
    if not caller.is_reviewer:
        raise Forbidden("auth.reviewer_required", "此操作限國健署審核人員", "Only HPA reviewers may do this")


def require_staff(caller: Caller) -> None:
    """What HPA's reviewers and the vendor's staff both do: read applications, take personal-data
    requests, audit, suspend."""
    if not caller.is_staff:
        raise Forbidden(
            "auth.staff_required",
            "此操作限國健署審核人員或維護廠商",
            "Only HPA reviewers or the vendor's staff may do this",
        )


def require_vendor(caller: Caller) -> None:
    """維護廠商登錄 is filled by the system vendor (附件1 「由系統廠商填寫」, R-FORM-6)."""
    if not caller.is_vendor:
        raise Forbidden("auth.vendor_required", "此操作限維護廠商", "Only the vendor's staff may do this")


def _own_link(
    uow: UnitOfWork, app: Application, caller: Caller, directory: Directory | None, decision: str
) -> str | None:
    """What ties the application to the deciding reviewer, if anything (decision 0132): it names
    their account, a mailbox of theirs (normalised: case, +tags, dots where the domain ignores
    them) or their national ID (the realm's digest); or (with three people per decision in
    policies/duties.toml) they recorded its originals. Filing it for someone else is
    `_require_not_filer`'s (decision 0161)."""
    duties = policies.duties()
    if app.account.lower() == caller.username.lower():
        return "account"
    if same_mailbox(app.form.email, caller.email, duties.dot_blind_domains):
        return "email"
    # The reviewer's own account, read live by the token's subject (the person, not a name).
    account = people.signed_in_account(directory, caller) if directory is not None else None
    if account is not None:
        if same_mailbox(app.form.email, account.email, duties.dot_blind_domains):
            return "email"
        if people.is_holder(account, app):
            return "national_id"
    if decision in ("approve", "reject"):
        recorder = (app.originals_received_by or "").lower()
        if duties.people_per_decision >= 3 and recorder == caller.username.lower():
            return "originals"
    return None


REFUSALS = {
    "originals": (
        "正本由您登錄收件，依規定須由另一位審核人員決定",
        "You recorded this application's originals; policy asks another reviewer to decide it",
    ),
}
OWN_APPLICATION = (
    "不得審核自己的申請案（申請書上的帳號、電子郵件或身分證字號為您本人）；請由其他審核人員處理",
    "You may not decide an application that names your own account, e-mail or national ID; "
    "another reviewer must decide it",
)


def _require_independent(
    uow: UnitOfWork, app: Application, caller: Caller, decision: str, directory: Directory | None, now: datetime
) -> None:
    """Separation of duties (decisions 0132, 0161): nobody decides an application that names
    them, that they filed for someone else, or (by policy) whose originals they recorded. The
    refusal is audited."""
    if decision in ("approve", "reject"):
        _require_not_filer(uow, app, caller, decision, now)
    link = _own_link(uow, app, caller, directory, decision)
    if link is None:
        return
    uow.record(
        AuditEntry(
            actor=caller.username,
            action="decision.refused",
            at=now,
            application_id=app.id,
            details={"decision": decision, "reason": "own_application", "matched": link},
        )
    )
    uow.commit()
    zh, en = REFUSALS.get(link, OWN_APPLICATION)
    raise Forbidden("decision.own_application", zh, en)


def _require_not_filer(uow: UnitOfWork, app: Application, caller: Caller, decision: str, now: datetime) -> None:
    """Four eyes on what a reviewer files for someone else (a person, or an institution from
    its letter, R-MGR-6): another reviewer decides it. The refusal is audited."""
    if app.filed_by is None or app.filed_by.lower() != caller.username.lower():
        return
    uow.record(
        AuditEntry(
            actor=caller.username,
            action="decision.refused",
            at=now,
            application_id=app.id,
            details={"decision": decision, "reason": "own_filing", "filed_for": app.filed_for},
        )
    )
    uow.commit()
    raise Forbidden(
        "decision.own_filing",
        "此申請案由您代為提出，須由其他審核人員決定",
        "You filed this application on someone's behalf; another reviewer must decide it",
    )


def load_application(uow: UnitOfWork, application_id: str) -> Application:
    """The application, or NotFound."""
    app = uow.applications.get(application_id)
    if app is None:
        raise application_not_found(application_id)
    return app


def _reviewer_step(
    uow: UnitOfWork,
    application_id: str,
    caller: Caller,
    step: Callable[[Application], None],
    *,
    decision: str | None = None,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> Application:
    """One step a reviewer takes on one application, in one transaction; a
    `decision` is refused to a reviewer the application names."""
    _require_reviewer(caller)
    with uow:
        app = load_application(uow, application_id)
        if decision:
            _require_independent(uow, app, caller, decision, directory, now or utcnow())
        step(app)
        uow.applications.save(app)
        uow.commit()
    return app


def record_originals_received(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    documents: Iterable[str],
    letter_number: object,
    received_on: object,
    now: datetime | None = None,
) -> Application:
    """A reviewer records the originals one official letter carried (R-DOC-4)."""
    return _reviewer_step(
        uow,
        application_id,
        caller,
        lambda app: app.record_originals_received(
            by=caller.username,
            at=now or utcnow(),
            documents=documents,
            letter_number=letter_number,
            received_on=received_on,
            letter_rules=policies.letters(),
        ),
    )


def _seat_decision(
    uow: UnitOfWork,
    application_id: str,
    caller: Caller,
    decision: str,
    act: Callable[[Application, ManagerSeat, UnitOfWork], T],
    *,
    now: datetime,
    directory: Directory | None,
    attempts: int = 10,
) -> tuple[Application, T]:
    """A decision over an application and its manager seat, in one transaction.

    A concurrent decision on the same seat makes the store refuse ours; we
    then decide again on the fresh seat, where the domain gives the real
    reason (usually: the seat is taken now)."""
    _require_reviewer(caller)
    for _ in range(attempts):
        try:
            with uow:
                app = load_application(uow, application_id)
                _require_independent(uow, app, caller, decision, directory, now)
                seat = uow.seats.get(app.institution.code, app.category)
                loaded = seat.version
                result = act(app, seat, uow)
                if seat.version != loaded:
                    uow.seats.save(seat, loaded_version=loaded, application_id=app.id)
                uow.applications.save(app)
                uow.commit()
                return app, result
        except ConcurrentDecision:
            continue
    raise Busy(
        "decision.busy",
        "同時有其他核准正在處理，請稍後再試",
        "Other decisions on this seat were taken at the same time; try again",
    )


def approve(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    replacing: str | None = None,
    now: datetime | None = None,
    attempts: int = 10,
    directory: Directory | None = None,
) -> tuple[GrantChange, ...]:
    """One decision: the application approved, the manager seat updated and
    the grant changes queued for the worker, in one transaction (R-MGR-1)."""
    now = now or utcnow()

    def act(app: Application, seat: ManagerSeat, uow: UnitOfWork) -> tuple[GrantChange, ...]:
        changes = app.approve(seat, by=caller.username, at=now, replacing=replacing)
        uow.outbox.add(changes, now)
        return changes

    return _seat_decision(uow, application_id, caller, "approve", act, now=now, directory=directory, attempts=attempts)[
        1
    ]


def retry_provisioning(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> Application:
    """A failed provisioning, its cause fixed, is tried again: an A or C takes
    its manager seat again (refused if someone holds it meanwhile), and the
    failed changes go back to the outbox. Audited."""
    now = now or utcnow()

    def act(app: Application, seat: ManagerSeat, uow: UnitOfWork) -> None:
        app.retry(seat, by=caller.username, at=now)
        uow.outbox.requeue_failed(app.id, now)

    return _seat_decision(uow, application_id, caller, "retry", act, now=now, directory=directory)[0]


def cancel_application(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    reason: object,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> Application:
    """A failed application is given up: its changes stay undone and it holds
    no seat (given back when it failed; here too, should it still hold one). Audited."""
    now = now or utcnow()

    def act(app: Application, seat: ManagerSeat, uow: UnitOfWork) -> None:
        app.cancel(seat, by=caller.username, at=now, reason=reason)
        uow.outbox.cancel_failed(app.id)

    app = _seat_decision(uow, application_id, caller, "cancel", act, now=now, directory=directory)[0]
    _release_reserved_name(app, directory)
    return app


def reject(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    reason: str,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> Application:
    now = now or utcnow()
    app = _reviewer_step(
        uow,
        application_id,
        caller,
        lambda app: app.reject(by=caller.username, at=now, reason=reason),
        decision="reject",
        directory=directory,
        now=now,
    )
    _release_reserved_name(app, directory)
    return app


def _release_reserved_name(app: Application, directory: Directory | None) -> None:
    """A decided A that makes no account gives its name back (decision 0121)."""
    if app.type is ApplicationType.A and directory is not None:
        directory.release_name(app.account, app.id)


def record_vendor_processing(
    uow: UnitOfWork,
    application_id: str,
    *,
    caller: Caller,
    vendor_name: object,
    processed_on: object,
    notes: object = "",
    now: datetime | None = None,
) -> Application:
    """維護廠商登錄 (R-FORM-6): the vendor's staff record their processing; reviewers read it."""
    require_vendor(caller)
    with uow:
        app = load_application(uow, application_id)
        app.record_vendor_processing(vendor_name, processed_on, notes, by=caller.username, at=now or utcnow())
        uow.applications.save(app)
        uow.commit()
    return app


def read(uow: UnitOfWork, application_id: str, *, caller: Caller) -> Application:
    require_staff(caller)
    with uow:
        return load_application(uow, application_id)


def search(uow: UnitOfWork, *, caller: Caller, **filters: Any) -> list[Application]:
    require_staff(caller)
    with uow:
        return uow.applications.list(**filters)


def provisioning_status(uow: UnitOfWork, application_id: str, *, caller: Caller) -> tuple[Application, list[Any]]:
    require_staff(caller)
    with uow:
        app = load_application(uow, application_id)
        return app, uow.outbox.of_application(application_id)
