"""Suspending an institution or a person, and lifting it (停權, R-SUS-1, decision 0163).

附件2-1 九: 「若本單位違反以上事項，機關或資拓宏宇得以停權處分」. HPA's reviewers or the vendor's staff
suspend with a reason and a reference. Every grant under the suspension stops at once: an
institution's people leave its grant groups (so the next token carries none of its grants and
the managers lose the console's permissions) and their sessions end (tokens held are refused on
the next call that asks Keycloak); a suspended person's account is disabled and marked like a
closed account with its own key (`screening.closedBecause = suspended`). Nothing is deleted:
the grants taken away are kept with the suspension, and lifting it gives exactly those back.
While an institution is suspended, the worker holds its decided changes (the outbox claim skips
it) and the reconciler leaves it alone; both go on after the lifting. Both steps are audited,
and the institution's managers are told, by mail and on the service's pages.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import date, datetime

import policies

from ..domain import FieldError, FormInvalid, Grant, Level, taiwan_date
from ..domain.closing import LAST_GRANT_ENDED, holds_nothing
from ..domain.suspensions import INSTITUTION, PERSON, SUSPENDED, HeldGrant, PersonState, Suspension, new_suspension
from .applications import require_staff
from .clock import utcnow
from .closing import AccountChange
from .closing import audit_entry as closing_audit
from .errors import Conflict, NotFound
from .ports import AuditEntry, Caller, Directory, Mailer, MailUnavailable, OutgoingMail, UnitOfWork

log = logging.getLogger(__name__)


def _not_found(suspension_id: str) -> NotFound:
    return NotFound("suspension.not_found", f"找不到停權紀錄 {suspension_id}", f"No suspension {suspension_id}")


def _entry(action: str, by: str, at: datetime, s: Suspension, **details: object) -> AuditEntry:
    return AuditEntry(
        actor=by,
        action=f"suspension.{action}",
        at=at,
        details={
            "suspension": s.id,
            "scope": s.scope,
            # An institution's suspension belongs to its audit export (decision 0091 reads `institutions`).
            "institutions": [s.institution_code] if s.institution_code else None,
            "account": s.account,
            "reason": s.reason,
            "reference": s.reference,
            **details,
        },
    )


def held_by_institution(directory: Directory, institution: str) -> list[HeldGrant]:
    """Every grant of the institution's people, as Keycloak holds it now."""
    return [
        HeldGrant(account_id, username, grant)
        for category in policies.load().categories
        for level in Level
        for grant in [Grant(institution, category, level)]
        for username, account_id in sorted(directory.members(grant).items())
    ]


def suspend(
    uow: UnitOfWork,
    directory: Directory,
    mailer: Mailer | None,
    caller: Caller,
    form: Mapping[str, object],
    *,
    now: datetime | None = None,
) -> Suspension:
    """Suspend an institution (`scope` institution, `institution_code`) or a person (`scope` person,
    `account`), with `reason` and `reference`. Suspending an institution that is suspended already
    applies its suspension again (a grant given back by hand, a step that failed half-way)."""
    require_staff(caller)
    now = now or utcnow()
    s = new_suspension(
        id=secrets.token_hex(8),
        scope=str(form.get("scope") or ""),
        reason=form.get("reason"),
        reference=form.get("reference"),
        by=caller.username,
        at=now,
        institution_code=form.get("institution_code"),
        account=form.get("account"),
    )
    if s.scope == PERSON:
        return _suspend_person(uow, directory, caller, s, now)
    return _suspend_institution(uow, directory, mailer, caller, s, now)


def _suspend_institution(
    uow: UnitOfWork, directory: Directory, mailer: Mailer | None, caller: Caller, s: Suspension, now: datetime
) -> Suspension:
    assert s.institution_code is not None
    with uow:
        existing = uow.suspensions.active_for_institution(s.institution_code)
    held = held_by_institution(directory, s.institution_code)
    if existing is not None:
        s = existing  # applied again: its reason and reference stay, any grant found now is added
    known = {(h.account_id, h.grant) for h in s.held}
    s.held += [h for h in held if (h.account_id, h.grant) not in known]
    # Recorded first: from this commit the worker holds the institution's changes and the
    # reconciler leaves it alone, so nothing gives a grant back behind the suspension.
    with uow:
        if existing is None:
            uow.suspensions.add(s)
            uow.record(_entry("suspended", caller.username, now, s, grants=len(s.held)))
        else:
            uow.suspensions.save(s)
            uow.record(_entry("applied_again", caller.username, now, s, grants=len(s.held)))
        uow.commit()
    _take_away(directory, s, now)
    if existing is None:
        _tell_managers(directory, mailer, s, lifted=False)
    return s


def _suspend_person(uow: UnitOfWork, directory: Directory, caller: Caller, s: Suspension, now: datetime) -> Suspension:
    assert s.account is not None
    account = directory.find_account(s.account)
    if account is None:
        raise FormInvalid(
            [FieldError("account.not_found", "account", f"找不到帳號 {s.account}", f"No account {s.account}")]
        )
    with uow:
        if uow.suspensions.active_for_account(account.id) is not None:
            raise Conflict("suspension.active", "此帳號已在停權中", "This account is suspended already")
    closed = account.closed
    s.account, s.account_id = account.username, account.id
    s.person_state = PersonState(account.enabled, closed[0] if closed else None, closed[1] if closed else None)
    s.held = [HeldGrant(account.id, account.username, g) for g in sorted(directory.grants_of(account.id), key=str)]
    with uow:
        uow.suspensions.add(s)
        uow.record(_entry("suspended", caller.username, now, s, grants=len(s.held)))
        uow.commit()
    # Closed for its last grant? The suspension's own mark replaces that one (a later grant would
    # otherwise open it behind the suspension); the lifting puts it back, with its date.
    if closed and closed[1] == LAST_GRANT_ENDED:
        directory.reopen_account(account.id, LAST_GRANT_ENDED)
    _take_away(directory, s, now, close_anyway=frozenset({account.id}))
    return s


def _take_away(directory: Directory, s: Suspension, now: datetime, close_anyway: frozenset[str] = frozenset()) -> None:
    """Every held grant leaves its group (the token's `grants` claim is read from the groups, so it
    carries none of them; the managers lose the console's permissions with their group); the
    sessions end at once; an account left with nothing (or the suspended person's) is closed with
    the suspension's own key, so the sign-in page says why and no later grant opens it."""
    for h in s.held:
        directory.leave(h.account_id, h.grant)
    for account_id in dict.fromkeys([*(h.account_id for h in s.held), *close_anyway]):
        if account_id in close_anyway or holds_nothing(
            directory.grants_of(account_id), directory.realm_roles_of(account_id)
        ):
            directory.close_account(account_id, taiwan_date(now), SUSPENDED)
        directory.end_sessions(account_id)  # tokens held are refused on their next call


def lift(
    uow: UnitOfWork,
    directory: Directory,
    mailer: Mailer | None,
    caller: Caller,
    suspension_id: str,
    reason: object,
    *,
    now: datetime | None = None,
) -> Suspension:
    """Give back exactly what the suspension took: each grant still held aside (to the accounts that
    still exist), and each account as it was. Keycloak first (lifting again after a failure
    changes nothing twice), then the record and its audit row. An account another suspension
    still covers stays closed; one whose last grant ended meanwhile closes for that (decision 0126)."""
    require_staff(caller)
    now = now or utcnow()
    with uow:
        s = uow.suspensions.get(suspension_id)
        if s is None:
            raise _not_found(suspension_id)
        s.lift(by=caller.username, at=now, reason=reason)
        accounts = list(dict.fromkeys([*(h.account_id for h in s.held), *([s.account_id] if s.account_id else [])]))
        # Another suspension still over the same person: their own (the account stays closed, and
        # what this one gives back goes to that one), or an institution's holding some grant.
        person = {a: uow.suspensions.active_for_account(a, excluding=s.id) for a in accounts}
        elsewhere = {a for a in accounts if uow.suspensions.holds_any(a, excluding=s.id)}
    restored, gone, closed, handed = 0, [], [], []
    for h in s.held:
        if h.ended:
            continue  # ended while suspended (a departure date): nothing to give back
        if directory.account(h.account_id) is None:
            gone.append(h.username)  # removed meanwhile: nothing to give back to
            continue
        own = person.get(h.account_id)
        if own is not None:
            own.held.append(h)  # comes back when the person's own suspension is lifted
            handed.append(own)
            continue
        directory.join(h.account_id, h.grant)
        restored += 1
    for account_id in accounts:
        account = directory.account(account_id) if person.get(account_id) is None else None
        if account is not None and _settle(directory, s, account_id, now, held_elsewhere=account_id in elsewhere):
            closed.append(account.username)
    with uow:
        uow.suspensions.save(s)
        for other in handed:
            uow.suspensions.save(other)
        uow.record(_entry("lifted", caller.username, now, s, lift_reason=s.lift_reason, restored=restored, gone=gone))
        for username in closed:
            uow.record(
                closing_audit(
                    AccountChange.CLOSED, actor=caller.username, username=username, at=now, after="suspension"
                )
            )
        uow.commit()
    if s.scope == INSTITUTION:
        _tell_managers(directory, mailer, s, lifted=True)
    return s


def _settle(directory: Directory, s: Suspension, account_id: str, now: datetime, *, held_elsewhere: bool) -> bool:
    """The account as it was before the suspension; True when it closes now because its last
    grant ended while it was suspended (a departure date, an ending: decision 0126)."""
    nothing = holds_nothing(directory.grants_of(account_id), directory.realm_roles_of(account_id))
    if nothing and held_elsewhere:
        return False  # another institution's suspension holds what it has: closed for that, still
    directory.reopen_account(account_id, SUSPENDED)
    state = s.person_state if s.account_id == account_id else None
    if state and state.closed_on and state.closed_because and state.closed_because != SUSPENDED:
        directory.close_account(account_id, date.fromisoformat(state.closed_on), state.closed_because)
        return False
    if state and not state.enabled and not state.closed_on:
        directory.set_enabled(account_id, False)  # disabled by hand before: stays so
        return False
    if nothing:
        directory.close_account(account_id, taiwan_date(now), LAST_GRANT_ENDED)
        return True
    return False


def listed(uow: UnitOfWork, caller: Caller) -> list[Suspension]:
    require_staff(caller)
    with uow:
        return uow.suspensions.listed()


def get(uow: UnitOfWork, suspension_id: str, caller: Caller) -> Suspension:
    require_staff(caller)
    with uow:
        s = uow.suspensions.get(suspension_id)
    if s is None:
        raise _not_found(suspension_id)
    return s


def notices_for(uow: UnitOfWork, caller: Caller | None) -> list[Suspension]:
    """What a signed-in manager is told on every page: their institution is suspended."""
    if caller is None:
        return []
    with uow:
        return uow.suspensions.notices_for(caller.username)


# ---- telling the institution's managers ----------------------------------------------------


def _tell_managers(directory: Directory, mailer: Mailer | None, s: Suspension, *, lifted: bool) -> None:
    if mailer is None:
        return
    for h in s.managers:
        account = directory.account(h.account_id)
        if account is None or not account.email:
            continue
        try:
            mailer.send(suspension_mail(s, account.email, lifted=lifted))
        except MailUnavailable:
            # The notice also waits on every page they open; the suspension itself stands.
            log.warning("suspension %s: the notice to a manager did not go out", s.id)


def suspension_mail(s: Suspension, to: str, *, lifted: bool) -> OutgoingMail:
    desk = policies.load().help_desk
    where = s.institution_code or ""
    if lifted:
        subject = f"【解除停權】機構 {where} 之帳號權限已恢復 / Suspension lifted"
        zh = (
            f"機構 {where} 於 {taiwan_date(s.suspended_at)} 之停權（文號 {s.reference}）已解除，"
            "停權前之各項帳號權限均已恢復，請重新登入。"
        )
        en = (
            f"The suspension of institution {where} of {taiwan_date(s.suspended_at)} (reference {s.reference}) "
            "has been lifted; every grant held before it is back. Please sign in again."
        )
    else:
        subject = f"【停權通知】機構 {where} 之帳號權限已暫停 / Institution suspended"
        zh = (
            f"依單位切結書第九點，機構 {where} 自 {taiwan_date(s.suspended_at)} 起停權（文號 {s.reference}）。\n"
            f"停權原因：{s.reason}\n停權期間，貴機構所有人員（含管理者）之本系統權限均暫停，資料均予保留；解除後即恢復。"
        )
        en = (
            f"Under point 9 of the unit affidavit, institution {where} is suspended from "
            f"{taiwan_date(s.suspended_at)} (reference {s.reference}).\nReason: {s.reason}\n"
            "While it lasts, every grant of the institution's people (its managers too) is paused and "
            "nothing is deleted; everything comes back when it is lifted."
        )
    body = f"{zh}\n\n{en}\n\n{desk.zh}：{desk.phone}　{desk.email}\n{desk.en}: {desk.phone}  {desk.email}\n"
    return OutgoingMail(
        to=to, subject=subject, body=body, message_id=f"<suspension-{s.id}-{'lifted' if lifted else 'on'}@sync-service>"
    )
