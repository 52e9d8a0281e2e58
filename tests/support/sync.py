"""The sync service's sample data for the tests (stack/samples.py, shared with the benches),
and the tests' own helpers."""

from __future__ import annotations

from stack.samples import (
    APPLICANT,
    FILER,
    REVIEWER,
    TW,
    StaticTokens,
    form,
    letter,
    new_account_name,
    ready_application,
    receive_originals,
    settings_for_tests,
)

__all__ = [
    "APPLICANT",
    "FILER",
    "REVIEWER",
    "TW",
    "StaticTokens",
    "form",
    "letter",
    "new_account_name",
    "only_the_event_poll",
    "ready_application",
    "receive_originals",
    "settings_for_tests",
]


def only_the_event_poll(wiring):
    """A schedule with the `keycloak-events` job alone, for a worker run as `python -m
    sync_service worker` runs it (tests switch the periodic jobs off, `worker_runs_jobs`), without
    the other jobs (reviews, reminders over the whole session realm) delaying the poll."""
    from sync_service.services.clock import utcnow
    from sync_service.services.keycloak_events import JOB_NAME
    from sync_service.services.schedule import Schedule

    return Schedule([job for job in wiring.scheduled_jobs() if job.name == JOB_NAME], utcnow)
