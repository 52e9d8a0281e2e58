"""A person's rights over their personal data (R-PD-2; PDPA arts. 3, 10, 11, 13).

Signed in, a person sees what is held about them, and asks for a copy, a
correction, a stop to processing, or deletion. A reviewer decides each request
by its deadline (extendable once, with a reason); approving carries it out
in Keycloak and in the service, and the audit chain records every step.
Deletion keeps only the audit entries, pseudonymised (decision 0095).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import policies

from ..domain import Application, FieldError, FormInvalid, fields, taiwan_date
from ..domain.personal_data import WRITTEN, Letter, PersonalDataRequest, RequestStatus, new_request, parse_fee
from . import people
from .applications import require_staff
from .clock import utcnow
from .errors import Conflict, NotFound
from .people import is_holder
from .ports import Account, AuditEntry, Caller, Directory, Profile, UnitOfWork
from .scans import MAX_SCAN_BYTES, content_type_of

T = TypeVar("T")


def _not_found(request_id: str) -> NotFound:
    return NotFound("request.not_found", f"找不到個資請求 {request_id}", f"No personal-data request {request_id}")


@dataclass(frozen=True)
class HeldData:
    """Everything held about one person, and nothing about anyone else."""

    profile: Profile | None
    grants: list[dict[str, Any]]
    applications: list[dict[str, Any]]
    scans: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    requests: list[dict[str, Any]]

    def as_copy(self, now: datetime) -> dict[str, Any]:
        """The copy a person takes away (R-PD-2): plain JSON values."""
        data = asdict(self)
        if self.profile is not None and self.profile.created_at is not None:
            data["profile"]["created_at"] = self.profile.created_at.isoformat()
        return {"made_at": now.isoformat(), **data}


def _application(app: Application, *, full: bool) -> dict[str, Any]:
    f = app.form
    national_id = (
        f.national_id.value
        if full
        else (f.national_id.value[:2] + "******" + f.national_id.value[-2:] if f.national_id.value else "")
    )
    return {
        "reference": app.id,
        "type": app.type.value,
        "category": app.category,
        "institution_code": app.institution.code,
        "institution_name": app.institution.name,
        "department": f.department,
        "applicant_name": f.applicant_name,
        "account": f.account,
        "phone": f.phone.national,
        "national_id": national_id,
        "email": f.email,
        "application_date": f.application_date.isoformat(),
        "reason": f.reason,
        "effective_date": f.effective_date.isoformat() if f.effective_date else None,
        "status": app.status.value,
        "decided_at": app.decided_at.isoformat() if app.decided_at else None,
        "rejection_reason": app.rejection_reason,
    }


def _request(r: PersonalDataRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status.value,
        "filed_at": r.filed_at.isoformat(),
        "due_on": r.due_on.isoformat(),
        "extended_to": r.extended_to.isoformat() if r.extended_to else None,
        "extension_reason": r.extension_reason,
        "decision_reason": r.decision_reason,
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        # The national ID a written request was checked against is not repeated back.
        "details": {k: v for k, v in r.details.items() if k != "national_id"},
        "channel": r.channel,
        "received_on": r.received_on.isoformat() if r.received_on else None,
        "fee": r.fee,
    }


def _identifiers(uow: UnitOfWork, username: str, email: str | None) -> set[tuple[str, str]]:
    ids = {("user", username.lower())} | {("email", e) for e in uow.personal_records.emails(username)}
    if email:
        ids.add(("email", email.lower()))
    return ids


@dataclass(frozen=True)
class Subject:
    """Whose data a request is about: the account name it is filed under, the Keycloak account
    if there is one, and, for a person without one (a rejected A's applicant), the national ID
    their applications carry (R-PD-2)."""

    name: str
    account: Account | None = None
    national_id: str | None = None


def held_data(uow: UnitOfWork, directory: Directory, caller: Caller, *, full: bool = False) -> HeldData:
    """What the person's page shows (`full`: the copy, with the national ID in clear and the scans)."""
    return held_about(uow, directory, Subject(caller.username, people.signed_in_account(directory, caller)), full=full)


def held_about(uow: UnitOfWork, directory: Directory, subject: Subject, *, full: bool = False) -> HeldData:
    """Everything held about one person, signed in or identified from their letter."""
    account = subject.account
    profile = directory.profile_of(account.id) if account else None
    grants: list[dict[str, Any]] = (
        sorted(
            (
                {"institution_code": g.institution_code, "category": g.category, "level": g.level.value}
                for g in directory.grants_of(account.id)
            ),
            key=lambda g: tuple(g.values()),
        )
        if account
        else []
    )
    with uow:
        # What names them (R-ACC-1): filed for their account name and with their national ID; for a
        # person without an account, every application with their national ID.
        if account is None and subject.national_id:
            apps = uow.applications.list(national_id=subject.national_id, limit=1000)
        else:
            apps = [a for a in uow.applications.list(account=subject.name.lower(), limit=1000) if is_holder(account, a)]
        scans = []
        for app in apps:
            for s in uow.scans.of_application(app.id):
                item: dict[str, Any] = {
                    "reference": app.id,
                    "document": s.document,
                    "filename": s.filename,
                    "content_type": s.content_type,
                    "size": s.size,
                    "uploaded_at": s.uploaded_at.isoformat(),
                }
                if full:
                    stored = uow.scans.get(app.id, s.id)
                    item["content_base64"] = base64.b64encode(stored.content or b"" if stored else b"").decode()
                scans.append(item)
        email = profile.email if profile else None
        audit = uow.audit_about(_identifiers(uow, subject.name, email), {a.id for a in apps})
        requests = uow.personal_requests.of_account(subject.name)
    # The institution's name as the person's applications give it (the directory keeps codes).
    names = {a.institution.code: a.institution.name for a in apps if a.institution.name}
    grants = [{**g, "institution_name": names.get(g["institution_code"])} for g in grants]
    return HeldData(
        profile=profile,
        grants=grants,
        applications=[_application(a, full=full) for a in apps],
        scans=scans,
        audit=[
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "reference": e.application_id,
                "approved_by": e.approved_by,
                # The vendor's record names the vendor's staff: theirs, not the person's.
                "details": {k: v for k, v in (e.details or {}).items() if k not in ("vendor_record", "vendor_name")},
            }
            for e in audit
        ],
        requests=[_request(r) for r in requests],
    )


def _entry(action: str, by: str, at: datetime, request: PersonalDataRequest, **details: Any) -> AuditEntry:
    # The account through its pseudonym (policies: person_keys); never what a correction says.
    return AuditEntry(
        actor=by,
        action=f"personal_data.{action}",
        at=at,
        details={"request": request.id, "kind": request.kind, "account": request.account, **details},
    )


def file_request(
    uow: UnitOfWork, caller: Caller, form: dict[str, Any], *, now: datetime | None = None
) -> PersonalDataRequest:
    now = now or utcnow()
    request = new_request(
        id=secrets.token_hex(8),
        account=caller.username,
        kind=form.get("kind"),
        now=now,
        field_name=form.get("field"),
        value=form.get("value"),
        reason=form.get("reason"),
        rules=policies.personal_data(),
    )
    with uow:
        open_same = [
            r
            for r in uow.personal_requests.of_account(caller.username)
            if r.kind == request.kind and r.status is RequestStatus.OPEN
        ]
        if open_same:
            raise Conflict(
                "request.open",
                "同類請求仍在處理中，請等候結果",
                "A request of this kind is still open; please wait for its answer",
            )
        uow.personal_requests.add(request)
        uow.record(_entry("requested", caller.username, now, request, due_on=request.due_on.isoformat()))
        uow.commit()
    return request


def requests_of(uow: UnitOfWork, caller: Caller) -> list[PersonalDataRequest]:
    with uow:
        return uow.personal_requests.of_account(caller.username)


def may_download_copy(uow: UnitOfWork, caller: Caller) -> bool:
    """A copy (with the national ID and the scans) once a reviewer approved the request."""
    return any(r.kind == "copy" and r.status is RequestStatus.APPROVED for r in requests_of(uow, caller))


def copy_of(uow: UnitOfWork, directory: Directory, caller: Caller, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    if not may_download_copy(uow, caller):
        raise NotFound("copy.not_approved", "尚無核准的複製本請求", "No approved request for a copy")
    data = held_data(uow, directory, caller, full=True).as_copy(now)
    with uow:
        uow.record(
            AuditEntry(
                actor=caller.username,
                action="personal_data.copy_downloaded",
                at=now,
                details={"account": caller.username},
            )
        )
        uow.commit()
    return data


# ---- requests received in writing (附件4 五 「以書面…向資拓宏宇行使」; R-PD-2, R-VEN-1) -------------

WRITTEN_FIELDS = ("kind", "account", "national_id", "received_on", "fee", "field", "value", "reason")


def register_written(
    uow: UnitOfWork,
    directory: Directory,
    caller: Caller,
    form: dict[str, Any],
    *,
    letter_name: str,
    letter_data: bytes,
    now: datetime | None = None,
) -> PersonalDataRequest:
    """The vendor's (or HPA's) staff register a request that came by letter, for anyone: a person
    with an account (stopped at their own request too) or without one (a rejected A's applicant,
    whose national ID is kept). The requester is identified by the national ID the letter gives,
    checked against the account's digest or their applications; the letter's scan is kept; a
    fee is recorded if one was charged; the deadline counts from the day the letter arrived and
    the request then goes as an online one does (extend once, approve and carry out, refuse)."""
    require_staff(caller)
    now = now or utcnow()
    today = taiwan_date(now)
    errors: list[FieldError] = []

    def take(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except FieldError as e:
            errors.append(e)
        except FormInvalid as e:
            errors.extend(e.errors)
        return None

    national_id = take(lambda: fields.parse_personal_id(form.get("national_id"), today=today))
    received_on = take(lambda: fields.parse_received_on(form.get("received_on"), earliest=date.min, today=today))
    fee = take(lambda: parse_fee(form.get("fee")))
    named = fields.clean(form.get("account"), "account")
    account_name = take(lambda: fields.parse_existing_account_name(named)) if named else None
    kind = take(lambda: fields.parse_text(form.get("kind"), "kind", "請求類別", "Request", 10))
    letter = take(lambda: _letter(letter_name, letter_data))
    draft = take(
        lambda: new_request(
            id=secrets.token_hex(8),
            account=account_name or "-",
            kind=kind,
            now=now,
            field_name=form.get("field"),
            value=form.get("value"),
            reason=form.get("reason"),
            received_on=received_on,
            rules=policies.personal_data(),
        )
    )
    if errors or draft is None or national_id is None:
        raise FormInvalid(errors)
    subject = _written_subject(uow, directory, account_name, national_id.value)
    draft.account = subject.name.lower()
    draft.channel, draft.registered_by, draft.received_on, draft.fee = WRITTEN, caller.username, received_on, fee
    draft.letter = letter
    # The national ID checked, kept encrypted with the request: it finds an account-less person's records.
    draft.details = {**draft.details, "national_id": national_id.value}
    with uow:
        uow.personal_requests.add(draft)
        uow.record(
            _entry(
                "requested",
                caller.username,
                now,
                draft,
                due_on=draft.due_on.isoformat(),
                channel=WRITTEN,
                received_on=received_on.isoformat() if received_on else None,
                fee=fee,
            )
        )
        uow.commit()
    return draft


def _letter(name: str, data: bytes) -> Letter:
    if not data:
        raise FieldError("letter.required", "letter", "請上傳來函掃描檔", "Upload the scan of the letter")
    if len(data) > MAX_SCAN_BYTES:
        raise FieldError(
            "letter.too_large",
            "letter",
            f"掃描檔最大 {MAX_SCAN_BYTES // 1024 // 1024} MB",
            f"A scan is at most {MAX_SCAN_BYTES // 1024 // 1024} MB",
        )
    kind = content_type_of(data)
    if kind is None:
        raise FieldError(
            "letter.type", "letter", "掃描檔須為 PDF、PNG 或 JPEG", "The scan must be a PDF, PNG or JPEG file"
        )
    clean = "".join(c for c in name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if c.isprintable())[:200] or "letter"
    return Letter(clean, kind, len(data), data)


def _written_subject(uow: UnitOfWork, directory: Directory, account_name: str | None, national_id: str) -> Subject:
    """Who the letter is from, proved by the national ID against what we hold: the named account's
    digest, or (no account) their applications."""
    account = directory.find_account(account_name) if account_name else None
    if account is not None:
        if not account.holds_national_id(national_id):
            raise FormInvalid(
                [
                    FieldError(
                        "national_id.not_the_holder",
                        "national_id",
                        f"身分證字號與帳號 {account.username} 的持有人不符",
                        f"The national ID is not that of the holder of account {account.username}",
                    )
                ]
            )
        return Subject(account.username, account, national_id)
    with uow:
        apps = uow.applications.list(national_id=national_id, limit=1000)
    if account_name:
        apps = [a for a in apps if a.account.lower() == account_name.lower()]
    if not apps:
        raise FormInvalid(
            [
                FieldError(
                    "national_id.nothing_held",
                    "national_id",
                    "本系統查無此身分證字號（及帳號）之帳號或申請資料；請以書面回覆當事人未持有其個人資料",
                    "Nothing is held under this national ID (and account): answer the person in writing that "
                    "no personal data of theirs is held",
                )
            ]
        )
    # Their newest application's account name files the request (the person has no account).
    return Subject(apps[0].account, None, national_id)


def written_copy(
    uow: UnitOfWork, directory: Directory, request_id: str, caller: Caller, *, now: datetime | None = None
) -> dict[str, Any]:
    """The copy a written request asked for, once approved: for the staff to send the person."""
    require_staff(caller)
    now = now or utcnow()
    request = get(uow, request_id, caller)
    if request.channel != WRITTEN or request.kind != "copy" or request.status is not RequestStatus.APPROVED:
        raise NotFound("copy.not_approved", "此請求沒有核准的複製本", "This request has no approved copy")
    subject = _subject_of(directory, request)
    data = held_about(uow, directory, subject, full=True).as_copy(now)
    with uow:
        uow.record(
            AuditEntry(
                actor=caller.username,
                action="personal_data.copy_downloaded",
                at=now,
                details={"request": request.id, "account": request.account, "channel": WRITTEN},
            )
        )
        uow.commit()
    return data


def letter_of(uow: UnitOfWork, request_id: str, caller: Caller) -> Letter:
    require_staff(caller)
    with uow:
        letter = uow.personal_requests.letter(request_id)
    if letter is None:
        raise NotFound("letter.not_found", "此請求沒有來函掃描檔", "This request has no letter")
    return letter


def _subject_of(directory: Directory, request: PersonalDataRequest) -> Subject:
    """The request's person; for a written one, an account of that name counts only if it is
    theirs (a rejected applicant's proposed name may be someone else's account by now)."""
    account = directory.find_account(request.account)
    national_id = request.details.get("national_id")
    if account is not None and national_id and not account.holds_national_id(national_id):
        account = None
    return Subject(request.account, account, national_id)


# ---- reviewers ----------------------------------------------------------------


def queue(uow: UnitOfWork, caller: Caller, status: str | None = "open") -> list[PersonalDataRequest]:
    require_staff(caller)
    with uow:
        return uow.personal_requests.queue(status=status)


def get(uow: UnitOfWork, request_id: str, caller: Caller) -> PersonalDataRequest:
    require_staff(caller)
    with uow:
        request = uow.personal_requests.get(request_id)
    if request is None:
        raise _not_found(request_id)
    return request


def _decide(
    uow: UnitOfWork,
    request_id: str,
    caller: Caller,
    act: Callable[[UnitOfWork, PersonalDataRequest], T],
    now: datetime,
) -> T:
    require_staff(caller)
    with uow:
        request = uow.personal_requests.get(request_id)
        if request is None:
            raise _not_found(request_id)
        result = act(uow, request)
        uow.personal_requests.save(request)
        uow.commit()
    return result


def extend(uow: UnitOfWork, request_id: str, caller: Caller, reason: object, *, now: datetime | None = None) -> None:
    now = now or utcnow()

    def act(uow: UnitOfWork, request: PersonalDataRequest) -> None:
        request.extend(reason, by=caller.username, rules=policies.personal_data())
        uow.record(_entry("extended", caller.username, now, request, extended_to=str(request.extended_to)))

    _decide(uow, request_id, caller, act, now)


def reject(uow: UnitOfWork, request_id: str, caller: Caller, reason: object, *, now: datetime | None = None) -> None:
    now = now or utcnow()

    def act(uow: UnitOfWork, request: PersonalDataRequest) -> None:
        request.reject(reason, by=caller.username, at=now)
        uow.record(_entry("rejected", caller.username, now, request))

    _decide(uow, request_id, caller, act, now)


def approve(
    uow: UnitOfWork, directory: Directory, request_id: str, caller: Caller, *, now: datetime | None = None
) -> dict[str, Any]:
    """Approve and carry out: Keycloak first (a refusal there leaves the request open,
    nothing recorded), then the service's records, the decision and its record in one commit."""
    now = now or utcnow()

    def act(uow: UnitOfWork, request: PersonalDataRequest) -> dict[str, Any]:
        request.approve(by=caller.username, at=now)
        done = _carry_out(uow, directory, request, now)
        uow.record(_entry("approved", caller.username, now, request, applied=done))
        return done

    return _decide(uow, request_id, caller, act, now)


def _carry_out(uow: UnitOfWork, directory: Directory, request: PersonalDataRequest, now: datetime) -> dict[str, Any]:
    account = _subject_of(directory, request).account
    if request.kind == "copy":
        return {"copy": "available"}
    if request.kind == "correct":
        field, value = request.details["field"], request.details["value"]
        name = None
        if account:
            directory.correct_profile(account.id, field, value)
            if field in ("first_name", "last_name"):
                p = directory.profile_of(account.id)
                name = f"{p.last_name or ''}{p.first_name or ''}"
        changed = uow.personal_records.correct(request.account, field, value, applicant_name=name)
        return {"field": field, "keycloak": bool(account), "applications": changed}
    if request.kind == "stop":
        if account:
            directory.set_enabled(account.id, False)
            directory.end_sessions(account.id)
        return {"keycloak": "disabled" if account else "no account", "new_applications": "refused"}
    # delete
    if uow.personal_records.holds_manager_seat(request.account):
        raise Conflict(
            "request.manager_seat",
            "此人仍為機構管理者：請先以 B 類申請或更換管理者交接後，再辦理刪除",
            "This person still holds a manager seat: hand it over (application B or a replacement) before the deletion",
        )
    email = account.email if account else None
    identifiers = _identifiers(uow, request.account, email)
    pseudonym = uow.pseudonym_of("user", request.account, now)
    if account:
        directory.delete_account(account.id)
    counts = uow.personal_records.erase(request.account, pseudonym, account.id if account else None)
    request_count = uow.personal_requests.pseudonymise(request.account, pseudonym)
    request.account = pseudonym
    uow.erase_person(identifiers, now)
    return {"keycloak": "deleted" if account else "no account", **counts, "requests": request_count}


def today(now: datetime | None = None) -> date:
    return taiwan_date(now or utcnow())
