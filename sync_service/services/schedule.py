"""Jobs the worker runs on a period between its outbox batches (departures on
their date, reminders, reviews, event polling, retention, ...).

Every job must be safe to run twice and from two workers at once (the
production shape runs two), and must work out what is due from the state
it finds, not from when it last ran: then a run missed while no worker was
up simply catches up on the next one. `python -m sync_service jobs run NAME`
runs one job now (a cron line or an operator can do the same).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .ports import ScheduledJob, Telemetry

log = logging.getLogger(__name__)


@dataclass
class Schedule:
    jobs: Sequence[ScheduledJob]
    clock: Callable[[], datetime]
    telemetry: Telemetry | None = None  # each run's end, for the operators (the event poll's lag)

    def __post_init__(self) -> None:
        self._next_at: dict[str, datetime] = {}
        self._last_summary: dict[str, str] = {}

    def run_due(self) -> list[str]:
        """Run every job whose time has come; one failing job does not stop the others.
        Returns the summaries worth logging: a summary the same as the job's last one is
        left out (an idle event poll every 3 s would otherwise fill the log with one line)."""
        now = self.clock()
        summaries = []
        for job in self.jobs:
            if now < self._next_at.get(job.name, now):
                continue
            self._next_at[job.name] = now + job.every
            try:
                summary = job.run(now)
            except Exception:  # Keycloak or the database away: the next period tries again
                log.exception("scheduled job %s failed", job.name)
                self._last_summary.pop(job.name, None)  # the first run after is news again
                if self.telemetry is not None:
                    self.telemetry.job_ran(job.name, False, now)
                continue
            if self.telemetry is not None:
                self.telemetry.job_ran(job.name, True, now)
            if self._last_summary.get(job.name) != summary:
                summaries.append(f"{job.name}: {summary}")
            self._last_summary[job.name] = summary
        return summaries

    def run_one(self, name: str) -> str:
        for job in self.jobs:
            if job.name == name:
                return job.run(self.clock())
        raise KeyError(name)
