"""Retention (issue 12 point 7, decision 0096): each kind of record is kept for
the days policies/retention.toml gives, counted from when it was closed, then
removed. The job works out what is due from what it finds (a missed day is
caught up), is safe to run twice or from two workers (a second run finds
nothing left to remove), and records what it removed in the audit chain,
as counts only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import policies

from .ports import AuditEntry

ACTOR = "retention"  # a system actor (policies/personal_data.toml): not a person


@dataclass
class RetentionJob:
    uow_factory: Callable[..., Any]
    name: str = "retention"
    every: timedelta = timedelta(hours=24)

    def run(self, now: datetime) -> str:
        days = policies.retention()

        def before(n: int) -> datetime:
            return now - timedelta(days=n)

        with self.uow_factory() as uow:
            removed = {
                # Scans first: an application past its own period takes its scans along anyway.
                "scans": uow.personal_records.remove_scans_decided_before(before(days.scans)),
                "applications": uow.personal_records.remove_applications_closed_before(before(days.applications)),
                "personal_data_requests": uow.personal_records.remove_requests_decided_before(
                    before(days.personal_data_requests)
                ),
                "deleted_person_links": uow.unlink_erased_people_before(before(days.deleted_person_links), now),
                "audit_chain": uow.cut_audit_chain_before(before(days.audit_chain), now),
            }
            if any(removed.values()):
                uow.record(
                    AuditEntry(
                        actor=ACTOR,
                        action="retention.applied",
                        at=now,
                        details={"removed": removed, "days": {k: getattr(days, k) for k in removed}},
                    )
                )
                uow.commit()
        summary = ", ".join(f"{k} {v}" for k, v in removed.items())
        return f"removed {summary}"
