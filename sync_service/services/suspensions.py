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
and the managers are told: an institution's by mail and on the service's pages, the managers of
a suspended person's pairs by mail.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import policies

from ..domain import FieldError, FormInvalid, Grant, Level, taiwan_date
from ..domain.closing import LAST_GRANT_ENDED, holds_nothing
from ..domain.suspensions import INSTITUTION, PERSON, SUSPENDED, HeldGrant, PersonState, Suspension, new_suspension
from ..domain.words import Words, category_words
from .applications import require_staff
from .clock import utcnow
from .closing import AccountChange
from .closing import audit_entry as closing_audit
from .errors import Conflict, NotFound
from .institutions import named_institution
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
        return _suspend_person(uow, directory, mailer, caller, s, now)
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
        _tell_managers(uow, directory, mailer, s, lifted=False)
    return s


def _suspend_person(
    uow: UnitOfWork, directory: Directory, mailer: Mailer | None, caller: Caller, s: Suspension, now: datetime
) -> Suspension:
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
    _tell_managers(uow, directory, mailer, s, lifted=False)
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
    _tell_managers(uow, directory, mailer, s, lifted=True)
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


@dataclass(frozen=True)
class Notice:
    """A suspension as a manager reads it on every page: the institution by name and code."""

    suspension: Suspension
    where: Words


def notices_for(uow: UnitOfWork, directory: Callable[[], Directory], caller: Caller | None) -> list[Notice]:
    """What a signed-in manager is told on every page: their institution is suspended."""
    if caller is None:
        return []
    with uow:
        found = uow.suspensions.notices_for(caller.username)
    return [Notice(s, named_institution(uow, directory(), s.institution_code or "")) for s in found]


# ---- telling the managers -------------------------------------------------------------------


def _tell_managers(
    uow: UnitOfWork, directory: Directory, mailer: Mailer | None, s: Suspension, *, lifted: bool
) -> None:
    """An institution's: its managers when it was suspended. A person's: the managers of every pair
    where the person held a grant (the person drops out of their lists, so they are told why)."""
    if mailer is None:
        return
    if s.scope == INSTITUTION:
        assert s.institution_code is not None
        where = named_institution(uow, directory, s.institution_code)
        mails = [
            (account_id, suspension_mail(s, where, lifted=lifted))
            for account_id in dict.fromkeys(h.account_id for h in s.managers)
        ]
    else:
        mails = _person_mails(uow, directory, s, lifted=lifted)
    for account_id, (subject, body) in mails:
        account = directory.account(account_id)
        if account is None or not account.email:
            continue
        mail = OutgoingMail(
            to=account.email,
            subject=subject,
            body=body,
            message_id=f"<suspension-{s.id}-{'lifted' if lifted else 'on'}-{account_id}@sync-service>",
        )
        try:
            mailer.send(mail)
        except MailUnavailable:
            # An institution's managers also find the notice on every page; the suspension itself stands.
            log.warning("suspension %s: the notice to a manager did not go out", s.id)


def _person_mails(
    uow: UnitOfWork, directory: Directory, s: Suspension, *, lifted: bool
) -> list[tuple[str, tuple[str, str]]]:
    """One mail per manager, naming every pair of theirs where the suspended person held a grant."""
    profile = directory.profile_of(s.account_id) if s.account_id else None
    full_name = f"{profile.last_name or ''}{profile.first_name or ''}" if profile else ""
    pairs_of: dict[str, list[tuple[str, str]]] = {}
    for pair in dict.fromkeys((h.grant.institution_code, h.grant.category) for h in s.held):
        for account_id in directory.members(Grant(*pair, Level.MANAGER)).values():
            if account_id != s.account_id:
                pairs_of.setdefault(account_id, []).append(pair)
    names: dict[str, Words] = {}
    mails = []
    for account_id, pairs in pairs_of.items():
        where = []
        for code, category in pairs:
            if code not in names:
                names[code] = named_institution(uow, directory, code)
            zh, en = category_words(category, policies.load().categories)
            where.append((f"{names[code][0]}・{zh}", f"{names[code][1]}, {en}"))
        mails.append((account_id, person_suspension_mail(s, full_name, where, lifted=lifted)))
    return mails


def _body(zh: str, en: str) -> str:
    """zh-Hant first with the help desk, then the English under its line, as every mail of ours."""
    desk = policies.load().help_desk
    return (
        f"{zh}\n\n{desk.zh}：{desk.phone}　{desk.email}\n\n{'-' * 64}\n{en}\n\n{desk.en}: {desk.phone}  {desk.email}\n"
    )


def suspension_mail(s: Suspension, where: Words, *, lifted: bool) -> tuple[str, str]:
    """The subject and body of an institution's suspension or lifting, to its managers."""
    on = taiwan_date(s.suspended_at)
    if lifted:
        subject = f"【解除停權】機構 {where[0]} 之帳號權限已恢復 / Suspension of {where[1]} lifted"
        zh = f"機構 {where[0]} 於 {on} 之停權（文號 {s.reference}）已解除，停權前之各項帳號權限均已恢復，請重新登入。"
        en = (
            f"The suspension of institution {where[1]} of {on} (reference {s.reference}) has been lifted; "
            "every grant held before it is back. Please sign in again."
        )
    else:
        subject = f"【停權通知】機構 {where[0]} 之帳號權限已暫停 / Institution {where[1]} suspended"
        zh = (
            f"依單位切結書第九點，機構 {where[0]} 自 {on} 起停權（文號 {s.reference}）。\n"
            f"停權原因：{s.reason}\n停權期間，貴機構所有人員（含管理者）之本系統權限均暫停，資料均予保留；解除後即恢復。"
        )
        en = (
            f"Under point 9 of the unit affidavit, institution {where[1]} is suspended from {on} "
            f"(reference {s.reference}).\nReason: {s.reason}\n"
            "While it lasts, every grant of the institution's people (its managers too) is paused and "
            "nothing is deleted; everything comes back when it is lifted."
        )
    return subject, _body(zh, en)


def person_suspension_mail(s: Suspension, full_name: str, where: list[Words], *, lifted: bool) -> tuple[str, str]:
    """The subject and body of a person's suspension or lifting, to a manager of a pair where they held a grant."""
    on = taiwan_date(s.suspended_at)
    who_zh = f"{full_name}（帳號 {s.account}）" if full_name else f"帳號 {s.account}"
    who_en = f"{full_name} (account {s.account})" if full_name else f"account {s.account}"
    pairs_zh, pairs_en = "、".join(w[0] for w in where), "; ".join(w[1] for w in where)
    if lifted:
        subject = f"【解除停權】{who_zh} 之權限已恢復 / Suspension of {who_en} lifted"
        zh = (
            f"{pairs_zh} 之人員 {who_zh} 於 {on} 之停權（文號 {s.reference}）已解除，"
            "停權前之權限均已恢復，此人已重新出現於您的使用者清單。"
        )
        en = (
            f"The suspension of {who_en} of {on} (reference {s.reference}), a person of {pairs_en}, "
            "has been lifted; the grants held before it are back and the person is in your users list again."
        )
    else:
        subject = f"【停權通知】{who_zh} 之權限已暫停 / {who_en} suspended"
        zh = (
            f"依切結書第九點，{pairs_zh} 之人員 {who_zh} 自 {on} 起停權（文號 {s.reference}）。\n"
            f"停權原因：{s.reason}\n停權期間，此人之本系統權限均暫停、帳號停用，資料均予保留；"
            "此人暫不列於您的使用者清單，亦無法加入或啟用，解除後即恢復。"
        )
        en = (
            f"Under point 9 of the affidavit, {who_en}, a person of {pairs_en}, is suspended from {on} "
            f"(reference {s.reference}).\nReason: {s.reason}\n"
            "While it lasts the person's grants are paused and the account disabled, and nothing is deleted; "
            "the person is not in your users list and cannot be added or enabled until it is lifted."
        )
    return subject, _body(zh, en)
