"""Settings from the environment, with embedded defaults for a developer's machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: _env("SYNC_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'sync-service.db'}")
    )
    # Migrations run at bootstrap (idempotent, serialised on PostgreSQL by an
    # advisory lock); production may switch this off and run `db upgrade`.
    auto_migrate: bool = field(default_factory=lambda: _env("SYNC_AUTO_MIGRATE", "1") == "1")
    keycloak_url: str = field(default_factory=lambda: _env("KEYCLOAK_URL", "http://127.0.0.1:8080"))
    # Where people reach Keycloak (the new manager's mail names its admin console); else keycloak_url.
    keycloak_public_url: str = field(default_factory=lambda: _env("KEYCLOAK_PUBLIC_URL", ""))
    # The screening system people sign in to (the new manager's mail names it).
    screening_system_url: str = field(default_factory=lambda: _env("SCREENING_SYSTEM_URL", "http://127.0.0.1:5080/"))
    realm: str = field(default_factory=lambda: _env("KEYCLOAK_REALM", "cancer-screening"))
    client_id: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_ID", "sync-service"))
    client_secret: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_SECRET", ""))
    # The pages' sign-in (Authlib, OIDC code flow with PKCE) as the realm's client reviewer-pages.
    pages_client_id: str = field(default_factory=lambda: _env("REVIEWER_CLIENT_ID", "reviewer-pages"))
    pages_client_secret: str = field(default_factory=lambda: _env("REVIEWER_CLIENT_SECRET", ""))
    # Where the pages are reached from outside (printed in the forms' QR codes); else the request's host.
    public_url: str = field(default_factory=lambda: _env("SYNC_PUBLIC_URL", ""))
    secret_key: str = field(default_factory=lambda: _env("FLASK_SECRET_KEY", ""))
    # Personal data at rest (R-PD-1): a base64 key in the environment, else a
    # key file made on first use. Never in the repository.
    data_key: str = field(default_factory=lambda: _env("SYNC_DATA_KEY", ""))
    data_key_file: Path = field(
        default_factory=lambda: Path(_env("SYNC_DATA_KEY_FILE", str(ROOT / "var" / "sync-data.key")))
    )
    # The national ID digest key (decision 0030): the same file Keycloak reads as its vault
    # secret `<realm>_national-id-digest-key`; the stack makes it before Keycloak starts.
    national_id_key: str = field(default_factory=lambda: _env("SYNC_NATIONAL_ID_DIGEST_KEY", ""))
    national_id_key_file: Path = field(
        default_factory=lambda: Path(
            _env(
                "SYNC_NATIONAL_ID_DIGEST_KEY_FILE",
                str(ROOT / "var" / "vault" / "cancer-screening_national-id-digest-key"),
            )
        )
    )
    # The audit chain's Ed25519 signing key (R-AUD-1), same arrangement.
    audit_key: str = field(default_factory=lambda: _env("SYNC_AUDIT_SIGNING_KEY", ""))
    audit_key_file: Path = field(
        default_factory=lambda: Path(_env("SYNC_AUDIT_SIGNING_KEY_FILE", str(ROOT / "var" / "audit-signing.key")))
    )
    # The audit chain's signed head (decision 0010): outside the database, where
    # its owner cannot rewrite it unnoticed (another host's mount, another user's file).
    audit_head_file: Path = field(
        default_factory=lambda: Path(_env("SYNC_AUDIT_HEAD_FILE", str(ROOT / "var" / "audit-head.json")))
    )
    # Where the audit chain's checkpoints are mailed (decision 0136); empty: policies/audit.toml's address.
    audit_checkpoint_to: str = field(default_factory=lambda: _env("SYNC_AUDIT_CHECKPOINT_TO", ""))
    # Where the copy of Keycloak's stored events (decision 0090) starts on a database that has
    # none yet: "beginning" (everything Keycloak still keeps) or "now" (a test's own database).
    keycloak_events_start: str = field(default_factory=lambda: _env("SYNC_KEYCLOAK_EVENTS_START", "beginning"))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "2525")))
    mail_from: str = field(default_factory=lambda: _env("SYNC_MAIL_FROM", "no-reply@screening.hpa.example"))
    # Intake limits (web/limits.py): accepted submissions per hour, per client
    # address and per applicant e-mail; tries of any outcome per minute, per address.
    submit_rate_per_hour: int = field(default_factory=lambda: int(_env("SYNC_SUBMIT_RATE_PER_HOUR", "20")))
    submit_burst_per_minute: int = field(default_factory=lambda: int(_env("SYNC_SUBMIT_BURST_PER_MINUTE", "10")))
    # Where the limit counters live: memory:// for one process; one shared
    # store (e.g. redis://host:6379) where several processes serve the API.
    ratelimit_storage_uri: str = field(default_factory=lambda: _env("SYNC_RATELIMIT_STORAGE_URI", "memory://"))
    # The worker: parallel Keycloak sessions, how long a claim holds, polling.
    worker_threads: int = field(default_factory=lambda: int(_env("SYNC_WORKER_THREADS", "8")))
    worker_lease_seconds: float = field(default_factory=lambda: float(_env("SYNC_WORKER_LEASE_SECONDS", "60")))
    worker_poll_seconds: float = field(default_factory=lambda: float(_env("SYNC_WORKER_POLL_SECONDS", "1")))
    # The worker runs the periodic jobs between batches (services/schedule.py); the test runs switch
    # it off so a worker started for the outbox does not also open reviews or mail reminders at its
    # own moment: they run a job when they mean to (`Wiring.scheduled_jobs()`, `jobs run NAME`).
    worker_runs_jobs: bool = field(default_factory=lambda: _env("SYNC_WORKER_RUNS_JOBS", "1") == "1")
    worker_max_backoff_seconds: float = field(default_factory=lambda: float(_env("SYNC_WORKER_MAX_BACKOFF", "60")))
    keycloak_timeout_seconds: float = field(default_factory=lambda: float(_env("KEYCLOAK_TIMEOUT", "10")))
