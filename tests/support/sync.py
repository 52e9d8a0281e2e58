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
    budgets,
    form,
    letter,
    new_account_name,
    ready_application,
    receive_originals,
    settings_for_tests,
    with_captcha,
)

__all__ = [
    "APPLICANT",
    "FILER",
    "REVIEWER",
    "TW",
    "VENDOR",
    "StaticTokens",
    "budgets",
    "cli_env",
    "form",
    "letter",
    "new_account_name",
    "only_the_event_poll",
    "ready_application",
    "receive_originals",
    "settings_for_tests",
    "with_captcha",
]


def only_the_event_poll(wiring):
    """A schedule with the `keycloak-events` job alone, for a worker run as `python -m
    sync_service worker` runs it (tests switch the periodic jobs off, `worker_runs_jobs`), without
    the other jobs (reviews, reminders over the whole session realm) delaying the poll."""
    from sync_service.services.clock import utcnow
    from sync_service.services.keycloak_events import JOB_NAME
    from sync_service.services.schedule import Schedule

    return Schedule([job for job in wiring.scheduled_jobs() if job.name == JOB_NAME], utcnow)


def process_env(tmp_path, **overrides: str) -> dict[str, str]:
    """Every setting a sync service process can need (sync_service/settings.py, PROCESSES), its keys
    made in `tmp_path`: a process started with it starts; a test leaves one out to see it refuse."""
    from sync_service.adapters.keys import load_key_ring

    keys = {}
    for name, file in (
        ("SYNC_DATA_KEY_FILE", "sync-data.key"),
        ("SYNC_AUDIT_SIGNING_KEY_FILE", "audit-signing.key"),
        ("SYNC_NATIONAL_ID_DIGEST_KEY_FILE", "national-id-digest.key"),
    ):
        load_key_ring("", tmp_path / file)
        keys[name] = str(tmp_path / file)
    return {
        "SYNC_DATABASE_URL": f"sqlite:///{tmp_path / 'sync.db'}",
        **keys,
        "SYNC_AUDIT_HEAD_FILE": str(tmp_path / "audit-head.json"),
        "KEYCLOAK_URL": "http://127.0.0.1:9",  # the discard port: nothing answers
        "SYNC_SERVICE_CLIENT_SECRET": "test-client-secret",
        "REVIEWER_CLIENT_SECRET": "test-pages-secret",
        "FLASK_SECRET_KEY": "test-session-key",
        "SMTP_HOST": "127.0.0.1",
        "SYNC_PUBLIC_URL": "http://127.0.0.1:5000",
        "SCREENING_SYSTEM_URL": "http://127.0.0.1:5080/",
        **overrides,
    }


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
            # A worker (`jobs run ...`) links to the pages and names the screening system in its mails.
            "SYNC_PUBLIC_URL": settings.public_url or "http://127.0.0.1:5000",
            "SCREENING_SYSTEM_URL": settings.screening_system_url or "http://127.0.0.1:5080/",
        }
    )
    return env
