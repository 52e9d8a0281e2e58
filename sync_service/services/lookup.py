"""What an applicant may see of their own applications: by reference number and
e-mail (no account needed), or, signed in, those that name them: the person on the
form (national ID) is the holder of the account they signed in with (R-ACC-1). An
account of the same name held by someone else sees nothing of it.

A wrong reference and a wrong e-mail answer alike, so the form cannot be used
to learn which references exist."""

from __future__ import annotations

from datetime import datetime

from ..domain import Application, FieldError, FormInvalid
from ..domain.fields import clean, parse_email
from ..domain.references import parse_reference
from .applications import FORM_FIELDS, utcnow
from .errors import NotFound
from .people import is_holder
from .ports import Account, Caller


def _not_found() -> NotFound:
    return NotFound(
        "lookup.not_found",
        "查無符合此申請編號與 E-mail 的申請案，請再核對一次",
        "No application matches this reference number and e-mail address; please check both",
    )


def find_by_reference(uow, reference: object, email: object) -> Application:
    errors = []
    try:
        reference = parse_reference(reference)
    except FieldError as e:
        errors.append(e)
    try:
        email = parse_email(email)
    except FieldError as e:
        errors.append(e)
    if errors:
        raise FormInvalid(errors)
    with uow:
        app = uow.applications.get(reference)
    if app is None or app.form.email.lower() != email.lower():
        raise _not_found()
    return app


def applications_of(uow, caller: Caller, holder: Account | None, limit: int = 100) -> list[Application]:
    """What was filed for the signed-in person's account and names them, newest first."""
    with uow:
        apps = uow.applications.list(account=caller.username.lower(), limit=limit)
    return [app for app in apps if is_holder(holder, app)]


def may_see(app: Application, *, caller: Caller | None, holder: Account | None, references: set[str]) -> bool:
    """Reviewers see every application; an applicant theirs: the person on the form holds the
    account signed in with (`holder`, read live), or this browser filed the application or
    proved it with its reference and e-mail address."""
    if caller is not None and caller.is_reviewer:
        return True
    return is_holder(holder, app) or app.id in references


def form_findings(form: dict, *, now: datetime | None = None) -> dict[str, tuple[str, str]]:
    """The field rules' answer for a form as typed so far: field -> (zh, en).
    The pages' script asks this as the person types; the same parse as submit."""
    from ..domain import new_application, taiwan_date

    try:
        new_application(
            id="check", today=taiwan_date(now or utcnow()), **{k: clean(form.get(k)) or None for k in FORM_FIELDS}
        )
    except FormInvalid as e:
        return {err.field: (err.zh, err.en) for err in e.errors}
    return {}
