"""Settings from the environment, with embedded defaults for a developer's machine."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path

import policies

ROOT = Path(__file__).resolve().parent.parent
# Where the settings are read from: the process's environment, or the mapping `Settings.from_env` is given.
_SOURCE: ContextVar[Mapping[str, str] | None] = ContextVar("settings_source", default=None)


def _environment() -> Mapping[str, str]:
    source = _SOURCE.get()
    return os.environ if source is None else source


def _env(name: str, default: str) -> str:
    return _environment().get(name, default)


def _path(name: str) -> Path | None:
    value = _env(name, "")
    return Path(value) if value else None


def _budgets() -> policies.Budgets:
    env = _environment()
    overrides = {
        name: int(env[variable])
        for variable, name in (
            ("SYNC_SUBMIT_RATE_PER_HOUR", "type_a_accepted_per_address_per_hour"),
            ("SYNC_SUBMIT_BURST_PER_MINUTE", "type_a_tries_per_address_per_minute"),
        )
        if variable in env
    }
    return replace(policies.budgets(), **overrides)


@dataclass(frozen=True)
class Settings:
    # Addresses, secrets and keys have no default: a process that needs one refuses to start
    # without it (`Settings.require`, below), rather than run on a stand-in nobody chose.
    database_url: str = field(default_factory=lambda: _env("SYNC_DATABASE_URL", ""))
    # Migrations run at bootstrap (idempotent, serialised on PostgreSQL by an
    # advisory lock); production may switch this off and run `db upgrade`.
    auto_migrate: bool = field(default_factory=lambda: _env("SYNC_AUTO_MIGRATE", "1") == "1")
    keycloak_url: str = field(default_factory=lambda: _env("KEYCLOAK_URL", ""))
    # Where people reach Keycloak (the new manager's mail names its admin console); else keycloak_url.
    keycloak_public_url: str = field(default_factory=lambda: _env("KEYCLOAK_PUBLIC_URL", ""))
    # The screening system people sign in to (the new manager's mail names it).
    screening_system_url: str = field(default_factory=lambda: _env("SCREENING_SYSTEM_URL", ""))
    realm: str = field(default_factory=lambda: _env("KEYCLOAK_REALM", "cancer-screening"))
    client_id: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_ID", "sync-service"))
    client_secret: str = field(default_factory=lambda: _env("SYNC_SERVICE_CLIENT_SECRET", ""))
    # The pages' sign-in (Authlib, OIDC code flow with PKCE) as the realm's client reviewer-pages.
    pages_client_id: str = field(default_factory=lambda: _env("REVIEWER_CLIENT_ID", "reviewer-pages"))
    pages_client_secret: str = field(default_factory=lambda: _env("REVIEWER_CLIENT_SECRET", ""))
    # Where the pages are reached from outside (printed in the forms' QR codes); else the request's host.
    public_url: str = field(default_factory=lambda: _env("SYNC_PUBLIC_URL", ""))
    secret_key: str = field(default_factory=lambda: _env("FLASK_SECRET_KEY", ""))
    # How many proxies in front of the service set X-Forwarded-For/-Proto/-Host/-Port (nginx: 1).
    # Their last N entries are believed (werkzeug's ProxyFix): the client address of the intake's
    # limits, https in the pages' links. 0 (the default) believes none: served directly.
    proxy_hops: int = field(default_factory=lambda: int(_env("SYNC_PROXY_HOPS", "0")))
    # The management port: /metrics for Prometheus ("host:port"; empty: none). Never through nginx.
    metrics_address: str = field(default_factory=lambda: _env("SYNC_METRICS_ADDRESS", ""))
    # How long a page may trust the identity provider's last word on a sign-in (session alive,
    # account enabled, roles) before asking again; at most a minute (decision 0130).
    page_session_check_seconds: float = field(
        default_factory=lambda: float(_env("SYNC_PAGE_SESSION_CHECK_SECONDS", "30"))
    )
    # Personal data at rest (R-PD-1): base64 keys in the environment, else a key file (the
    # stack makes it before the service starts). Never in the repository.
    data_key: str = field(default_factory=lambda: _env("SYNC_DATA_KEY", ""))
    data_key_file: Path | None = field(default_factory=lambda: _path("SYNC_DATA_KEY_FILE"))
    # The national ID digest key (decision 0030): the same file Keycloak reads as its vault
    # secret `<realm>_national-id-digest-key`; the stack makes it before Keycloak starts.
    national_id_key: str = field(default_factory=lambda: _env("SYNC_NATIONAL_ID_DIGEST_KEY", ""))
    national_id_key_file: Path | None = field(default_factory=lambda: _path("SYNC_NATIONAL_ID_DIGEST_KEY_FILE"))
    # The audit chain's Ed25519 signing key (R-AUD-1), same arrangement.
    audit_key: str = field(default_factory=lambda: _env("SYNC_AUDIT_SIGNING_KEY", ""))
    audit_key_file: Path | None = field(default_factory=lambda: _path("SYNC_AUDIT_SIGNING_KEY_FILE"))
    # The audit chain's signed head (decision 0010): outside the database, where
    # its owner cannot rewrite it unnoticed (another host's mount, another user's file).
    audit_head_file: Path | None = field(default_factory=lambda: _path("SYNC_AUDIT_HEAD_FILE"))
    # Where the audit chain's checkpoints are mailed (decision 0136); empty: policies/audit.toml's address.
    audit_checkpoint_to: str = field(default_factory=lambda: _env("SYNC_AUDIT_CHECKPOINT_TO", ""))
    # Where the copy of Keycloak's stored events (decision 0090) starts on a database that has
    # none yet: "beginning" (everything Keycloak still keeps) or "now" (a test's own database).
    keycloak_events_start: str = field(default_factory=lambda: _env("SYNC_KEYCLOAK_EVENTS_START", "beginning"))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "2525")))
    mail_from: str = field(default_factory=lambda: _env("SYNC_MAIL_FROM", "no-reply@screening.hpa.example"))
    # What anyone can make the public pages do in a time (web/limits.py; policies/budgets.toml,
    # decision 0131). SYNC_SUBMIT_RATE_PER_HOUR and SYNC_SUBMIT_BURST_PER_MINUTE still override
    # the intake's accepted filings per address and hour and its tries per address and minute.
    budgets: policies.Budgets = field(default_factory=lambda: _budgets())
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

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides) -> Settings:
        """The settings a process started with environment `env` reads (a test wiring the
        production-shaped stack's processes' own settings in-process)."""
        token = _SOURCE.set(env)
        try:
            return cls(**overrides)
        finally:
            _SOURCE.reset(token)

    def missing(self, process: str) -> list[str]:
        """The settings `process` needs (PROCESSES) that are not there, by the names people set."""
        return [name for name in PROCESSES[process] if not NEEDS[name](self)]

    def require(self, process: str) -> Settings:
        """Refuse to start `process` without a setting it needs: one line, naming each missing one."""
        absent = self.missing(process)
        if absent:
            raise SettingsMissing(process, absent)
        return self


class SettingsMissing(RuntimeError):
    """A process that stops before it starts; its one line names every missing setting."""

    def __init__(self, process: str, absent: list[str]) -> None:
        names = ", ".join(absent)
        super().__init__(
            f"sync service ({process}) will not start: {names} not set (docs/operations.md, settings) / "
            f"同步服務（{process}）未啟動：缺少設定 {names}"
        )


def _key(value: str, file: str):
    """A key: the value itself in the environment, or a key file that is there."""

    def present(s: Settings) -> bool:
        path = getattr(s, file)
        return bool(getattr(s, value)) or (path is not None and path.is_file())

    return present


# Each setting a process may need, by the name an operator sets, and how to tell it is there.
NEEDS = {
    "SYNC_DATABASE_URL": lambda s: bool(s.database_url),
    "SYNC_DATA_KEY or SYNC_DATA_KEY_FILE": _key("data_key", "data_key_file"),
    "SYNC_AUDIT_SIGNING_KEY or SYNC_AUDIT_SIGNING_KEY_FILE": _key("audit_key", "audit_key_file"),
    "SYNC_AUDIT_HEAD_FILE": lambda s: s.audit_head_file is not None,
    "KEYCLOAK_URL": lambda s: bool(s.keycloak_url),
    "SYNC_SERVICE_CLIENT_SECRET": lambda s: bool(s.client_secret),
    "SYNC_NATIONAL_ID_DIGEST_KEY or SYNC_NATIONAL_ID_DIGEST_KEY_FILE": _key("national_id_key", "national_id_key_file"),
    "SMTP_HOST": lambda s: bool(s.smtp_host),
    "FLASK_SECRET_KEY": lambda s: bool(s.secret_key),
    "REVIEWER_CLIENT_SECRET": lambda s: bool(s.pages_client_secret),
    "SYNC_PUBLIC_URL": lambda s: bool(s.public_url),
    "SCREENING_SYSTEM_URL": lambda s: bool(s.screening_system_url),
}
_RECORDS = (
    "SYNC_DATABASE_URL",
    "SYNC_DATA_KEY or SYNC_DATA_KEY_FILE",
    "SYNC_AUDIT_SIGNING_KEY or SYNC_AUDIT_SIGNING_KEY_FILE",
    "SYNC_AUDIT_HEAD_FILE",
)
_KEYCLOAK = (
    "KEYCLOAK_URL",
    "SYNC_SERVICE_CLIENT_SECRET",
    "SYNC_NATIONAL_ID_DIGEST_KEY or SYNC_NATIONAL_ID_DIGEST_KEY_FILE",
)
# What each process needs: the web processes sign people in and send receipts; the worker and the
# jobs mail people links to the screening system and to the pages.
PROCESSES = {
    "web": (*_RECORDS, *_KEYCLOAK, "SMTP_HOST", "FLASK_SECRET_KEY", "REVIEWER_CLIENT_SECRET"),
    "worker": (*_RECORDS, *_KEYCLOAK, "SMTP_HOST", "SYNC_PUBLIC_URL", "SCREENING_SYSTEM_URL"),
    "keycloak commands": (*_RECORDS, *_KEYCLOAK),  # reconcile, import-legacy
    "records": _RECORDS,  # audit export, audit verify --without-keycloak
    # audit verify: the chain's ends are also anchored in Keycloak's admin events (decision 0136).
    "records and Keycloak's anchors": (*_RECORDS, "KEYCLOAK_URL", "SYNC_SERVICE_CLIENT_SECRET"),
    "migrations": ("SYNC_DATABASE_URL",),  # db upgrade
    "keys": ("SYNC_DATA_KEY or SYNC_DATA_KEY_FILE", "SYNC_AUDIT_SIGNING_KEY or SYNC_AUDIT_SIGNING_KEY_FILE"),
    "login": ("KEYCLOAK_URL",),  # the device sign-in for the JSON API
}
