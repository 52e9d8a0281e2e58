"""Each adapter, and each fake the unit tests use instead, implements the port it stands for
(services/ports.py). The type checker (`make check` runs mypy) compares every method's
signature through the functions below; this test checks at run time that no method of a
port is missing, so a port that grows a method fails here before it fails in production.
No rule id: this is the code's shape."""

from __future__ import annotations

import inspect

import pytest

from sync_service.adapters.audit_bundle import AuditBundleWriter
from sync_service.adapters.audit_checkpoints import AuditCheckpointStore
from sync_service.adapters.challenge_store import DatabaseChallengeStore
from sync_service.adapters.grant_endings import GrantEndingRepository
from sync_service.adapters.html_pdf import HtmlPdfForms
from sync_service.adapters.keycloak_departures import KeycloakDepartureDates
from sync_service.adapters.keycloak_directory import KeycloakDirectory
from sync_service.adapters.keycloak_event_log import KeycloakEventLog
from sync_service.adapters.keycloak_events import KeycloakEventSource
from sync_service.adapters.mail import SmtpMailer
from sync_service.adapters.metrics import PrometheusTelemetry
from sync_service.adapters.page_sessions import DatabasePageSessions
from sync_service.adapters.personal_data_store import PersonalDataRequestRepository, PersonalRecords
from sync_service.adapters.repository import (
    ApplicationRepository,
    LegacyImportRepository,
    OutboxRepository,
    ScanRepository,
    SeatRepository,
)
from sync_service.adapters.review_repository import AccessReviewRepository, PasswordReminderRepository
from sync_service.adapters.suspension_store import SuspensionRepository
from sync_service.adapters.tokens import RealmTokenVerifier
from sync_service.adapters.unit_of_work import SqlUnitOfWork
from sync_service.services import ports
from tests.support.sync import StaticTokens
from tests.unit.service.fake_directory import FakeDirectory, FakeMailer

# ---- for the type checker: an adapter given where its port is wanted ----------------


def _unit_of_work(a: SqlUnitOfWork) -> ports.UnitOfWork:
    return a


def _applications(a: ApplicationRepository) -> ports.ApplicationRepository:
    return a


def _scans(a: ScanRepository) -> ports.ScanRepository:
    return a


def _seats(a: SeatRepository) -> ports.SeatRepository:
    return a


def _outbox(a: OutboxRepository) -> ports.OutboxRepository:
    return a


def _event_log(a: KeycloakEventLog) -> ports.KeycloakEventLog:
    return a


def _challenges(a: DatabaseChallengeStore) -> ports.ChallengeStore:
    return a


def _legacy(a: LegacyImportRepository) -> ports.LegacyImportRepository:
    return a


def _personal_requests(a: PersonalDataRequestRepository) -> ports.PersonalDataRequestRepository:
    return a


def _personal_records(a: PersonalRecords) -> ports.PersonalRecords:
    return a


def _password_reminders(a: PasswordReminderRepository) -> ports.PasswordReminderRepository:
    return a


def _access_reviews(a: AccessReviewRepository) -> ports.AccessReviewRepository:
    return a


def _suspensions(a: SuspensionRepository) -> ports.SuspensionRepository:
    return a


def _grant_endings(a: GrantEndingRepository) -> ports.GrantEndingRepository:
    return a


def _directory(a: KeycloakDirectory) -> ports.Directory:
    return a


def _fake_directory(a: FakeDirectory) -> ports.Directory:
    return a


def _mailer(a: SmtpMailer) -> ports.Mailer:
    return a


def _fake_mailer(a: FakeMailer) -> ports.Mailer:
    return a


def _tokens(a: RealmTokenVerifier) -> ports.TokenVerifier:
    return a


def _static_tokens(a: StaticTokens) -> ports.TokenVerifier:
    return a


def _departure_dates(a: KeycloakDepartureDates) -> ports.DepartureDates:
    return a


def _event_source(a: KeycloakEventSource) -> ports.EventSource:
    return a


def _audit_anchors(a: KeycloakEventSource) -> ports.AuditAnchors:
    return a


def _audit_checkpoints(a: AuditCheckpointStore) -> ports.AuditCheckpointRepository:
    return a


def _bundle_writer(a: AuditBundleWriter) -> ports.BundleWriter:
    return a


def _renderer(a: HtmlPdfForms) -> ports.Renderer:
    return a


def _telemetry(a: PrometheusTelemetry) -> ports.Telemetry:
    return a


# ---- at run time: every method of the port is there -----------------------------------

IMPLEMENTATIONS = [
    (SqlUnitOfWork, ports.UnitOfWork),
    (ApplicationRepository, ports.ApplicationRepository),
    (ScanRepository, ports.ScanRepository),
    (SeatRepository, ports.SeatRepository),
    (OutboxRepository, ports.OutboxRepository),
    (KeycloakEventLog, ports.KeycloakEventLog),
    (LegacyImportRepository, ports.LegacyImportRepository),
    (PersonalDataRequestRepository, ports.PersonalDataRequestRepository),
    (PersonalRecords, ports.PersonalRecords),
    (PasswordReminderRepository, ports.PasswordReminderRepository),
    (AccessReviewRepository, ports.AccessReviewRepository),
    (SuspensionRepository, ports.SuspensionRepository),
    (GrantEndingRepository, ports.GrantEndingRepository),
    (KeycloakDirectory, ports.Directory),
    (FakeDirectory, ports.Directory),
    (SmtpMailer, ports.Mailer),
    (FakeMailer, ports.Mailer),
    (RealmTokenVerifier, ports.TokenVerifier),
    (StaticTokens, ports.TokenVerifier),
    (KeycloakDepartureDates, ports.DepartureDates),
    (KeycloakEventSource, ports.EventSource),
    (KeycloakEventSource, ports.AuditAnchors),
    (AuditCheckpointStore, ports.AuditCheckpointRepository),
    (AuditBundleWriter, ports.BundleWriter),
    (HtmlPdfForms, ports.Renderer),
    (PrometheusTelemetry, ports.Telemetry),
    (DatabasePageSessions, ports.PageSessions),
    (DatabaseChallengeStore, ports.ChallengeStore),
]


def port_methods(port: type) -> set[str]:
    return {
        name
        for name, member in vars(port).items()
        if inspect.isfunction(member) and (not name.startswith("_") or name in ("__enter__", "__exit__"))
    }


@pytest.mark.parametrize(("implementation", "port"), IMPLEMENTATIONS, ids=lambda c: c.__name__)
def test_implements_every_method_of_its_port(implementation, port):
    assert port_methods(port) - set(dir(implementation)) == set()


def test_every_port_has_an_implementation_here():
    declared = {
        c
        for c in vars(ports).values()
        if inspect.isclass(c) and getattr(c, "_is_protocol", False) and c.__module__ == ports.__name__
    }
    roles = {b for b in ports.Directory.__bases__ if b in declared}  # Directory's roles, implemented with it
    assert declared - roles - {p for _, p in IMPLEMENTATIONS} == {ports.ScheduledJob}  # each job: where it is made
