"""Suspensions (R-SUS-1, decision 0163) in the database: the suspension and what it took away."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ..domain import Grant, Level
from ..domain.suspensions import INSTITUTION, HeldGrant, PersonState, Suspension
from .tables import suspended_grants, suspensions


class SuspensionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, s: Suspension) -> None:
        self.conn.execute(insert(suspensions).values(id=s.id, **self._row(s)))
        self._add_held(s)

    def save(self, s: Suspension) -> None:
        """The suspension's state (lifted) and any grant it holds that was not recorded yet."""
        self.conn.execute(update(suspensions).where(suspensions.c.id == s.id).values(**self._row(s)))
        self._add_held(s)

    def _add_held(self, s: Suspension) -> None:
        known = {
            (r.account_id, r.institution_code, r.category, r.level)
            for r in self.conn.execute(
                select(
                    suspended_grants.c.account_id,
                    suspended_grants.c.institution_code,
                    suspended_grants.c.category,
                    suspended_grants.c.level,
                ).where(suspended_grants.c.suspension_id == s.id)
            )
        }
        for h in s.held:
            key = (h.account_id, h.grant.institution_code, h.grant.category, h.grant.level.value)
            if key not in known:
                self.conn.execute(
                    insert(suspended_grants).values(
                        suspension_id=s.id,
                        account_id=h.account_id,
                        institution_code=h.grant.institution_code,
                        category=h.grant.category,
                        level=h.grant.level.value,
                        username=h.username,
                        ended=h.ended,
                    )
                )
                known.add(key)

    def get(self, suspension_id: str) -> Suspension | None:
        row = self.conn.execute(select(suspensions).where(suspensions.c.id == suspension_id)).first()
        return self._suspension(row) if row else None

    def active_for_institution(self, institution_code: str) -> Suspension | None:
        row = self.conn.execute(
            select(suspensions).where(
                suspensions.c.institution_code == institution_code,
                suspensions.c.scope == INSTITUTION,
                suspensions.c.lifted_at.is_(None),
            )
        ).first()
        return self._suspension(row) if row else None

    def active_for_account(self, account_id: str, excluding: str | None = None) -> Suspension | None:
        row = self.conn.execute(
            select(suspensions).where(
                suspensions.c.account_id == account_id,
                suspensions.c.lifted_at.is_(None),
                suspensions.c.id != (excluding or ""),
            )
        ).first()
        return self._suspension(row) if row else None

    def holds_any(self, account_id: str, excluding: str | None = None) -> bool:
        active = select(suspensions.c.id).where(
            suspensions.c.lifted_at.is_(None), suspensions.c.id != (excluding or "")
        )
        return (
            self.conn.execute(
                select(suspended_grants.c.account_id)
                .where(
                    suspended_grants.c.account_id == account_id,
                    suspended_grants.c.suspension_id.in_(active),
                    suspended_grants.c.ended.is_(False),
                )
                .limit(1)
            ).first()
            is not None
        )

    def suspended_accounts(self) -> set[str]:
        """The account names of the people suspended now (lower case)."""
        rows = self.conn.execute(
            select(suspensions.c.account).where(suspensions.c.scope == "person", suspensions.c.lifted_at.is_(None))
        )
        return {r.account.lower() for r in rows if r.account}

    def listed(self, limit: int = 200) -> list[Suspension]:
        """Active first, newest first."""
        rows = self.conn.execute(
            select(suspensions)
            .order_by(suspensions.c.lifted_at.is_not(None), suspensions.c.suspended_at.desc())
            .limit(limit)
        )
        return [self._suspension(r) for r in rows]

    def suspended_institutions(self) -> set[str]:
        rows = self.conn.execute(
            select(suspensions.c.institution_code).where(
                suspensions.c.scope == INSTITUTION, suspensions.c.lifted_at.is_(None)
            )
        )
        return {r.institution_code for r in rows}

    def notices_for(self, username: str) -> list[Suspension]:
        """The active suspensions of institutions this person managed when they were suspended."""
        ids = select(suspended_grants.c.suspension_id).where(
            func.lower(suspended_grants.c.username) == username.lower(),
            suspended_grants.c.level == Level.MANAGER.value,
        )
        rows = self.conn.execute(
            select(suspensions).where(
                suspensions.c.id.in_(ids), suspensions.c.scope == INSTITUTION, suspensions.c.lifted_at.is_(None)
            )
        )
        return [self._suspension(r) for r in rows]

    def forget_grants(self, account_id: str, level: Level) -> int:
        """A grant that ended while its institution was suspended (a user's departure date) is not
        given back on lifting. How many were forgotten."""
        active = select(suspensions.c.id).where(suspensions.c.lifted_at.is_(None))
        return self.conn.execute(
            update(suspended_grants)
            .where(
                suspended_grants.c.account_id == account_id,
                suspended_grants.c.level == level.value,
                suspended_grants.c.suspension_id.in_(active),
                suspended_grants.c.ended.is_(False),
            )
            .values(ended=True)
        ).rowcount

    def forget_grant(self, account_id: str, grant: Grant) -> int:
        """One grant ended while suspended (a manager's dated ending): not given back on lifting."""
        active = select(suspensions.c.id).where(suspensions.c.lifted_at.is_(None))
        return self.conn.execute(
            update(suspended_grants)
            .where(
                suspended_grants.c.account_id == account_id,
                suspended_grants.c.institution_code == grant.institution_code,
                suspended_grants.c.category == grant.category,
                suspended_grants.c.level == grant.level.value,
                suspended_grants.c.suspension_id.in_(active),
                suspended_grants.c.ended.is_(False),
            )
            .values(ended=True)
        ).rowcount

    # ---- mapping ----------------------------------------------------------------

    @staticmethod
    def _row(s: Suspension) -> dict[str, Any]:
        state = s.person_state
        return {
            "scope": s.scope,
            "institution_code": s.institution_code,
            "account": s.account,
            "account_id": s.account_id,
            "reason": s.reason,
            "reference": s.reference,
            "suspended_by": s.suspended_by,
            "suspended_at": s.suspended_at,
            "person_state": (
                {"enabled": state.enabled, "closed_on": state.closed_on, "closed_because": state.closed_because}
                if state
                else None
            ),
            "lifted_by": s.lifted_by,
            "lifted_at": s.lifted_at,
            "lift_reason": s.lift_reason,
        }

    def _suspension(self, r: Any) -> Suspension:
        held = [
            HeldGrant(g.account_id, g.username, Grant(g.institution_code, g.category, Level(g.level)), bool(g.ended))
            for g in self.conn.execute(
                select(suspended_grants)
                .where(suspended_grants.c.suspension_id == r.id)
                .order_by(
                    suspended_grants.c.institution_code,
                    suspended_grants.c.category,
                    suspended_grants.c.level,
                    suspended_grants.c.username,
                )
            )
        ]
        state = PersonState(**r.person_state) if r.person_state else None
        return Suspension(
            id=r.id,
            scope=r.scope,
            reason=r.reason,
            reference=r.reference,
            suspended_by=r.suspended_by,
            suspended_at=r.suspended_at,
            institution_code=r.institution_code,
            account=r.account,
            account_id=r.account_id,
            held=held,
            person_state=state,
            lifted_by=r.lifted_by,
            lifted_at=r.lifted_at,
            lift_reason=r.lift_reason,
        )
