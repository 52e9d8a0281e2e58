"""The reconciler: Keycloak's manager groups and the managers' permissions made to match
the decisions on record (docs/decisions/0005-manager-permissions.md). Membership of a `managers` group changes only through an
approved application, so anyone else found there is removed; the seat's manager is put back
if missing; the pair's admin-console permissions are repaired. The `users` groups, which the
institutions' managers own, are never touched, nor any pair without a seat on record.

At national scale (25,000 pairs, docs/decisions/0112-reconcile-in-bulk.md) every pair is read
first, in bulk (`Directory.read_pairs`), and only the pairs that differ are written to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..domain import Grant, Level, taiwan_date
from .ports import Directory, PairState, UnitOfWork


@dataclass(frozen=True)
class Repair:
    institution: str
    category: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.institution}/{self.category}: {self.zh} / {self.en}"


def reconcile(
    uow_factory: Callable[[], UnitOfWork],
    directory: Directory,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Repair]:
    """Repair every seat on record; returns what was repaired ([] when all was as decided).
    `progress(done, total)` as pairs are checked (counts only: no names)."""
    today = today or taiwan_date(datetime.now(UTC))
    with uow_factory() as uow:
        # A suspended institution's grants are away on purpose (R-SUS-1): the lifting gives them back.
        suspended, people = uow.suspensions.suspended_institutions(), uow.suspensions.suspended_accounts()
        seats = [
            s
            for s in uow.seats.held()
            if s.institution_code not in suspended and (s.manager or "").lower() not in people
        ]
    pairs = list(dict.fromkeys((s.institution_code, s.category) for s in seats))
    done = 0

    def checked(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(pairs))

    if progress:
        progress(0, len(pairs))
    states = directory.read_pairs(pairs, checked)
    repairs: list[Repair] = []
    for seat in seats:
        pair = (seat.institution_code, seat.category)
        repairs += _reconcile_seat(directory, *pair, seat.holder(today), states[pair])
    return repairs


def _reconcile_seat(
    directory: Directory, institution: str, category: str, manager: str | None, state: PairState
) -> list[Repair]:
    repairs = []
    managers = Grant(institution, category, Level.MANAGER)
    for username, account_id in state.members.items():
        if username != manager:
            directory.leave(account_id, managers)
            repairs.append(
                Repair(
                    institution,
                    category,
                    f"移除未經核准的管理者 {username}",
                    f"removed {username}, a manager without an approved application",
                )
            )
    if manager and manager not in state.members:
        account = directory.find_account(manager)
        if account is not None:  # not yet created: the outbox worker will make it
            directory.join(account.id, managers)
            repairs.append(
                Repair(institution, category, f"恢復管理者 {manager}", f"put the approved manager {manager} back")
            )
    if manager and state.drift:
        # Read in bulk, written one pair at a time: only the few pairs that differ.
        for drift in directory.repair_manager_access(institution, category):
            repairs.append(
                Repair(institution, category, f"修復管理權限：{drift}", f"repaired the manager's permissions: {drift}")
            )
    return repairs
