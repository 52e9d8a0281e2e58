"""The audit chain verified on a period, its result for the operators (sync_audit_chain_intact,
docs/operations.md §8): a broken chain is found by the next run, not by the next auditor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

JOB_NAME = "audit-verify"


class ChainVerification:
    """`ScheduledJob` (services/schedule.py). `verify()` reads the whole chain and reports what
    it found to the operators' metrics: (intact, rows)."""

    name = JOB_NAME

    def __init__(self, verify: Callable[[], tuple[bool, int]], every: timedelta = timedelta(hours=1)) -> None:
        self.verify, self.every = verify, every

    def run(self, now: datetime) -> str:
        intact, rows = self.verify()
        return f"audit chain {'intact' if intact else 'BROKEN'}: {rows} rows"
