"""Wires settings to adapters once. Connections open lazily, on first use.

With `settings.auto_migrate` (the default) the database is brought to the
newest Alembic revision here, so `python -m sync_service` and the worker
start on a ready schema; production can switch it off and run
`python -m sync_service db upgrade` as a release step instead.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from .adapters import migrations
from .adapters.audit_chain import AuditChain
from .adapters.audit_people import AuditPeople
from .adapters.crypto import PersonalDataCipher
from .adapters.database import make_engine
from .adapters.keys import load_key_ring, load_or_create_key
from .adapters.unit_of_work import SqlUnitOfWork
from .services.challenges import Challenges
from .services.ports import (
    AuditAnchors,
    DepartureDates,
    Directory,
    EventSource,
    Mailer,
    Renderer,
    Telemetry,
    TokenVerifier,
)
from .services.retention import RetentionJob
from .settings import Settings, SettingsMissing


@dataclass
class Wiring:
    settings: Settings
    engine: Engine
    cipher: PersonalDataCipher
    chain: AuditChain
    directory_factory: Callable[[], Directory]
    mailer: Mailer
    token_verifier: TokenVerifier
    challenges: Challenges | None = None
    # Keycloak's stored events (decision 0090); None where the directory is a stand-in (tests).
    event_source_factory: Callable[[], EventSource] | None = None
    # Keycloak's admin events as the audit chain's second anchor (decision 0136); None likewise.
    audit_anchors_factory: Callable[[], AuditAnchors] | None = None
    printer: Renderer | None = None
    # What the operators watch (adapters/metrics.py); None: nobody counts.
    telemetry: Telemetry | None = None
    # Whether Keycloak answers (the health check); None: a stand-in directory, always there.
    keycloak_check: Callable[[], bool] | None = None
    _directories: threading.local = field(default_factory=threading.local, repr=False)

    def directory(self) -> Directory:
        """The web requests' directory client, one per thread (python-keycloak's
        session and token are not shared between threads)."""
        if getattr(self._directories, "directory", None) is None:
            self._directories.directory = self.directory_factory()
        return self._directories.directory

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher, self.chain)

    def page_sessions(self, app):
        """The pages' sessions on the server, in the service's database (decision 0130)."""
        from .adapters.page_sessions import DatabasePageSessions

        return DatabasePageSessions(app, self.engine, self.cipher)

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # health reports, it does not raise
            return False

    def keycloak_ok(self) -> bool:
        return self.keycloak_check is None or self.keycloak_check()

    def verify_chain(self) -> tuple[bool, int]:
        """The whole audit chain checked: (intact, rows read); the operators' metrics see it."""
        from .services.clock import utcnow

        with self.engine.connect() as conn:
            report = self.chain.verify(conn)
        if self.telemetry is not None:
            self.telemetry.chain_verified(report.ok, report.rows, utcnow())
        return report.ok, report.rows

    def scheduled_jobs(self) -> list:
        """The periodic jobs (services/schedule.py), each built here from its adapters."""
        jobs: list = []
        if self.event_source_factory is not None:
            jobs.append(self.keycloak_event_poll())
        jobs.append(self.users_leaving())
        jobs.append(self.grant_endings())
        jobs.append(RetentionJob(self.uow))  # records kept as policies/retention.toml says (decision 0096)
        from .services.receipts import ReceiptMails

        # Each applicant mailed the reference (issue 21 point 5).
        status_page = f"{self.settings.public_url.rstrip('/')}/status" if self.settings.public_url else None
        jobs.append(ReceiptMails(self.uow, self.mailer, status_page))
        from .services.audit_verification import ChainVerification

        jobs.append(ChainVerification(self.verify_chain))
        from .services.legacy_import import LegacyImportMail

        jobs.append(LegacyImportMail.from_policies(self.uow, self.directory_factory))
        jobs += self._reminder_jobs()
        jobs += self.audit_anchoring()
        return jobs

    def audit_anchoring(self) -> list:
        """The chain's end kept in Keycloak and mailed to the agency (decision 0136)."""
        from datetime import timedelta

        import policies

        from .services.audit_anchoring import AuditAnchorJob, AuditCheckpointJob

        rules = policies.audit()
        jobs: list = [
            AuditCheckpointJob(
                self.uow,
                self.mailer,
                self.settings.audit_checkpoint_to or rules.checkpoint_mail_to,
                every=timedelta(minutes=rules.checkpoint_every_minutes),
            )
        ]
        if self.audit_anchors_factory is not None:
            jobs.append(
                AuditAnchorJob(
                    self.uow, self.audit_anchors_factory, every=timedelta(seconds=rules.anchor_every_seconds)
                )
            )
        return jobs

    def keycloak_event_poll(self):
        """Keycloak's stored events into the audit chain (decision 0090)."""
        from datetime import timedelta

        import policies

        from .services.closing import close_after_removal
        from .services.keycloak_events import KeycloakEventPoll

        rules = policies.load().events
        if self.event_source_factory is None:
            raise RuntimeError("Keycloak's events are read from Keycloak: no event source here")
        return KeycloakEventPoll(
            self.uow,
            self.event_source_factory,
            every=timedelta(seconds=rules.poll_every_seconds),
            overlap=timedelta(seconds=rules.overlap_seconds),
            page_size=rules.page_size,
            max_pages=rules.max_pages_per_run,
            sweep=timedelta(seconds=rules.sweep_seconds),
            sweep_every=timedelta(seconds=rules.sweep_every_seconds),
            start_now=self.settings.keycloak_events_start == "now",
            grant_removed=lambda account_id, at: close_after_removal(self.directory(), account_id, at),
            own_client=self.settings.client_id,
        )

    def audit_export(self):
        """The audit export (decision 0091): CSV and the signed bundle."""
        from .adapters.audit_bundle import AuditBundleWriter
        from .services.audit_export import AuditExport
        from .services.clock import utcnow

        return AuditExport(self.uow, AuditBundleWriter(self.chain), utcnow)

    def departure_dates(self) -> DepartureDates:
        """Users' departure dates, as the admin console keeps them (Keycloak user attributes)."""
        import policies

        from .adapters.keycloak_departures import KeycloakDepartureDates
        from .adapters.keycloak_directory import KeycloakDirectory

        directory = self.directory()
        if not isinstance(directory, KeycloakDirectory):
            raise RuntimeError("departure dates are read from Keycloak's user attributes: no Keycloak here")
        return KeycloakDepartureDates(directory.admin, policies.departures().user_attribute)

    def users_leaving(self):
        """Users leaving on the date their manager set (R-USR-2; services/departures.py)."""
        from .services.departures import UsersLeaving

        return UsersLeaving(self.departure_dates, self.directory, self.uow)

    def grant_endings(self):
        """Grants managers end from a date on their page (decision 0127; services/pair_users.py)."""
        from .services.pair_users import GrantEndings

        return GrantEndings(self.uow, self.directory)

    def _reminder_jobs(self) -> list:
        """Password reminders and access reviews (decision 0085), sharing one read of the accounts."""
        from .services.reminders import AccessReviews, AccountRead, PasswordReminders

        s = self.settings
        account_console = f"{(s.keycloak_public_url or s.keycloak_url).rstrip('/')}/realms/{s.realm}/account/"
        review_page = f"{(s.public_url or 'http://127.0.0.1:5000').rstrip('/')}/access-reviews"
        read = AccountRead(self.directory_factory)
        return [
            PasswordReminders(self.uow, read, self.mailer, account_console),
            AccessReviews(self.uow, read, self.directory_factory, self.mailer, review_page),
        ]

    def schedule(self):
        from .services.clock import utcnow
        from .services.schedule import Schedule

        return Schedule(self.scheduled_jobs(), utcnow, telemetry=self.telemetry)

    def worker(self, **overrides):
        from .services.worker import Worker

        s = self.settings
        from .services.notifications import SignInPlaces

        console = f"{(s.keycloak_public_url or s.keycloak_url).rstrip('/')}/admin/{s.realm}/console/"
        options: dict[str, Any] = dict(
            threads=s.worker_threads,
            lease_seconds=s.worker_lease_seconds,
            max_backoff_seconds=s.worker_max_backoff_seconds,
            sign_in_places=SignInPlaces(
                s.screening_system_url, console, f"{(s.public_url or 'http://127.0.0.1:5000').rstrip('/')}/manage"
            ),
            schedule=self.schedule() if s.worker_runs_jobs else None,
            request_seconds=s.keycloak_timeout_seconds / 4,
            telemetry=self.telemetry,
        )
        options.update(overrides)
        return Worker(self.uow, self.directory_factory, self.mailer, **options)


def bootstrap(
    settings: Settings,
    *,
    directory_factory: Callable[[], Directory] | None = None,
    mailer: Mailer | None = None,
    token_verifier: TokenVerifier | None = None,
    migrate: bool | None = None,
    event_source_factory: Callable[[], EventSource] | None = None,
    keycloak_check: Callable[[], bool] | None = None,
) -> Wiring:
    engine = make_engine(settings.database_url)
    if settings.auto_migrate if migrate is None else migrate:
        migrations.upgrade(engine)
    # Key rings, oldest first: the last key signs and encrypts, the older ones verify and decrypt.
    *old_data_keys, data_key = load_key_ring(settings.data_key, settings.data_key_file)
    *old_audit_keys, audit_key = load_key_ring(settings.audit_key, settings.audit_key_file)
    cipher = PersonalDataCipher(data_key, retired=old_data_keys)
    chain = AuditChain(
        audit_key, head_file=settings.audit_head_file, retired=old_audit_keys, people=AuditPeople(cipher)
    )
    audit_anchors_factory: Callable[[], AuditAnchors] | None = None
    if directory_factory is None and event_source_factory is None:
        from .adapters.keycloak_events import KeycloakEventSource

        def keycloak_events() -> KeycloakEventSource:
            return KeycloakEventSource(
                settings.keycloak_url,
                settings.realm,
                settings.client_id,
                settings.client_secret,
                timeout=settings.keycloak_timeout_seconds,
            )

        # Its admin events are also where the audit chain's end is anchored (decision 0136).
        event_source_factory = audit_anchors_factory = keycloak_events

    if directory_factory is None and keycloak_check is None:
        from .adapters.keycloak_health import realm_answers

        def keycloak_check() -> bool:
            return realm_answers(settings.keycloak_url, settings.realm)

    if directory_factory is None:
        from .adapters.keycloak_directory import KeycloakDirectory

        national_id_key: list[bytes] = []  # read on first use: the audit commands never need it

        def directory_factory() -> Directory:
            if not national_id_key:
                national_id_key.append(load_or_create_key(settings.national_id_key, settings.national_id_key_file))
            return KeycloakDirectory(
                settings.keycloak_url,
                settings.realm,
                settings.client_id,
                settings.client_secret,
                timeout=settings.keycloak_timeout_seconds,
                national_id_key=national_id_key[0],
            )

    if mailer is None:
        from .adapters.mail import SmtpMailer

        mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
    if token_verifier is None:
        from .adapters.tokens import RealmTokenVerifier

        token_verifier = RealmTokenVerifier(settings.keycloak_url, settings.realm)

    from .adapters.captcha_image import draw
    from .adapters.challenge_store import DatabaseChallengeStore
    from .adapters.html_pdf import HtmlPdfForms
    from .adapters.metrics import PrometheusTelemetry

    return Wiring(
        settings=settings,
        engine=engine,
        cipher=cipher,
        chain=chain,
        directory_factory=directory_factory,
        mailer=mailer,
        token_verifier=token_verifier,
        event_source_factory=event_source_factory,
        audit_anchors_factory=audit_anchors_factory,
        challenges=Challenges(DatabaseChallengeStore(engine), draw),
        printer=HtmlPdfForms(),
        telemetry=PrometheusTelemetry(),
        keycloak_check=keycloak_check,
    )


def web_app(settings: Settings | None = None):
    """The Flask application wired for `settings` (the environment's by default):
    the entry for a WSGI server, e.g. gunicorn 'sync_service.bootstrap:web_app()'.
    The web layer itself never builds its adapters (decision 0040).

    Without a setting it needs it does not start: one line on stderr, exit status 4, which
    gunicorn takes as "the application failed to load" and stops (any other status and it
    would start the process again and again)."""
    from .web import create_app

    settings = settings or Settings()
    try:
        settings.require("web")
    except SettingsMissing as missing:
        print(missing, file=sys.stderr, flush=True)
        raise SystemExit(4) from None
    return create_app(bootstrap(settings))
