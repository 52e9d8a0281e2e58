"""Use cases around an application: submit, record originals, approve, reject,
vendor record, read. Each is one transaction (one unit of work)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from ..domain.references import new_reference
from ..domain import Application, ApplicationType, GrantChange, new_application, taiwan_date
from .errors import Busy, Forbidden, SignInRequired, application_not_found
from .ports import Caller, ConcurrentDecision, UnitOfWork

FORM_FIELDS = ("type", "category", "institution_code", "institution_name", "department", "applicant_name",
               "account", "phone", "national_id", "email", "application_date", "reason", "effective_date")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_application_id() -> str:
    """The application's id is its reference number (申請編號), printed on the forms."""
    return new_reference()


def submit(uow: UnitOfWork, form: dict, *, caller: Caller | None, documents: Iterable[str] = (),
           now: datetime | None = None, application_id: str | None = None) -> Application:
    """Applicants submit form 1. A (a new account) is open to anyone, since the
    applicant has no account to sign in with; B, C, D name an existing account
    and need a signed-in caller."""
    now = now or utcnow()
    app = new_application(id=application_id or new_application_id(), today=taiwan_date(now),
                          **{k: form.get(k) for k in FORM_FIELDS})
    if app.type is not ApplicationType.A and caller is None:
        raise SignInRequired(
            "auth.sign_in_required",
            "B、C、D 類申請須先登入既有帳號",
            "Applications B, C and D name an existing account: sign in first",
        )
    by = caller.username if caller else f"applicant:{app.form.email}"
    for document in documents:
        app.attach_document(document, by=by, at=now)
    app.submit(by=by, at=now)
    with uow:
        uow.applications.add(app)
        uow.commit()
    return app


def _require_reviewer(caller: Caller) -> None:
    if not caller.is_reviewer:
        raise Forbidden("auth.reviewer_required", "此操作限國健署審核人員", "Only HPA reviewers may do this")


def _load(uow: UnitOfWork, application_id: str) -> Application:
    app = uow.applications.get(application_id)
    if app is None:
        raise application_not_found(application_id)
    return app


def _reviewer_step(uow: UnitOfWork, application_id: str, caller: Caller,
                   step: Callable[[Application], None]) -> Application:
    """One step a reviewer takes on one application, in one transaction."""
    _require_reviewer(caller)
    with uow:
        app = _load(uow, application_id)
        step(app)
        uow.applications.save(app)
        uow.commit()
    return app


def record_originals_received(uow: UnitOfWork, application_id: str, *, caller: Caller, documents: Iterable[str] = (),
                              letter_number: str | None = None, received_on: str | None = None,
                              now: datetime | None = None) -> Application:
    return _reviewer_step(uow, application_id, caller, lambda app: app.record_originals_received(
        by=caller.username, at=now or utcnow(), documents=documents, letter_number=letter_number,
        received_on=received_on))


def approve(uow: UnitOfWork, application_id: str, *, caller: Caller, replacing: str | None = None,
            now: datetime | None = None, attempts: int = 10) -> tuple[GrantChange, ...]:
    """One decision: the application approved, the manager seat updated and
    the grant changes queued for the worker, in one transaction (R-MGR-1).

    A concurrent decision on the same seat makes the store refuse ours; we
    then decide again on the fresh seat, where the domain gives the real
    reason (usually: the seat is taken now)."""
    _require_reviewer(caller)
    now = now or utcnow()
    for _ in range(attempts):
        try:
            with uow:
                app = _load(uow, application_id)
                seat = uow.seats.get(app.institution.code, app.category)
                loaded = seat.version
                changes = app.approve(seat, by=caller.username, at=now, replacing=replacing)
                uow.seats.save(seat, loaded_version=loaded, application_id=app.id)
                uow.applications.save(app)
                uow.outbox.add(changes, now)
                uow.commit()
                return changes
        except ConcurrentDecision:
            continue
    raise Busy("decision.busy", "同時有其他核准正在處理，請稍後再試", "Other decisions on this seat were taken at the same time; try again")


def reject(uow: UnitOfWork, application_id: str, *, caller: Caller, reason: str, now: datetime | None = None) -> Application:
    return _reviewer_step(uow, application_id, caller, lambda app: app.reject(
        by=caller.username, at=now or utcnow(), reason=reason))


def record_vendor_processing(uow: UnitOfWork, application_id: str, *, caller: Caller, vendor_name: object,
                             processed_on: object, notes: object = "", now: datetime | None = None) -> Application:
    return _reviewer_step(uow, application_id, caller, lambda app: app.record_vendor_processing(
        vendor_name, processed_on, notes, by=caller.username, at=now or utcnow()))


def read(uow: UnitOfWork, application_id: str, *, caller: Caller) -> Application:
    _require_reviewer(caller)
    with uow:
        return _load(uow, application_id)


def search(uow: UnitOfWork, *, caller: Caller, **filters) -> list[Application]:
    _require_reviewer(caller)
    with uow:
        return uow.applications.list(**filters)


def provisioning_status(uow: UnitOfWork, application_id: str, *, caller: Caller) -> tuple[Application, list]:
    _require_reviewer(caller)
    with uow:
        app = _load(uow, application_id)
        return app, uow.outbox.of_application(application_id)
