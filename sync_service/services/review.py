"""What HPA reviewers read: the queue and one application's whole file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..domain import Application, ApplicationType, ManagerSeat, Status
from ..domain.references import parse_reference
from .applications import _require_reviewer, load_application, require_staff
from .errors import NotFound, SignInRequired
from .ports import Caller, Directory, UnitOfWork

QUEUE_FILTERS = ("status", "type", "category", "institution_code")


def require_reviewer(caller: Caller | None) -> Caller:
    """The reviewers' pages: SignInRequired without a session, Forbidden for anyone but a reviewer."""
    if caller is None:
        raise SignInRequired("auth.sign_in_required", "請先登入", "Sign in first")
    _require_reviewer(caller)
    return caller


def require_staff_page(caller: Caller | None) -> Caller:
    """The pages HPA's reviewers and the vendor's staff share (reading files, personal-data
    requests, audits, suspension): SignInRequired without a session, Forbidden for anyone else."""
    if caller is None:
        raise SignInRequired("auth.sign_in_required", "請先登入", "Sign in first")
    require_staff(caller)
    return caller


def find(uow: UnitOfWork, typed: object, *, caller: Caller) -> str:
    """The reference a reviewer typed or a form's QR code carried, if such an application
    exists (FieldError for a malformed one, NotFound for an unknown one)."""
    require_staff(caller)
    reference = parse_reference(typed)
    with uow:
        if uow.applications.get(reference) is None:
            raise NotFound(
                "application.not_found", f"找不到申請編號 {reference}", f"No application with reference {reference}"
            )
    return reference


@dataclass(frozen=True)
class Queue:
    applications: list[Application]
    total: int
    counts: dict[str, int]  # by status, under the other filters


# What the queue opens on (issue 21 point 8): the applications waiting for a reviewer, the one
# waiting longest first; "all" lists every application, newest first.
WAITING = "waiting"
ALL = "all"
WAITING_STATUSES = (Status.SUBMITTED.value, Status.ORIGINALS_RECEIVED.value, Status.FAILED.value)


def queue(
    uow: UnitOfWork,
    *,
    caller: Caller,
    limit: int = 50,
    offset: int = 0,
    newest_first: bool | None = None,
    **filters: str | None,
) -> Queue:
    """`status`: one status, WAITING (the default: submitted, originals received, failed) or ALL.
    `newest_first`: None for the status's own order (waiting: oldest first; anything else: newest)."""
    require_staff(caller)
    filters = {k: v for k, v in filters.items() if k in QUEUE_FILTERS and v}
    status = filters.pop("status", None) or WAITING
    statuses: tuple[str, ...] | None = WAITING_STATUSES if status == WAITING else None if status == ALL else (status,)
    if newest_first is None:
        newest_first = status != WAITING
    with uow:
        apps, total = uow.applications.queue(
            limit=limit, offset=offset, statuses=statuses, newest_first=newest_first, **filters
        )
        counts = uow.applications.counts_by_status(**filters)
    return Queue(apps, total, counts)


@dataclass(frozen=True)
class ExistingAccount:
    """An application A names an account name that exists in the identity provider (decision
    0131): the intake answered as for a new name; the reviewer is the one told."""

    same_person: bool  # the account carries the national ID on the form
    reserved: bool = False  # not an account yet: another pending A holds the name (decision 0121)


@dataclass(frozen=True)
class ReviewFile:
    application: Application
    seat: ManagerSeat
    provisioning: list[Any]
    audit_trail: list[Any]
    scans: list[Any]
    existing_account: ExistingAccount | None = None


def review_file(
    uow: UnitOfWork, application_id: str, *, caller: Caller, directory: Directory | None = None
) -> ReviewFile:
    require_staff(caller)
    with uow:
        app = load_application(uow, application_id)
        file = ReviewFile(
            app,
            uow.seats.get(app.institution.code, app.category),
            uow.outbox.of_application(app.id),
            uow.audit_trail(app.id),
            uow.scans.of_application(app.id),
        )
    if (
        directory is not None
        and app.type is ApplicationType.A
        and app.status in (Status.SUBMITTED, Status.ORIGINALS_RECEIVED)
    ):
        account = directory.find_account(app.account)
        if account is not None and account.reserved_for != app.id:  # its own hold is no finding
            same = account.holds_national_id(app.form.national_id.value)
            file = replace(file, existing_account=ExistingAccount(same, reserved=account.reserved_for is not None))
    return file
