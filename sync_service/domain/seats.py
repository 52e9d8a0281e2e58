"""The one-manager invariant (R-MGR-1): at most one manager per
(institution, category), at every moment.

`ManagerSeat` is the aggregate that guards it. Its decisions are returned as
`GrantChange` values; the service layer stores each as an outbox entry in the
same transaction as the decision, and the worker applies them to Keycloak.
A seat decides only as part of an approval: `Application.approve` asks it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .errors import ManagerSeatRefused
from .grants import ChangeKind, GrantChange


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
        starting_on: date | None = None,
        previous: str | None = None,
        previous_leaving_on: date | None = None,
    ) -> None:
        self.institution_code = institution_code
        self.category = category
        self.manager = manager
        # A revoke approved ahead of the manager's departure (R-MGR-6): the
        # manager keeps the seat until this date, so a successor cannot be
        # granted alongside them — that would be two managers at once.
        self.leaving_on = leaving_on
        # An appointment approved ahead of its date (R-MGR-6): the manager holds the seat from
        # `starting_on`; until then `previous` does (until `previous_leaving_on`), and the seat
        # takes no other decision: a change decided now would reach Keycloak before the dated one.
        self.starting_on = starting_on
        self.previous = previous
        self.previous_leaving_on = previous_leaving_on
        self.version = version

    def __repr__(self) -> str:
        return f"<ManagerSeat {self.institution_code}/{self.category} manager={self.manager!r} v{self.version}>"

    def holder(self, on: date) -> str | None:
        """The manager on a given Taiwanese date."""
        if self.starting_on is not None and on < self.starting_on:
            if self.previous_leaving_on is not None and on >= self.previous_leaving_on:
                return None
            return self.previous
        if self.leaving_on is not None and on >= self.leaving_on:
            return None
        return self.manager

    def _require_settled(self, today: date) -> None:
        """No decision while an appointment dated ahead is still to start."""
        if self.starting_on is not None and today < self.starting_on:
            raise ManagerSeatRefused(
                "manager_seat.change_pending",
                f"此機構此業務類別已核准 {self.manager} 自 {self.starting_on.isoformat()} 起任管理者；該日前不能再作決定",
                f"{self.manager} was approved as this institution's manager from {self.starting_on.isoformat()}; "
                "no other decision can be taken on the seat before that day",
            )

    def _settle(self, today: date) -> None:
        if self.starting_on is not None and today >= self.starting_on:
            self.starting_on = self.previous = self.previous_leaving_on = None

    # ---- decisions -----------------------------------------------------

    def appoint(
        self,
        account: str,
        *,
        application_id: str,
        today: date,
        create_account: bool = False,
        replacing: str | None = None,
        effective_on: date | None = None,
    ) -> tuple[GrantChange, ...]:
        """A or C. Refused while another manager holds the seat, unless the
        decision replaces exactly that manager: then the old is revoked and the
        new granted in one decision, never one without the other. With a date
        ahead (R-MGR-6) both changes wait for it, and the seat is judged on it:
        a successor may start on the day the manager before leaves."""
        self._require_settled(today)
        self._settle(today)
        current = self.holder(effective_on or today)
        if current == account:
            raise ManagerSeatRefused(
                "manager_seat.already_manager",
                f"帳號 {account} 已是此機構此業務類別的管理者",
                f"Account {account} is already the manager of this institution and category",
            )
        if replacing is not None and replacing != current:
            # The reviewer decided on a picture that is no longer true.
            held_zh, held_en = _who_holds(current)
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
            changes.append(self._change(ChangeKind.REVOKE, current, application_id, effective_on=effective_on))
        changes.append(
            self._change(
                ChangeKind.GRANT, account, application_id, create_account=create_account, effective_on=effective_on
            )
        )
        if effective_on is not None and effective_on > today:
            # Until the date the seat is as it was: whoever holds it now, leaving by then at the latest.
            self.previous = self.holder(today)
            self.previous_leaving_on = min(self.leaving_on or effective_on, effective_on) if self.previous else None
            self.starting_on = effective_on
        self.manager = account
        self.leaving_on = None
        self.version += 1
        return tuple(changes)

    def revoke(
        self, account: str, *, application_id: str, today: date, effective_on: date | None = None
    ) -> tuple[GrantChange, ...]:
        """B. Immediately, or on the departure date if that is still ahead."""
        self._require_settled(today)
        self._settle(today)
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

    def demote(
        self, account: str, *, application_id: str, today: date, effective_on: date | None = None
    ) -> tuple[GrantChange, ...]:
        """D. The seat empties; the account stays, at user level. Immediately, or on the
        change's date if that is still ahead (R-MGR-6), as a B."""
        self._require_settled(today)
        self._settle(today)
        self._require_manager(account, today)
        if effective_on is not None and effective_on > today:
            self.leaving_on = effective_on
            change = self._change(ChangeKind.DEMOTE, account, application_id, effective_on=effective_on)
        else:
            self.manager = None
            self.leaving_on = None
            change = self._change(ChangeKind.DEMOTE, account, application_id)
        self.version += 1
        return (change,)

    def give_back(self, account: str) -> bool:
        """The appointment of `account` failed or was cancelled: the seat it
        reserved is free again. True when the seat changed."""
        if self.manager != account:
            return False
        self.manager = None
        self.leaving_on = None
        self.starting_on = self.previous = self.previous_leaving_on = None
        self.version += 1
        return True

    def take_back(self, account: str, *, today: date) -> bool:
        """A failed appointment of `account` is retried: it takes the seat
        again, unless someone holds it meanwhile. True when the seat changed."""
        current = self.holder(today)
        if current == account:
            return False
        if current is not None:
            raise ManagerSeatRefused(
                "manager_seat.taken",
                f"此機構此業務類別已有管理者（{current}），無法重新開通；請取消此申請案",
                f"This institution and category has a manager now ({current}); the application cannot be "
                "retried: cancel it",
            )
        self.manager = account
        self.leaving_on = None
        self.version += 1
        return True

    # ---- helpers -------------------------------------------------------

    def _require_manager(self, account: str, today: date) -> None:
        current = self.holder(today)
        if current != account:
            held_zh, held_en = _who_holds(current)
            raise ManagerSeatRefused(
                "manager_seat.not_manager",
                f"帳號 {account} 不是此機構此業務類別的管理者（{held_zh}）",
                f"Account {account} is not the manager of this institution and category ({held_en})",
            )

    def _change(self, kind: ChangeKind, account: str, application_id: str, **extra: Any) -> GrantChange:
        return GrantChange(kind, self.institution_code, self.category, account, application_id, **extra)


def _who_holds(current: str | None) -> tuple[str, str]:
    """The seat's holder in words, zh-Hant and English."""
    if current:
        return f"目前管理者為 {current}", f"the manager is {current}"
    return "目前沒有管理者", "there is no manager"
