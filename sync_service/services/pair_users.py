"""The people of a manager's (institution, category), on the managers' page of the sync
service (issue 18 items 3 and 4, decision 0127): what Keycloak 26.7.3's admin console cannot do
for a manager, who holds rights only over the members of their own `users` group.

- Everyone holding the pair's user grant is listed, including people who also hold grants of
  other pairs (the console refuses to open those: a DENY of the other pair wins, keycloak#52188).
- A manager ends such a grant, at once or from a date, and nothing else of the person.
- A manager adds an existing account to the pair (R-USR-1, §二(三)3 「已有帳號僅需增加權限」):
  the account name and the person's national ID must name one account, or the answer is the
  same as for no account; the manager confirms that the person signed 附件3 and keeps it.

Who the manager is comes from their live grants in Keycloak (the manager grant of the pair
now), never from a name in the page's session. Every change is the sync service's, with its
own rights, recorded in the audit chain with the manager as actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import policies

from ..domain import FieldError, FormInvalid, Grant, Level, taiwan_date
from ..domain.fields import parse_date, parse_existing_account_name, parse_personal_id
from ..domain.suspensions import SUSPENDED
from . import closing
from .errors import Conflict, Forbidden, NotFound
from .institutions import institution_name
from .ports import Account, AuditEntry, Caller, DepartureDates, Directory, GrantEnding, Holder, UnitOfWork

JOB = "sync-service"  # the audit chain's actor for a dated ending applied on its day

Pair = tuple[str, str]  # (institution code, category)


@dataclass(frozen=True)
class PairPerson:
    holder: Holder
    elsewhere: bool  # also holds a grant of another pair: the console will not open them
    ending_on: date | None  # a pending ending of this pair's grant


@dataclass(frozen=True)
class PairPage:
    institution_code: str
    institution_name: str
    category: str
    people: list[PairPerson]


@dataclass(frozen=True)
class Candidate:
    """The person an account name and national ID named, for the manager to confirm."""

    account_id: str
    username: str
    name: str
    institution_name: str


def no_match() -> NotFound:
    """The one answer for a name that is no account and for a national ID that is not its
    holder's, so the form cannot be used to learn which accounts exist or whose they are."""
    return NotFound(
        "pair_users.no_match",
        "查無帳號與身分證字號相符的人員：請核對帳號名稱與身分證字號（兩者須屬同一人）",
        "No person holds this account with this national ID: check both (they must belong to one person)",
    )


def managed_pairs(directory: Directory, caller: Caller) -> list[Pair]:
    """The pairs the caller manages now (their live manager grants)."""
    return sorted(
        {(g.institution_code, g.category) for g in directory.grants_of(caller.subject) if g.level is Level.MANAGER}
    )


def _require_manager(directory: Directory, caller: Caller, pair: Pair) -> None:
    if pair not in managed_pairs(directory, caller):
        raise Forbidden(
            "pair_users.not_manager",
            "您目前不是此機構此業務類別的管理者",
            "You are not the manager of this institution and category now",
        )


def _user_grant(pair: Pair) -> Grant:
    return Grant(pair[0], pair[1], Level.USER)


def pages_of(uow: Callable[[], UnitOfWork], directory: Directory, caller: Caller) -> list[PairPage]:
    """Every pair the caller manages, with everyone holding its user grant."""
    pages = []
    for pair in managed_pairs(directory, caller):
        grant = _user_grant(pair)
        with uow() as u:
            endings = u.grant_endings.of_pair(*pair)
        people = [
            PairPerson(h, bool(directory.grants_of(h.id) - {grant}), e.end_on if (e := endings.get(h.id)) else None)
            for h in directory.holders(grant)
        ]
        pages.append(PairPage(pair[0], institution_name(uow(), directory, pair[0]), pair[1], people))
    return pages


def _record(uow: UnitOfWork, *entries: AuditEntry) -> None:
    with uow:
        for entry in entries:
            uow.record(entry)
        uow.commit()


def _entry(action: str, caller: Caller | str, pair: Pair, username: str, at: datetime, **details: object) -> AuditEntry:
    actor = caller if isinstance(caller, str) else caller.username
    return AuditEntry(
        actor=actor,
        action=action,
        at=at,
        details={
            "account": username,
            "institution_code": pair[0],
            "category": pair[1],
            "level": Level.USER.value,
            **details,
        },
    )


# ---- adding an existing account (item 3) --------------------------------------------------


def find_person(
    uow: Callable[[], UnitOfWork],
    directory: Directory,
    caller: Caller,
    pair: Pair,
    *,
    account: object,
    national_id: object,
    now: datetime,
) -> Candidate:
    """The account the name and national ID name together, for the manager to confirm; the
    same refusal (NotFound) for any mismatch. Refusals are audited."""
    _require_manager(directory, caller, pair)
    errors: list[FieldError] = []
    username = number = ""
    try:
        username = parse_existing_account_name(account)
    except FieldError as e:
        errors.append(e)
    try:
        number = parse_personal_id(national_id, today=taiwan_date(now)).value
    except FieldError as e:
        errors.append(e)
    if errors:
        raise FormInvalid(errors)
    found = directory.find_account(username)
    if found is None or not found.holds_national_id(number):
        _record(uow(), _entry("grant.add_refused", caller, pair, username, now, reason="no_match"))
        raise no_match()
    _require_addable(directory, caller, pair, found.id)
    return candidate(uow, directory, caller, pair, account_id=found.id)


def candidate(
    uow: Callable[[], UnitOfWork], directory: Directory, caller: Caller, pair: Pair, *, account_id: str
) -> Candidate:
    """The person a found ticket names, as 附件3 is prefilled for them."""
    _require_manager(directory, caller, pair)
    account = directory.account(account_id)
    if account is None:
        raise no_match()
    profile = directory.profile_of(account.id)
    name = f"{profile.last_name or ''}{profile.first_name or ''}" or account.username
    return Candidate(account.id, account.username, name, institution_name(uow(), directory, pair[0]))


def _require_addable(directory: Directory, caller: Caller, pair: Pair, account_id: str) -> set[Grant]:
    grants = directory.grants_of(account_id)
    if account_id == caller.subject or Grant(pair[0], pair[1], Level.MANAGER) in grants:
        raise Conflict(
            "pair_users.is_manager",
            "管理者本人不能同時是此業務類別的使用者",
            "The manager cannot also be a user of this institution and category",
        )
    if _user_grant(pair) in grants:
        raise Conflict(
            "pair_users.already",
            "此人員已是本機構此業務類別的使用者",
            "This person is already a user of this institution and category",
        )
    return grants


def add_person(
    uow: Callable[[], UnitOfWork],
    directory: Directory,
    dates: DepartureDates,
    caller: Caller,
    pair: Pair,
    *,
    account_id: str,
    consent_signed_on: object,
    kept_on_file: bool,
    now: datetime,
) -> Candidate:
    """The found person joins the pair's users group (R-USR-1, R-USR-3): the manager confirms
    the date the person signed 附件3 and that the signed copy is kept at the institution."""
    _require_manager(directory, caller, pair)
    errors = []
    try:
        signed_on = parse_date(consent_signed_on, "consent_signed_on", "附件3 簽署日期", "Date 附件3 was signed")
        if signed_on > taiwan_date(now):
            errors.append(
                FieldError(
                    "consent_signed_on.future",
                    "consent_signed_on",
                    "簽署日期不可晚於今天",
                    "The date it was signed cannot be later than today",
                )
            )
    except FieldError as e:
        errors.append(e)
    if not kept_on_file:
        errors.append(
            FieldError(
                "kept_on_file.required",
                "kept_on_file",
                "請確認已簽署之保密同意書（附件3）已留院備查",
                "Confirm that the signed consent (附件3) is kept on file at your institution",
            )
        )
    if errors:
        raise FormInvalid(errors)
    account = directory.account(account_id)
    if account is None:
        raise no_match()
    if account.closed and account.closed[1] == SUSPENDED:
        # A grant now would put them in this pair's console, where they could be enabled (R-SUS-1).
        raise Conflict(
            "pair_users.suspended",
            "此人員已被停權，停權解除前不能加入；請洽國健署",
            "This person is suspended and cannot be added until the suspension is lifted; please contact HPA",
        )
    before = _require_addable(directory, caller, pair, account.id)
    endings = _pending_departure(account, before, now)
    directory.join(account.id, _user_grant(pair))
    rows = [_entry("grant.added", caller, pair, account.username, now, consent_signed_on=signed_on.isoformat())]
    if closing.reopen(directory, account.id):
        rows.append(
            closing.audit_entry(
                closing.AccountChange.REOPENED, actor=caller.username, username=account.username, at=now, after="grant"
            )
        )
    with uow() as u:
        for ending in endings:
            u.grant_endings.set(ending)
        for entry in rows:
            u.record(entry)
        u.commit()
    if endings:
        dates.clear(account.id, endings[0].end_on)
    return candidate(uow, directory, caller, pair, account_id=account.id)


def _pending_departure(account: Account, grants: set[Grant], now: datetime) -> list[GrantEnding]:
    """A departure date set in the console ends every user grant the person holds on that day
    (decision 0081), set by the one manager whose grant they held. Gaining a grant here, it is
    turned into an ending of those grants alone, so this pair's grant is not taken with them."""
    values = account.attributes.get(policies.departures().user_attribute) or []
    try:
        on = date.fromisoformat(values[0].strip()) if values else None
    except ValueError:
        on = None
    if on is None:
        return []
    return [
        GrantEnding(account.id, account.username, g.institution_code, g.category, on, "departure-date", now)
        for g in sorted(grants, key=lambda g: (g.institution_code, g.category))
        if g.level is Level.USER
    ]


# ---- ending one grant (item 4) ------------------------------------------------------------


def end_grant(
    uow: Callable[[], UnitOfWork],
    directory: Directory,
    caller: Caller,
    pair: Pair,
    *,
    account_id: str,
    on: object,
    now: datetime,
) -> date | None:
    """End the person's grant of this pair and nothing else of them: at once (no date, or
    today), or from a date (00:00 Taipei; the job `grant-endings`). None when ended now."""
    _require_manager(directory, caller, pair)
    grant = _user_grant(pair)
    if grant not in directory.grants_of(account_id):
        raise NotFound("pair_users.not_a_user", "此人員不是本機構此業務類別的使用者", "Not a user of this pair")
    today = taiwan_date(now)
    end_on = None
    if on not in (None, ""):
        end_on = parse_date(on, "on", "生效日", "Date")
        if end_on < today:
            raise FormInvalid(
                [FieldError("on.past", "on", "生效日不可早於今天", "The date cannot be earlier than today")]
            )
    holder = directory.account(account_id)
    username = holder.username if holder else account_id
    if end_on is not None and end_on > today:
        ending = GrantEnding(account_id, username, pair[0], pair[1], end_on, caller.username, now)
        with uow() as u:
            u.grant_endings.set(ending)
            u.record(_entry("grant.ending_set", caller, pair, username, now, end_on=end_on.isoformat()))
            u.commit()
        return end_on
    rows = _end_now(directory, caller.username, pair, account_id, username, now)
    with uow() as u:
        u.grant_endings.cancel(account_id, *pair)
        for entry in rows:
            u.record(entry)
        u.commit()
    return None


def _end_now(
    directory: Directory, actor: str, pair: Pair, account_id: str, username: str, now: datetime, **details: object
) -> list[AuditEntry]:
    """Leave the group, end the sessions, close the account when nothing is left: the rows to record."""
    directory.leave(account_id, _user_grant(pair))
    directory.end_sessions(account_id)  # at once, not at the next token refresh
    rows = [_entry("grant.ended", actor, pair, username, now, **details)]
    if closing.close_if_nothing_left(directory, account_id, now):
        rows.append(
            closing.audit_entry(
                closing.AccountChange.CLOSED, actor=actor, username=username, at=now, after="grant-ended"
            )
        )
    return rows


def cancel_ending(
    uow: Callable[[], UnitOfWork], directory: Directory, caller: Caller, pair: Pair, *, account_id: str, now: datetime
) -> bool:
    _require_manager(directory, caller, pair)
    with uow() as u:
        pending = u.grant_endings.of_pair(*pair).get(account_id)
        if pending is None:
            return False
        u.grant_endings.cancel(account_id, *pair)
        u.record(
            _entry("grant.ending_cancelled", caller, pair, pending.username, now, end_on=pending.end_on.isoformat())
        )
        u.commit()
    return True


class GrantEndings:
    """The scheduled job `grant-endings` (services/schedule.py): the dated endings whose day has
    come (Taipei), each applied and recorded once; a run missed catches up on the next."""

    name = "grant-endings"

    def __init__(self, uow: Callable[[], UnitOfWork], directory: Callable[[], Directory]) -> None:
        self.every = timedelta(seconds=policies.departures().check_every_seconds)
        self._uow, self._directory = uow, directory

    def run(self, now: datetime) -> str:
        with self._uow() as u:
            due = u.grant_endings.due(taiwan_date(now))
        directory, applied = self._directory(), 0
        for ending in due:
            pair = (ending.institution_code, ending.category)
            # Idempotent in Keycloak; recorded by the worker that takes the ending off the list.
            rows = _end_now(
                directory,
                JOB,
                pair,
                ending.account_id,
                ending.username,
                now,
                end_on=ending.end_on.isoformat(),
                set_by=ending.set_by,
            )
            with self._uow() as u:
                if not u.grant_endings.take(ending):
                    continue
                # Held aside by a suspension? It ended all the same: the lifting does not give it back.
                u.suspensions.forget_grant(ending.account_id, _user_grant(pair))
                for entry in rows:
                    u.record(entry)
                u.commit()
            applied += 1
        return f"{applied} grants ended on their date"
