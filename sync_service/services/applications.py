"""Use cases around an application: submit, record originals, approve, reject,
retry or cancel a failed provisioning, vendor record, read. Each is one
transaction (one unit of work)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from ..domain import (
    Application,
    ApplicationType,
    FieldError,
    FormInvalid,
    GrantChange,
    ManagerSeat,
    new_application,
    taiwan_date,
)
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
    With a `directory`, an A naming an account that exists already is refused, and a B, C
    or D is checked against the account it names: its holder must be the person on the
    form (national ID and e-mail), answered at once rather than after the paper arrived."""
    now = now or utcnow()
    app = new_application(
        id=application_id or new_application_id(), today=taiwan_date(now), **{k: form.get(k) for k in FORM_FIELDS}
    )
    if app.type is not ApplicationType.A:
        filer = _require_filer_of(app, caller)
        if directory is not None:
            _require_the_holder(app, filer, directory)
    if app.type is ApplicationType.A and directory is not None and directory.find_account(app.account):
        raise Conflict(
            "account.exists",
            f"帳號名稱 {app.account} 已有人使用：A 類申請須另擇新帳號名稱；已有帳號者請以 C 類申請管理者權限",
            f"The account name {app.account} exists already: an application A needs a new name; "
            "someone who has an account applies with C for the manager level",
        )
    by = caller.username if caller else f"applicant:{app.form.email}"
    on_behalf_of = app.account if caller and caller.username.lower() != app.account.lower() else None
    for document in documents:
        app.attach_document(document, by=by, at=now)
    app.submit(by=by, at=now, on_behalf_of=on_behalf_of)
    with uow:
        if uow.personal_requests.processing_stopped(app.account):
            # R-PD-2: the person asked to stop the processing of their data (a decided request).
            raise Conflict(
                "application.processing_stopped",
                "此帳號之當事人已請求停止處理其個人資料，不再受理申請",
                "The holder of this account asked to stop the processing of their personal data; "
                "no application is taken for it",
            )
        uow.applications.add(app)
        uow.commit()
    return app


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
    if not caller.is_reviewer:
        raise Forbidden("auth.reviewer_required", "此操作限國健署審核人員", "Only HPA reviewers may do this")


def _own_link(app: Application, caller: Caller, directory: Directory | None) -> str | None:
    """What ties the application to the deciding reviewer themselves, if anything."""
    if app.account.lower() == caller.username.lower():
        return "account"
    if caller.email and app.form.email.lower() == caller.email.lower():
        return "email"
    account = directory.find_account(caller.username) if directory is not None else None
    if account is not None:
        if account.email and account.email.lower() == app.form.email.lower():
            return "email"
        if account.holds_national_id(app.form.national_id.value):
            return "national_id"
    return None


def _require_independent(
    uow: UnitOfWork, app: Application, caller: Caller, decision: str, directory: Directory | None, now: datetime
) -> None:
    """Separation of duties: nobody decides an application that names their own
    account, e-mail or national ID. The refusal is audited."""
    link = _own_link(app, caller, directory)
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
    raise Forbidden(
        "decision.own_application",
        "不得審核自己的申請案（申請書上的帳號、電子郵件或身分證字號為您本人）；請由其他審核人員處理",
        "You may not decide an application that names your own account, e-mail or national ID; "
        "another reviewer must decide it",
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
    documents: Iterable[str] = (),
    letter_number: str | None = None,
    received_on: str | None = None,
    now: datetime | None = None,
) -> Application:
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

    return _seat_decision(uow, application_id, caller, "cancel", act, now=now, directory=directory)[0]


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
    return _reviewer_step(
        uow,
        application_id,
        caller,
        lambda app: app.reject(by=caller.username, at=now, reason=reason),
        decision="reject",
        directory=directory,
        now=now,
    )


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
    return _reviewer_step(
        uow,
        application_id,
        caller,
        lambda app: app.record_vendor_processing(
            vendor_name, processed_on, notes, by=caller.username, at=now or utcnow()
        ),
    )


def read(uow: UnitOfWork, application_id: str, *, caller: Caller) -> Application:
    _require_reviewer(caller)
    with uow:
        return load_application(uow, application_id)


def search(uow: UnitOfWork, *, caller: Caller, **filters: Any) -> list[Application]:
    _require_reviewer(caller)
    with uow:
        return uow.applications.list(**filters)


def provisioning_status(uow: UnitOfWork, application_id: str, *, caller: Caller) -> tuple[Application, list[Any]]:
    _require_reviewer(caller)
    with uow:
        app = load_application(uow, application_id)
        return app, uow.outbox.of_application(application_id)
