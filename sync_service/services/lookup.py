"""What an applicant may see of their own applications: by reference number and
e-mail (no account needed), or, signed in, those that name them: the person on the
form (national ID) is the holder of the account they signed in with (R-ACC-1). An
account of the same name held by someone else sees nothing of it.

A wrong reference and a wrong e-mail answer alike, so the form cannot be used
to learn which references exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import policies

from ..domain import Application, DomainError, FieldError, FormInvalid
from ..domain.fields import clean, parse_email
from ..domain.references import parse_reference
from .applications import FORM_FIELDS
from .clock import utcnow
from .errors import NotFound
from .people import is_holder
from .ports import Account, Caller, Directory, Scan, UnitOfWork


def _not_found() -> NotFound:
    return NotFound(
        "lookup.not_found",
        "查無符合此申請編號與 E-mail 的申請案，請再核對一次",
        "No application matches this reference number and e-mail address; please check both",
    )


def find_by_reference(uow: UnitOfWork, reference: object, email: object) -> Application:
    errors = []
    try:
        parsed_reference = parse_reference(reference)
    except FieldError as e:
        errors.append(e)
    try:
        parsed_email = parse_email(email)
    except FieldError as e:
        errors.append(e)
    if errors:
        raise FormInvalid(errors)
    with uow:
        app = uow.applications.get(parsed_reference)
    if app is None or app.form.email.lower() != parsed_email.lower():
        raise _not_found()
    return app


def applications_of(uow: UnitOfWork, viewer: Viewer, limit: int = 100) -> list[Application]:
    """What was filed for the signed-in person's account and names them, newest first."""
    assert viewer.caller is not None
    with uow:
        apps = uow.applications.list(account=viewer.caller.username.lower(), limit=limit)
    return [app for app in apps if is_holder(viewer.holder, app)]


@dataclass(frozen=True)
class Viewer:
    """Who asks to see an application: the signed-in person, if anyone, and the
    references this browser filed or proved (reference + e-mail)."""

    caller: Caller | None = None
    references: frozenset[str] = frozenset()
    # The Keycloak account the caller signed in with, read live by the token's subject
    # (None for reviewers, who see everything, and for anyone not signed in).
    holder: Account | None = None

    @property
    def name(self) -> str:
        """How the audit chain names them."""
        return self.caller.username if self.caller else "applicant"

    @property
    def is_reviewer(self) -> bool:
        return self.caller is not None and self.caller.is_reviewer

    @property
    def is_staff(self) -> bool:
        """HPA's reviewers and the vendor's staff (R-VEN-1) read every application."""
        return self.caller is not None and self.caller.is_staff


def may_see(app: Application, viewer: Viewer) -> bool:
    """Reviewers see every application; an applicant theirs: the person on the form holds
    the account signed in with, or this browser filed the application or proved it with
    its reference and e-mail address. Never the account name alone."""
    if viewer.is_staff:
        return True
    return is_holder(viewer.holder, app) or app.id in viewer.references


def _no_such_application() -> NotFound:
    # Not "forbidden": that would confirm the reference exists.
    return NotFound("application.not_found", "找不到此申請案", "No such application")


def visible_application(uow: UnitOfWork, reference: object, viewer: Viewer) -> Application:
    """The application this viewer may see, else NotFound (a malformed reference too)."""
    try:
        reference = parse_reference(reference)
    except DomainError:
        raise _no_such_application() from None
    with uow:
        app = uow.applications.get(reference)
    if app is None or not may_see(app, viewer):
        raise _no_such_application()
    return app


@dataclass(frozen=True)
class ApplicationPage:
    application: Application
    scans: list[Scan]


def application_page(uow: UnitOfWork, reference: object, viewer: Viewer) -> ApplicationPage:
    """What the application's own page shows: the application and its scans (without content)."""
    app = visible_application(uow, reference, viewer)
    with uow:
        return ApplicationPage(app, uow.scans.of_application(app.id))


def form_findings(form: dict[str, Any], *, now: datetime | None = None) -> dict[str, tuple[str, str]]:
    """The field rules' answer for a form as typed so far: field -> (zh, en).
    The pages' script asks this as the person types; the same parse as submit."""
    from ..domain import new_application, taiwan_date

    try:
        new_application(
            id="check",
            today=taiwan_date(now or utcnow()),
            catalogue=policies.load(),
            **{k: clean(form.get(k)) or None for k in FORM_FIELDS},
        )
    except FormInvalid as e:
        return {err.field: (err.zh, err.en) for err in e.errors}
    return {}


def prefill(uow: UnitOfWork, directory: Directory, caller: Caller, type_: str) -> dict[str, str]:
    """What a signed-in person's form B, C or D starts with (issue 21 point 8): what the system
    holds of them, never the national ID (typed each time: it is what proves the person). The
    institution and category are filled when the person holds exactly one grant of the level the
    type is about (a manager's for B and D, a user's for C)."""
    from ..domain import Level

    account = directory.find_account(caller.username)
    if account is None:
        return {"account": caller.username}
    profile = directory.profile_of(account.id)

    def first(name: str) -> str:
        return (profile.attributes.get(name) or [""])[0]

    values = {
        "account": caller.username,
        "applicant_name": f"{profile.last_name or ''}{profile.first_name or ''}",
        "email": profile.email or "",
        "phone": first("phone"),
        "department": first("department"),
    }
    level = Level.MANAGER if type_ in ("B", "D") else Level.USER
    grants = [g for g in directory.grants_of(account.id) if g.level is level]
    if len(grants) == 1:
        grant = grants[0]
        with uow:
            named = uow.applications.list(institution_code=grant.institution_code, limit=1)
        values.update(
            category=grant.category,
            institution_code=grant.institution_code,
            institution_name=named[0].institution.name if named else "",
        )
    return {k: v for k, v in values.items() if v}
