"""Grants and the changes to them that decisions produce (R-CAT-1).

Values only: `seats.ManagerSeat` decides, `Application.approve` records the
decision, the worker applies the `GrantChange` values to Keycloak.

Only manager-level grants are desired state here: user-level grants belong
to the institution's manager, who keeps them in Keycloak (R-USR-1, R-USR-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Level(StrEnum):
    """policies/categories.toml `levels`; a test keeps them in step."""

    MANAGER = "manager"  # 管理者
    USER = "user"  # 使用者


@dataclass(frozen=True)
class Grant:
    """What a person may do for an institution: one business category at one
    level. In Keycloak it is membership of one grant group."""

    institution_code: str
    category: str
    level: Level

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))


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
    # A change dated ahead (R-MGR-6, any type): applied from 00:00 of that Taiwanese date, not before.
    effective_on: date | None = None

    def grant(self, level: Level = Level.MANAGER) -> Grant:
        """The change's institution and category at `level` (the manager level
        is the one decided; the user level is what a grant replaces or a
        demotion leaves)."""
        return Grant(self.institution_code, self.category, level)

    @property
    def key(self) -> str:
        """Stable identity of the change: an outbox replaying it twice can tell."""
        return f"{self.application_id}:{self.kind}:{self.institution_code}:{self.category}:{self.account}"
