"""The sync service's sample data for the tests (stack/samples.py, shared with the benches),
and the tests' own helpers."""

from __future__ import annotations

import os

from stack.samples import (
    APPLICANT,
    FILER,
    REVIEWER,
    TW,
    VENDOR,
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
    "VENDOR",
    "StaticTokens",
    "cli_env",
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


def cli_env(settings) -> dict:
    """The environment of `python -m sync_service ...` run against a test's settings."""
    env = dict(os.environ)
    env.update(
        {
            "SYNC_DATABASE_URL": settings.database_url,
            "KEYCLOAK_URL": settings.keycloak_url,
            "KEYCLOAK_REALM": settings.realm,
            "SYNC_SERVICE_CLIENT_SECRET": settings.client_secret,
            "SYNC_DATA_KEY": settings.data_key,
            "SYNC_AUDIT_SIGNING_KEY": settings.audit_key,
            "SYNC_NATIONAL_ID_DIGEST_KEY_FILE": str(settings.national_id_key_file),
            "SYNC_AUDIT_HEAD_FILE": str(settings.audit_head_file),
            "SMTP_HOST": settings.smtp_host,
            "SMTP_PORT": str(settings.smtp_port),
            "KEYCLOAK_TIMEOUT": "30",
        }
    )
    return env
