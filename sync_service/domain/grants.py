"""Grants and the one-manager invariant (R-CAT-1, R-MGR-1..5).

`ManagerSeat` is the aggregate that guards "at most one manager per
(institution, category), at every moment". Its decisions are returned as
`GrantChange` values; the service layer stores each as an outbox entry in the
same transaction as the decision, and the worker applies them to Keycloak.

Only manager-level grants are desired state here: user-level grants belong
to the institution's manager, who keeps them in Keycloak (R-USR-1, 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .applications import Application, ApplicationType, require_actor, taiwan_date
from .errors import DomainError, ManagerSeatRefused


class Level(StrEnum):
    """policies/categories.toml `levels`; a test keeps them in step."""

    MANAGER = "manager"  # 管理者
    USER = "user"  # 使用者


@dataclass(frozen=True)
class Grant:
    institution_code: str
    category: str
    level: Level
    account: str


class ChangeKind(StrEnum):
    GRANT = "grant"  # the account becomes the manager (leaving `users` if it was there)
    REVOKE = "revoke"  # the account loses the manager level and its sessions end (R-MGR-3)
    DEMOTE = "demote"  # manager level replaced by user level, same account (R-MGR-5)


@dataclass(frozen=True)
class GrantChange:
    kind: ChangeKind
    institution_code: str
    category: str
    account: str
    application_id: str
    # A: the account does not exist yet; create it and mail its password (R-MGR-2).
    create_account: bool = False
    # B with a departure date still ahead: apply on that Taiwanese date, not before.
    effective_on: date | None = None

    @property
    def grant(self) -> Grant:
        """The manager grant this change concerns."""
        return Grant(self.institution_code, self.category, Level.MANAGER, self.account)

    @property
    def key(self) -> str:
        """Stable identity of the change: an outbox replaying it twice can tell."""
        return f"{self.application_id}:{self.kind}:{self.institution_code}:{self.category}:{self.account}"


class ManagerSeat:
    """Aggregate: the manager seat of one (institution, category).

    `version` goes up with every decision so that the repository can refuse a
    concurrent decision taken on a stale copy (optimistic locking); the
    database's unique constraint is the second line.
    """

    def __init__(
        self,
        institution_code: str,
        category: str,
        manager: str | None = None,
        leaving_on: date | None = None,
        version: int = 0,
    ) -> None:
        self.institution_code = institution_code
        self.category = category
        self.manager = manager
        # A revoke approved ahead of the manager's departure (R-MGR-6): the
        # manager keeps the seat until this date, so a successor cannot be
        # granted alongside them — that would be two managers at once.
        self.leaving_on = leaving_on
        self.version = version

    def __repr__(self) -> str:
        return f"<ManagerSeat {self.institution_code}/{self.category} manager={self.manager!r} v{self.version}>"

    def holder(self, on: date) -> str | None:
        """The manager on a given Taiwanese date."""
        if self.leaving_on is not None and on >= self.leaving_on:
            return None
        return self.manager

    def grant_on(self, on: date) -> Grant | None:
        holder = self.holder(on)
        return None if holder is None else Grant(self.institution_code, self.category, Level.MANAGER, holder)

    # ---- decisions -----------------------------------------------------

    def appoint(
        self,
        account: str,
        *,
        application_id: str,
        today: date,
        create_account: bool = False,
        replacing: str | None = None,
    ) -> tuple[GrantChange, ...]:
        """A or C. Refused while another manager holds the seat, unless the
        decision replaces exactly that manager: then the old is revoked and the
        new granted in one decision, never one without the other."""
        current = self.holder(today)
        if current == account:
            raise ManagerSeatRefused(
                "manager_seat.already_manager",
                f"帳號 {account} 已是此機構此業務類別的管理者",
                f"Account {account} is already the manager of this institution and category",
            )
        if replacing is not None and replacing != current:
            # The reviewer decided on a picture that is no longer true.
            held_zh = f"目前管理者為 {current}" if current else "目前沒有管理者"
            held_en = f"the manager is {current}" if current else "there is no manager"
            raise ManagerSeatRefused(
                "manager_seat.replacing_mismatch",
                f"核准時指定取代 {replacing}，但{held_zh}；請重新確認",
                f"The approval replaces {replacing}, but {held_en}; please review again",
            )
        if current is not None and replacing is None:
            raise ManagerSeatRefused(
                "manager_seat.taken",
                f"此機構此業務類別已有管理者（{current}），每一業務類別僅能一位；"
                "如為交接，請以取代方式核准，或先辦理管理者註銷",
                f"This institution and category already has a manager ({current}); there can be only one. "
                "For a hand-over, approve as a replacement, or revoke the manager first",
            )
        changes: list[GrantChange] = []
        if current is not None:
            changes.append(self._change(ChangeKind.REVOKE, current, application_id))
        changes.append(self._change(ChangeKind.GRANT, account, application_id, create_account=create_account))
        self.manager = account
        self.leaving_on = None
        self.version += 1
        return tuple(changes)

    def revoke(
        self, account: str, *, application_id: str, today: date, effective_on: date | None = None
    ) -> tuple[GrantChange, ...]:
        """B. Immediately, or on the departure date if that is still ahead."""
        self._require_manager(account, today)
        if effective_on is not None and effective_on > today:
            self.leaving_on = effective_on
            change = self._change(ChangeKind.REVOKE, account, application_id, effective_on=effective_on)
        else:
            self.manager = None
            self.leaving_on = None
            change = self._change(ChangeKind.REVOKE, account, application_id)
        self.version += 1
        return (change,)

    def demote(self, account: str, *, application_id: str, today: date) -> tuple[GrantChange, ...]:
        """D. The seat empties; the account stays, at user level."""
        self._require_manager(account, today)
        self.manager = None
        self.leaving_on = None
        self.version += 1
        return (self._change(ChangeKind.DEMOTE, account, application_id),)

    def decide(self, application: Application, *, today: date, replacing: str | None = None) -> tuple[GrantChange, ...]:
        """The seat's part of approving `application`."""
        if (application.institution.code, application.category) != (self.institution_code, self.category):
            raise DomainError(
                "manager_seat.wrong_seat",
                "申請案的機構或業務類別與管理者席位不符",
                "The application is for another institution or category than this manager seat",
            )
        if application.type.appoints_manager:
            return self.appoint(
                application.account,
                application_id=application.id,
                today=today,
                create_account=application.type.creates_account,
                replacing=replacing,
            )
        if replacing is not None:
            raise ManagerSeatRefused(
                "manager_seat.replacing_not_applicable",
                "只有 A、C 類申請可以取代現任管理者",
                "Only applications A and C can replace the current manager",
            )
        if application.type is ApplicationType.B:
            return self.revoke(
                application.account,
                application_id=application.id,
                today=today,
                effective_on=application.form.effective_date,
            )
        return self.demote(application.account, application_id=application.id, today=today)

    # ---- helpers -------------------------------------------------------

    def _require_manager(self, account: str, today: date) -> None:
        current = self.holder(today)
        if current != account:
            held_zh = f"目前管理者為 {current}" if current else "目前沒有管理者"
            held_en = f"the manager is {current}" if current else "there is no manager"
            raise ManagerSeatRefused(
                "manager_seat.not_manager",
                f"帳號 {account} 不是此機構此業務類別的管理者（{held_zh}）",
                f"Account {account} is not the manager of this institution and category ({held_en})",
            )

    def _change(self, kind: ChangeKind, account: str, application_id: str, **extra) -> GrantChange:
        return GrantChange(kind, self.institution_code, self.category, account, application_id, **extra)


def approve_application(
    application: Application,
    seat: ManagerSeat,
    *,
    by: str,
    at: datetime,
    replacing: str | None = None,
) -> tuple[GrantChange, ...]:
    """A reviewer approves: one decision over the application and the seat.

    Either both change or neither does: the application is checked first
    (state, originals, documents), then the seat decides (and refuses before
    changing anything), and only then is the application marked approved.
    `replacing` names the current manager when the reviewer approves A or C
    as a hand-over.
    """
    require_actor(by, at)
    application.check_approvable()
    if replacing is not None:
        replacing = replacing.strip().lower() or None
    changes = seat.decide(application, today=taiwan_date(at), replacing=replacing)
    application.approve(by=by, at=at, replacing=replacing, changes=changes)
    return changes


def release_seat(application: Application, seat: ManagerSeat) -> bool:
    """A failed (or cancelled) A or C gives back the manager seat its approval
    reserved, so that the real applicant is not refused for a seat nobody holds.
    True when the seat changed."""
    if not application.type.appoints_manager or seat.manager != application.account:
        return False
    seat.manager = None
    seat.leaving_on = None
    seat.version += 1
    return True


def retake_seat(application: Application, seat: ManagerSeat, *, today: date) -> bool:
    """A retried A or C takes its seat again, unless someone holds it meanwhile.
    True when the seat changed."""
    if not application.type.appoints_manager:
        return False
    current = seat.holder(today)
    if current == application.account:
        return False
    if current is not None:
        raise ManagerSeatRefused(
            "manager_seat.taken",
            f"此機構此業務類別已有管理者（{current}），無法重新開通；請取消此申請案",
            f"This institution and category has a manager now ({current}); the application cannot be "
            "retried: cancel it",
        )
    seat.manager = application.account
    seat.leaving_on = None
    seat.version += 1
    return True
